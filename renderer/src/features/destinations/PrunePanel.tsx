import { useState } from 'react';
import { Alert, Badge, Button, Group, NumberInput, ScrollArea, Stack, Table, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import type { KeepRules } from '../../../../shared/domain/destinations';
import type { OutputOf } from '../../../../shared/ipc/contract';
import { call } from '../../api/client';

const RULES = ['last', 'hourly', 'daily', 'weekly', 'monthly', 'yearly'] as const;

/** Keep rules with a dry run first: every restore point listed with why it is kept or removed. */
export function PrunePanel({ destinationId }: { destinationId: string }) {
  const [keep, setKeep] = useState<KeepRules>({ last: 3, daily: 7, weekly: 4, monthly: 6 });
  const [preview, setPreview] = useState<OutputOf<'destinations.previewPrune'> | null>(null);
  const [error, setError] = useState<string | null>(null);
  const simulate = async () => {
    setError(null);
    try {
      setPreview(await call('destinations.previewPrune', { id: destinationId, keep }));
    } catch (e) {
      setError((e as Error).message);
    }
  };
  const prune = async () => {
    try {
      await call('destinations.startPrune', { id: destinationId, keep });
      notifications.show({ title: 'Prune started', message: 'Follow it in Jobs, then run garbage collection to free space.' });
      setPreview(null);
    } catch (e) {
      setError((e as Error).message);
    }
  };
  return (
    <Stack gap="xs">
      <Group align="end" gap="xs">
        {RULES.map((r) => (
          <NumberInput
            key={r}
            label={`Keep ${r}`}
            w={110}
            min={0}
            value={keep[r] ?? ''}
            onChange={(v) => {
              setPreview(null);
              setKeep({ ...keep, [r]: typeof v === 'number' ? v : undefined });
            }}
          />
        ))}
        <Button variant="light" onClick={() => void simulate()}>
          Preview
        </Button>
        <Button color="red" variant="light" onClick={() => void prune()} disabled={!preview || preview.removed.length === 0}>
          Prune {preview ? `${preview.removed.length}` : ''}
        </Button>
      </Group>
      {error && <Alert color="red">{error}</Alert>}
      {preview && (
        <ScrollArea h={220} data-testid="prune-preview">
          <Text size="sm" mb={4}>
            {preview.kept.length} kept, {preview.removed.length} would be removed.
          </Text>
          <Table>
            <Table.Tbody>
              {preview.groups.flatMap((g) =>
                g.decisions.map((d) => (
                  <Table.Tr key={d.id}>
                    <Table.Td>
                      <Badge color={d.keep ? 'green' : 'red'} variant="light">
                        {d.keep ? 'keep' : 'remove'}
                      </Badge>
                    </Table.Td>
                    <Table.Td>{g.group}</Table.Td>
                    <Table.Td>{new Date(d.time).toLocaleString()}</Table.Td>
                    <Table.Td>
                      <Text size="xs">{d.reasons.join('; ')}</Text>
                    </Table.Td>
                  </Table.Tr>
                )),
              )}
            </Table.Tbody>
          </Table>
        </ScrollArea>
      )}
    </Stack>
  );
}
