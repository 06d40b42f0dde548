import { ActionIcon, Button, Fieldset, Group, Stack, Switch, Text } from '@mantine/core';
import { IconPlus, IconTrash } from '@tabler/icons-react';
import { Choice } from '../../components/Choice';
import { FormFields, type FieldRow } from '../../components/FormFields';
import { emptyDomain, type WizardDraft } from './wizard-state';

type Domain = WizardDraft['authDomains'][number];
type TextKey = 'name' | 'domainId' | 'userName' | 'userDomain' | 'password' | 'appCredId' | 'appCredSecret' | 'defaultProject';

const KINDS = [
  { value: 'password', label: 'Password' },
  { value: 'applicationCredential', label: 'Application credential' },
] as const;
const KEEP = 'stored — leave empty to keep';

/** The fields of one authentication domain; a secret the cloud has stored is asked for only to replace it. */
function domainRows(d: Domain): FieldRow<TextKey>[] {
  const keep = d.stored === d.kind ? { placeholder: KEEP } : { required: true };
  const secret: FieldRow<TextKey> =
    d.kind === 'password'
      ? { key: 'password', label: 'Password', secret: true, autoComplete: 'current-password', ...keep }
      : [
          { key: 'appCredId', label: 'Application credential ID', ...keep },
          { key: 'appCredSecret', label: 'Application credential secret', secret: true, ...keep },
        ];
  return [
    [
      { key: 'name', label: 'Domain name', required: true },
      { key: 'domainId', label: 'Domain ID (optional)' },
    ],
    [
      { key: 'userName', label: 'User', description: 'The account Backstack logs in as', required: true, autoComplete: 'username' },
      { key: 'userDomain', label: "Account's domain (optional)", description: 'When the user belongs to another domain than this one' },
    ],
    secret,
    { key: 'defaultProject', label: 'Default project', description: 'Optional: without it Backstack uses the projects the user has a role on' },
  ];
}

export function DomainsStep({ draft, onChange }: { draft: WizardDraft; onChange: (d: WizardDraft) => void }) {
  const setDomain = (i: number, patch: Partial<Domain>) =>
    onChange({ ...draft, authDomains: draft.authDomains.map((d, j) => (i === j ? { ...d, ...patch } : d)) });
  return (
    <Stack>
      <Switch
        label="Use domain-scoped authorization"
        description="Off: one set of credentials reaches every domain it can. On: one authentication domain per domain; only those domains are scanned."
        checked={draft.scoped}
        onChange={(e) =>
          onChange({
            ...draft,
            scoped: e.currentTarget.checked,
            authDomains: e.currentTarget.checked ? draft.authDomains : draft.authDomains.slice(0, 1),
          })
        }
      />
      {draft.authDomains.map((d, i) => (
        <Fieldset
          key={i}
          legend={
            <Group gap={4}>
              {`Authentication domain ${draft.scoped ? i + 1 : ''}`.trim()}
              {draft.authDomains.length > 1 && (
                <ActionIcon
                  color="red"
                  variant="subtle"
                  size="sm"
                  aria-label={`Remove authentication domain ${i + 1}`}
                  onClick={() => onChange({ ...draft, authDomains: draft.authDomains.filter((_, j) => j !== i) })}
                >
                  <IconTrash size={14} />
                </ActionIcon>
              )}
            </Group>
          }
        >
          <Stack gap="sm">
            <Choice value={d.kind} onChange={(kind) => setDomain(i, { kind })} options={KINDS} />
            <FormFields rows={domainRows(d)} values={d} onChange={(k, v) => setDomain(i, { [k]: v })} />
          </Stack>
        </Fieldset>
      ))}
      {draft.scoped && (
        <Button
          variant="subtle"
          leftSection={<IconPlus size={16} />}
          w="fit-content"
          onClick={() => onChange({ ...draft, authDomains: [...draft.authDomains, emptyDomain()] })}
        >
          Add an authentication domain
        </Button>
      )}
      <Text size="xs" c="dimmed">
        Passwords and application credentials are encrypted on this machine and never shown again
        {draft.authDomains.some((d) => d.stored) ? ': leave a stored one empty to keep it, or type a new one to replace it.' : '.'}
      </Text>
    </Stack>
  );
}
