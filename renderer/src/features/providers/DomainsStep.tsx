import { ActionIcon, Button, Fieldset, Group, Stack, Switch, Text } from '@mantine/core';
import { IconPlus, IconTrash } from '@tabler/icons-react';
import { FormFields, type FieldRow } from '../../components/FormFields';
import type { WizardDraft } from './wizard-state';

type Domain = WizardDraft['authDomains'][number];

/** The fields of one authentication domain. */
const DOMAIN: FieldRow<keyof Domain>[] = [
  [
    { key: 'name', label: 'Domain name', required: true },
    { key: 'domainId', label: 'Domain ID (optional)' },
  ],
  [
    { key: 'userName', label: 'User', required: true, autoComplete: 'username' },
    { key: 'password', label: 'Password', required: true, secret: true, autoComplete: 'current-password' },
  ],
  { key: 'defaultProject', label: 'Default project', description: 'Optional: without it Backstack uses the projects the user has a role on' },
];

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
          <FormFields rows={DOMAIN} values={d} onChange={(k, v) => setDomain(i, { [k]: v })} />
        </Fieldset>
      ))}
      {draft.scoped && (
        <Button
          variant="subtle"
          leftSection={<IconPlus size={16} />}
          w="fit-content"
          onClick={() =>
            onChange({ ...draft, authDomains: [...draft.authDomains, { name: '', domainId: '', userName: '', password: '', defaultProject: '' }] })
          }
        >
          Add an authentication domain
        </Button>
      )}
      <Text size="xs" c="dimmed">
        Passwords are encrypted on this machine and never shown again.
      </Text>
    </Stack>
  );
}
