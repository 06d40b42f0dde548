import { Alert, Button, Group, List, Loader, Stack, Switch, Text } from '@mantine/core';
import type { PreflightField, PreflightItem, PreflightReport, PreflightSeverity } from '../../../../shared/domain/restore-preflight';
import type { AppError } from '../../../../shared/errors/app-error';
import { ErrorAlert } from '../../components/ErrorAlert';

/** The pre-flight's warnings on one field, shown under it (its blockers are the field's error). */
export function FieldNotes({ items, field }: { items: PreflightItem[] | undefined; field: PreflightField }) {
  const mine = (items ?? []).filter((i) => i.field === field && i.severity === 'warning');
  if (!mine.length) return null;
  return (
    <Stack gap={2} data-testid={`preflight-${field}`}>
      {mine.map((i, k) => (
        <Text key={k} size="xs" c="yellow.8">
          {i.message}
        </Text>
      ))}
    </Stack>
  );
}

const GROUPS: { severity: PreflightSeverity; title: string; color: string }[] = [
  { severity: 'blocker', title: 'Blocks the restore', color: 'red' },
  { severity: 'warning', title: 'Works, differently from the original', color: 'yellow' },
  { severity: 'info', title: 'What will happen', color: 'gray' },
];

/** Every conflict the pre-flight found, grouped by severity; nothing is created until Restore. */
export function PreflightPanel({ report, checking }: { report: PreflightReport | undefined; checking: boolean }) {
  return (
    <Stack gap="xs" data-testid="preflight">
      <Group gap="xs">
        <Text fw={600} size="sm">
          Pre-flight
        </Text>
        {checking && <Loader size="xs" />}
        {report && !checking && (
          <Text size="sm" c={report.blocked ? 'red' : 'dimmed'} data-testid="preflight-verdict">
            {report.blocked ? 'Resolve what blocks the restore to start it.' : 'Nothing blocks the restore.'}
          </Text>
        )}
      </Group>
      {report &&
        GROUPS.map((g) => {
          const items = report.items.filter((i) => i.severity === g.severity);
          if (!items.length) return null;
          return (
            <Alert key={g.severity} color={g.color} variant="light" title={g.title} p="xs" data-testid={`preflight-${g.severity}`}>
              <List size="sm" spacing={2}>
                {items.map((i, k) => (
                  <List.Item key={k}>
                    <Text span size="sm" fw={500}>
                      {i.item}
                    </Text>
                    {': '}
                    {i.message}
                  </List.Item>
                ))}
              </List>
            </Alert>
          );
        })}
    </Stack>
  );
}

/**
 * The last part of a restore dialog: the pre-flight's findings, the verify switch and the buttons;
 * the restore button stays disabled while the check runs or something blocks.
 */
export function PreflightFooter(props: {
  preflight: { check: { data: PreflightReport | undefined; error: AppError | null; reload: () => void }; checking: boolean };
  verify: { checked: boolean; onChange: (v: boolean) => void; label: string };
  submit: { run: () => void; busy: boolean; error: AppError | null; label: string };
  onClose: () => void;
}) {
  const { check, checking } = props.preflight;
  return (
    <>
      <PreflightPanel report={check.data} checking={checking} />
      {check.error && <ErrorAlert error={check.error} title="The pre-flight could not run" onRetry={check.reload} compact />}
      <Switch label={props.verify.label} checked={props.verify.checked} onChange={(e) => props.verify.onChange(e.currentTarget.checked)} />
      {props.submit.error && <ErrorAlert error={props.submit.error} title="The restore did not start" />}
      <Group justify="flex-end">
        <Button variant="default" onClick={props.onClose}>
          Cancel
        </Button>
        <Button onClick={props.submit.run} loading={props.submit.busy} disabled={checking || check.data?.blocked === true}>
          {props.submit.label}
        </Button>
      </Group>
    </>
  );
}
