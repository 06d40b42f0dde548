import { Link } from 'react-router';
import { Anchor, Badge, Card, Group, Progress, Table, Text, Tooltip } from '@mantine/core';
import type { MemberStatus, PolicyProtection } from '../../../../shared/domain/dashboard';
import { protectionHref } from './links';
import { spanWords } from './words';

/** A count that opens the policy's members with that status; a zero is plain text. */
function Count({ p, status, n, color }: { p: PolicyProtection; status: MemberStatus; n: number; color?: string }) {
  if (n === 0) return <Text c="dimmed">0</Text>;
  return (
    <Anchor component={Link} to={protectionHref(p.policyId, status)} c={color} fw={600} aria-label={`${n} ${status} in ${p.policyName}`}>
      {n.toLocaleString('en-US')}
    </Anchor>
  );
}

function Shares({ p }: { p: PolicyProtection }) {
  if (p.members === 0) return null;
  const pct = (n: number) => (100 * n) / p.members;
  return (
    <Progress.Root size="md" w={90} aria-hidden>
      <Progress.Section value={pct(p.protected)} color="green" />
      <Progress.Section value={pct(p.unprotected)} color="gray" />
      <Progress.Section value={pct(p.failing)} color="red" />
    </Progress.Root>
  );
}

function failingWhy(p: PolicyProtection): string {
  const parts = [p.backupFailed && `${p.backupFailed} whose last backup failed`, p.rpoBreached && `${p.rpoBreached} behind the RPO`];
  return parts.filter(Boolean).join(', ');
}

/** Per policy: how many members are protected, not backed up yet, or failing, against the policy's RPO. */
export function ProtectionCard({ policies }: { policies: PolicyProtection[] }) {
  return (
    <Card withBorder data-testid="protection-card">
      <Group justify="space-between" mb="xs">
        <Text fw={600}>Protection per policy</Text>
        <Anchor component={Link} to="/protection" size="sm">
          Open Protection
        </Anchor>
      </Group>
      {policies.length === 0 ? (
        <Text size="sm" c="dimmed">
          No policy yet. A policy backs up the instances it holds on a schedule and keeps what its retention says: create one in{' '}
          <Anchor component={Link} to="/protection" inherit>
            Protection
          </Anchor>
          .
        </Text>
      ) : (
        <>
          <Table.ScrollContainer minWidth={560}>
            <Table verticalSpacing={6} style={{ whiteSpace: 'nowrap' }} data-testid="policy-protection">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Policy</Table.Th>
                  <Table.Th ta="right">Members</Table.Th>
                  <Table.Th ta="right">Protected</Table.Th>
                  <Table.Th ta="right">No backup yet</Table.Th>
                  <Table.Th ta="right">Failing</Table.Th>
                  <Table.Th ta="right">RPO</Table.Th>
                  <Table.Th />
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {policies.map((p) => (
                  <Table.Tr key={p.policyId} data-testid={`policy-row-${p.policyName}`}>
                    <Table.Td>
                      <Group gap={6} wrap="nowrap">
                        <Anchor component={Link} to={protectionHref(p.policyId)}>
                          {p.policyName}
                        </Anchor>
                        {!p.enabled && (
                          <Badge size="xs" variant="light" color="gray" style={{ flexShrink: 0 }}>
                            paused
                          </Badge>
                        )}
                      </Group>
                    </Table.Td>
                    <Table.Td ta="right">{p.members.toLocaleString('en-US')}</Table.Td>
                    <Table.Td ta="right">
                      <Count p={p} status="protected" n={p.protected} color="green" />
                    </Table.Td>
                    <Table.Td ta="right">
                      <Count p={p} status="unprotected" n={p.unprotected} />
                    </Table.Td>
                    <Table.Td ta="right">
                      <Tooltip label={failingWhy(p)} disabled={p.failing === 0}>
                        <span>
                          <Count p={p} status="failing" n={p.failing} color="red" />
                        </span>
                      </Tooltip>
                    </Table.Td>
                    <Table.Td ta="right">{p.rpoMs === null ? <Text c="dimmed">no schedule</Text> : spanWords(p.rpoMs)}</Table.Td>
                    <Table.Td>
                      <Shares p={p} />
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
          <Text size="xs" c="dimmed" mt="xs">
            RPO: twice the time between runs of the policy&apos;s most frequent schedule. A member is behind it once two scheduled runs have come due
            since its newest restore point (or since it joined, or the policy last changed); paused policies are not checked. Failing: a backup failed
            after the newest restore point, or behind the RPO. Not backed up yet: no restore point, not behind yet.
          </Text>
        </>
      )}
    </Card>
  );
}
