import { Badge, Code, Group, List, Loader, Stack, Text } from '@mantine/core';
import type { HypervisorTest } from '../../../../shared/domain/inventory';

export interface HostTestOutcome {
  running: boolean;
  result: HypervisorTest | null;
  /** the request itself failed (no SSH settings, the host gone from the inventory) */
  error: string | null;
}

/** The host key the test saw, to compare with the host's own before trusting backups to it. */
function HostKey({ result }: { result: HypervisorTest }) {
  if (!result.hostKey) return null;
  return (
    <Text size="sm" data-testid="host-key">
      Host key <Code>{result.hostKey}</Code> {result.pinnedNow ? 'pinned now, on this first connection.' : 'matches the pinned one.'}{' '}
      <Text span size="sm" c="dimmed">
        Compare it with what <Code>ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub</Code> prints on the host; if it differs, enter the host&apos;s
        own key under SSH settings.
      </Text>
    </Text>
  );
}

/** Each program backups run on the host: found (with its path) or missing (with what it is needed for). */
function Tools({ tools }: { tools: HypervisorTest['tools'] }) {
  if (tools.length === 0) return null;
  return (
    <Group gap={6} data-testid="host-tools">
      {tools.map((t) =>
        t.path ? (
          <Badge key={t.name} color="green" variant="light" title={t.path}>
            {t.name}
          </Badge>
        ) : (
          <Badge key={t.name} color="red" variant="light" title={`needed for ${t.neededFor}`}>
            {t.name} missing
          </Badge>
        ),
      )}
    </Group>
  );
}

/** What testing a hypervisor found: ready, or each problem in words that say what to do. */
export function HostTestResult({ outcome }: { outcome: HostTestOutcome }) {
  if (outcome.running)
    return (
      <Group gap={6}>
        <Loader size="xs" />
        <Text size="sm">Connecting and checking libvirt and the tools backups run…</Text>
      </Group>
    );
  if (outcome.error)
    return (
      <Text size="sm" c="red" role="alert">
        {outcome.error}
      </Text>
    );
  const r = outcome.result;
  if (!r) return null;
  const libvirt = /library: libvirt ([\d.]+)/.exec(r.libvirt ?? '')?.[1];
  return (
    <Stack gap={4} data-testid="host-test-result">
      {r.ok ? (
        <Text size="sm" c="green" fw={600}>
          Ready for backups{libvirt ? `: libvirt ${libvirt} answers` : ''}.
        </Text>
      ) : (
        <List size="sm" c="red" spacing={2} role="alert">
          {r.problems.map((p) => (
            <List.Item key={p}>{p}</List.Item>
          ))}
        </List>
      )}
      {!r.ok && !r.hostKey && (
        <Text size="sm" c="dimmed">
          Check the address and port under SSH settings, that sshd runs on the host, and that this workstation may reach it.
        </Text>
      )}
      <HostKey result={r} />
      <Tools tools={r.tools} />
    </Stack>
  );
}
