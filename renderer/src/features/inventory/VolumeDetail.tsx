import type { ReactNode } from 'react';
import { Badge, Code, Drawer, Group, Stack, Text, Title } from '@mantine/core';
import { useEscapeInside } from '../../components/escape-inside';
import { KeyValueTable } from '../../components/KeyValueTable';
import { sizeText, VolumeStatusBadge } from './volume-columns';
import { attachedText, type VolumeRow } from './volume-rows';
import { VolumeBackups } from './VolumeBackups';

function overview(v: VolumeRow): [string, ReactNode][] {
  return [
    ['ID', <Code key="id">{v.id}</Code>],
    ['Size', sizeText(v)],
    ['Type', v.volumeType],
    ['Backend', v.backend],
    ['Attached to', attachedText(v) || 'no instance'],
    ['Project', v.projectName ?? v.projectId],
  ];
}

/** One volume: what the inventory knows of it, "Back up now" and its own restore points. */
export function VolumeDetail({ volume: v, onClose }: { volume: VolumeRow | null; onClose: () => void }) {
  const escape = useEscapeInside(v !== null, onClose);
  return (
    <Drawer opened={v !== null} onClose={onClose} {...escape} position="right" size="xl" title={v ? v.name || v.id : ''} data-testid="volume-detail">
      {v && (
        <Stack>
          <Group>
            <VolumeStatusBadge status={v.status} />
            {v.bootable && <Badge variant="outline">bootable</Badge>}
            <Text size="sm" c="dimmed">
              {v.providerName} / {v.projectName ?? v.projectId ?? '?'}
            </Text>
          </Group>
          <KeyValueTable rows={overview(v)} testId="volume-overview" />
          <Title order={3} size="h4">
            Backups
          </Title>
          <VolumeBackups
            // keyed by the volume: a backup started for one never shows as busy on the next
            key={`${v.providerId}/${v.id}`}
            providerId={v.providerId}
            providerName={v.providerName}
            volumeId={v.id}
            name={v.name || v.id}
            attachedTo={v.attachedTo.map((a) => a.name ?? a.serverId)}
          />
        </Stack>
      )}
    </Drawer>
  );
}
