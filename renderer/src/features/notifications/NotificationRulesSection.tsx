import { Link } from 'react-router';
import { Anchor, Checkbox, Group, NumberInput, Paper, SimpleGrid, Stack, TagsInput, Text, Title } from '@mantine/core';
import { DEFAULT_NOTIFICATION_RULES, NotificationRules, RPO_MISSED_RUNS } from '../../../../shared/domain/notifications';
import { useQuery } from '../../api/useQuery';

type Rules = NotificationRules;
type Flag = 'failure' | 'success' | 'rpoBreached';

const FLAGS: { key: Flag; label: string; description: string }[] = [
  { key: 'failure', label: 'A backup fails', description: 'also when it is interrupted, or its start window closes before it can start' },
  { key: 'success', label: 'A backup succeeds', description: 'with or without warnings' },
  { key: 'rpoBreached', label: 'The RPO is breached', description: `${RPO_MISSED_RUNS} scheduled runs have come due since a member’s newest restore point` },
];

interface ThresholdRule {
  label: string;
  name: string;
  after?: string;
  min: number;
  max: number;
  suffix: string;
  width: number;
  initial: number;
}
const THRESHOLDS: [ThresholdRule, ThresholdRule] = [
  { label: 'A destination is fuller than', name: 'Destination full threshold (percent)', min: 50, max: 99, suffix: ' %', width: 90, initial: DEFAULT_NOTIFICATION_RULES.destinationFullPercent ?? 90 },
  { label: 'An incremental writes', name: 'Unusual change factor', after: 'the instance’s usual change', min: 2, max: 100, suffix: '×', width: 80, initial: DEFAULT_NOTIFICATION_RULES.unusualChangeFactor ?? 4 },
];

/** An event reported from a threshold on: ticked, its number (unticked: null, not watched). */
function Threshold(props: { rule: ThresholdRule; value: number | null; onChange(v: number | null): void }) {
  const { rule, value } = props;
  return (
    <Group gap="xs" align="center" wrap="nowrap">
      <Checkbox label={rule.label} checked={value !== null} onChange={(e) => props.onChange(e.currentTarget.checked ? rule.initial : null)} />
      <NumberInput
        aria-label={rule.name}
        w={rule.width}
        min={rule.min}
        max={rule.max}
        suffix={rule.suffix}
        disabled={value === null}
        value={value ?? ''}
        onChange={(v) => typeof v === 'number' && props.onChange(v)}
      />
      {rule.after && <Text size="sm">{rule.after}</Text>}
    </Group>
  );
}

/**
 * The policy editor's Notifications section: which events a policy reports, and where (the
 * desktop, e-mail addresses). Controlled: the editor holds `value` in its draft; the shared
 * schema checks the addresses.
 */
export function NotificationRulesSection(props: { value: Rules | undefined; onChange(value: Rules): void }) {
  const value = props.value ?? DEFAULT_NOTIFICATION_RULES;
  const set = (patch: Partial<Rules>) => props.onChange({ ...value, ...patch });
  const smtp = useQuery('notifications.getSmtp', {}, { tables: ['settings'] });
  const parsed = NotificationRules.safeParse(value);
  const bad = parsed.success ? [] : parsed.error.issues.filter((i) => i.path[0] === 'emails').map((i) => i.message);
  const noServer = value.emails.length > 0 && smtp.data && !smtp.data.smtp;
  return (
    <Paper withBorder p="md" component="section" aria-labelledby="notifications-title" data-testid="section-notifications">
      <Stack gap="sm">
        <div>
          <Title order={2} size="h4" id="notifications-title">
            Notifications
          </Title>
          <Text size="sm" c="dimmed">
            What this policy reports, and where. Several reports at once (a run where many backups fail) arrive as one message.
          </Text>
        </div>
        <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="lg">
          <Stack gap="xs">
            {FLAGS.map((f) => (
              <Checkbox key={f.key} label={f.label} description={f.description} checked={value[f.key]} onChange={(e) => set({ [f.key]: e.currentTarget.checked })} />
            ))}
            <Threshold rule={THRESHOLDS[0]} value={value.destinationFullPercent} onChange={(destinationFullPercent) => set({ destinationFullPercent })} />
            <Threshold rule={THRESHOLDS[1]} value={value.unusualChangeFactor} onChange={(unusualChangeFactor) => set({ unusualChangeFactor })} />
            <Text size="xs" c="dimmed">
              An unusual change rate can be ransomware encrypting a disk; it is judged against the median of the instance’s last incrementals (3 at least).
            </Text>
          </Stack>
          <Stack gap="xs">
            <Checkbox label="Desktop notification" description="in the desktop app, and in console mode’s browser" checked={value.desktop} onChange={(e) => set({ desktop: e.currentTarget.checked })} />
            <TagsInput
              label="E-mail to"
              description="Press Enter after each address."
              placeholder={value.emails.length ? '' : 'ops@example.org'}
              value={value.emails}
              onChange={(emails) => set({ emails })}
              splitChars={[',', ' ', ';']}
              error={bad.length ? bad.join('; ') : undefined}
              clearable
            />
            {noServer && (
              <Text size="xs" c="orange">
                No mail server is set up yet: e-mail goes out once one is, in{' '}
                <Anchor component={Link} to="/settings/notifications" size="xs">
                  Settings → Notifications
                </Anchor>
                .
              </Text>
            )}
          </Stack>
        </SimpleGrid>
      </Stack>
    </Paper>
  );
}
