import { useEffect, useState } from 'react';
import { Card, Group, RingProgress, Stack, Text } from '@mantine/core';
import { call, subscribe } from '../../api/client';

/** How many instances have at least one restore point, and how many have none. */
export function ProtectionCard() {
  const [figures, setFigures] = useState<{ instances: number; protectedCount: number } | null>(null);
  useEffect(() => {
    const load = async () => {
      const [{ items: instances }, { items: backups }] = await Promise.all([call('inventory.listInstances', {}), call('backups.list', {})]);
      const withBackup = new Set(backups.map((b) => b.resourceId));
      setFigures({ instances: instances.length, protectedCount: instances.filter((i) => withBackup.has(i.id)).length });
    };
    void load();
    return subscribe('catalog.changed', ({ tables }) => {
      if (tables.includes('backups') || tables.includes('inventory')) void load();
    });
  }, []);
  if (!figures || figures.instances === 0) return null;
  const pct = Math.round((100 * figures.protectedCount) / figures.instances);
  return (
    <Card withBorder data-testid="protection-card">
      <Group>
        <RingProgress
          size={96}
          thickness={10}
          sections={[{ value: pct, color: pct === 100 ? 'green' : 'indigo' }]}
          label={
            <Text ta="center" fw={700}>
              {pct}%
            </Text>
          }
        />
        <Stack gap={2}>
          <Text fw={600}>Protection</Text>
          <Text size="sm">
            {figures.protectedCount} of {figures.instances} instances have a restore point
          </Text>
          <Text size="sm" c={figures.instances - figures.protectedCount ? 'orange' : 'dimmed'}>
            {figures.instances - figures.protectedCount} unprotected
          </Text>
        </Stack>
      </Group>
    </Card>
  );
}
