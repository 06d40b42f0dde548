import { Link } from 'react-router';
import { Anchor, Card, Group, Progress, Stack, Text } from '@mantine/core';
import type { Dashboard } from '../../../../shared/domain/dashboard';
import { plural } from '../../../../shared/format';
import { protectionHref } from './links';
import { agoWords, spanWords } from './words';

/** RPO compliance: how many members are within their RPO, and the ones furthest behind it. */
export function RpoCard({ d, now }: { d: Dashboard; now: number }) {
  const withRpo = d.policies.filter((p) => p.rpoMs !== null);
  const within = withRpo.reduce((n, p) => n + p.protected, 0);
  const backedUp = withRpo.reduce((n, p) => n + p.members - p.unprotected, 0);
  return (
    <Card withBorder data-testid="rpo-card">
      <Text fw={600}>RPO compliance</Text>
      {d.rpoLag.length === 0 ? (
        <Text size="sm" c="dimmed" mt="xs">
          Nothing to compare yet: this shows the age of each member&apos;s newest restore point against its policy&apos;s RPO once a scheduled policy
          has backed something up.
        </Text>
      ) : (
        <>
          <Text size="sm" c="dimmed" mb="xs">
            {within.toLocaleString('en-US')} of {plural(backedUp, 'backed-up member')} of scheduled policies within their RPO. Furthest behind:
          </Text>
          <Stack gap={8}>
            {d.rpoLag.map((r) => {
              const late = r.status === 'failing';
              return (
                <div key={`${r.providerId}/${r.instanceId}`} data-testid="rpo-row">
                  <Group justify="space-between" gap="xs" wrap="nowrap">
                    <Anchor component={Link} to={protectionHref(r.policyId, late ? 'failing' : 'protected')} size="sm" truncate>
                      {r.name}
                    </Anchor>
                    <Text size="xs" c={late ? 'red' : 'dimmed'} style={{ whiteSpace: 'nowrap' }}>
                      {agoWords(r.newestAt, now)} · RPO {spanWords(r.rpoMs)} · {r.policyName}
                    </Text>
                  </Group>
                  <Progress
                    value={late ? 100 : Math.min(100, 100 * r.ratio)}
                    color={late ? 'red' : r.ratio > 0.5 ? 'yellow' : 'green'}
                    size="sm"
                    aria-hidden
                  />
                </div>
              );
            })}
          </Stack>
        </>
      )}
    </Card>
  );
}
