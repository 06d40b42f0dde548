import { ActionIcon, Button, Fieldset, Group, PasswordInput, Stack, Switch, Text, TextInput } from '@mantine/core';
import { IconPlus, IconTrash } from '@tabler/icons-react';
import type { WizardDraft } from './wizard-state';

type Domain = WizardDraft['authDomains'][number];

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
        <Fieldset key={i} legend={`Authentication domain ${draft.scoped ? i + 1 : ''}`.trim()}>
          <Group grow align="start">
            <TextInput label="Domain name" required value={d.name} onChange={(e) => setDomain(i, { name: e.currentTarget.value })} />
            <TextInput label="Domain ID (optional)" value={d.domainId} onChange={(e) => setDomain(i, { domainId: e.currentTarget.value })} />
          </Group>
          <Group grow align="start">
            <TextInput
              label="User"
              required
              value={d.userName}
              onChange={(e) => setDomain(i, { userName: e.currentTarget.value })}
              autoComplete="username"
            />
            <PasswordInput
              label="Password"
              required
              value={d.password}
              onChange={(e) => setDomain(i, { password: e.currentTarget.value })}
              autoComplete="current-password"
            />
          </Group>
          <Group align="end">
            <TextInput
              label="Default project"
              description="Optional: without it Backstack uses the projects the user has a role on"
              style={{ flex: 1 }}
              value={d.defaultProject}
              onChange={(e) => setDomain(i, { defaultProject: e.currentTarget.value })}
            />
            {draft.authDomains.length > 1 && (
              <ActionIcon
                color="red"
                variant="subtle"
                aria-label={`Remove authentication domain ${i + 1}`}
                onClick={() => onChange({ ...draft, authDomains: draft.authDomains.filter((_, j) => j !== i) })}
              >
                <IconTrash size={16} />
              </ActionIcon>
            )}
          </Group>
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
