import { Badge, Code, Popover, Stack, Text, UnstyledButton } from '@mantine/core';
import type { BackupView } from '../../../../shared/domain/backups';
import { verificationLabel } from '../../../../shared/domain/restore-verify';

const secs = (n: number | null) => (n === null ? '–' : `${Math.round(n)} s`);

/** "verified bootable on …" or "boot check failed on …"; a click shows the evidence and the console excerpt. */
export function VerificationBadge({ backup }: { backup: BackupView }) {
  const v = backup.verification;
  if (!v) return null;
  return (
    <Popover width={520} position="bottom-start" withArrow shadow="md">
      <Popover.Target>
        <UnstyledButton aria-label={`${verificationLabel(v)}: show the evidence`}>
          <Badge size="sm" variant="light" color={v.result === 'passed' ? 'green' : 'red'} style={{ cursor: 'pointer' }} data-testid="verification-badge">
            {verificationLabel(v)}
          </Badge>
        </UnstyledButton>
      </Popover.Target>
      <Popover.Dropdown data-testid="verification-evidence">
        <Stack gap={4}>
          <Text size="sm" fw={600}>
            {v.result === 'passed' ? 'Booted' : 'Did not boot'}: {v.evidence}
          </Text>
          <Text size="xs" c="dimmed">
            {new Date(v.at).toLocaleString()} · restore {secs(v.seconds.restore)} · boot {secs(v.seconds.boot)} · total {secs(v.seconds.total)} · guest
            agent {v.guestAgent.state}
          </Text>
          <Text size="xs" c="dimmed">
            In project {v.projectId} as {v.serverName}; removed afterwards: {v.removed.length ? v.removed.join(', ') : 'nothing was created'}.
          </Text>
          {v.console.length > 0 && (
            <Code block style={{ maxHeight: 260, overflow: 'auto', fontSize: 11 }}>
              {v.console.join('\n')}
            </Code>
          )}
        </Stack>
      </Popover.Dropdown>
    </Popover>
  );
}
