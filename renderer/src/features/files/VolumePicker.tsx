import { Badge, Group, NavLink, Stack, Text } from '@mantine/core';
import { IconDatabase, IconLock } from '@tabler/icons-react';
import type { FileDisk, FileVolume } from '../../../../shared/domain/files';
import { formatBytes } from '../../../../shared/format';

/** A volume of a disk, as the page's ?volume= names it: "disk:partition:lv". */
export const volumeKey = (disk: string, v: Pick<FileVolume, 'partition' | 'lv'>) => `${disk}:${v.partition ?? ''}:${v.lv ?? ''}`;

/** The first volume that can be browsed, for a restore point opened without a choice. */
export function firstBrowsable(disks: FileDisk[]): string | null {
  for (const d of disks) for (const v of d.volumes) if (v.fileSystem) return volumeKey(d.name, v);
  return null;
}

const SCHEME = { mbr: 'MBR partition table', gpt: 'GPT partition table', none: 'no partition table' } as const;

/** Disks → partitions and logical volumes, each with its file system, or why it cannot be browsed. */
export function VolumePicker(props: { disks: FileDisk[]; selected: string | null; onSelect: (key: string) => void }) {
  return (
    <Stack gap={4} data-testid="volume-picker">
      {props.disks.map((d) => (
        <Stack key={d.name} gap={2} data-testid={`disk-${d.name}`}>
          <Group gap={6} wrap="nowrap">
            <IconDatabase size={14} />
            <Text size="sm" fw={600}>
              {d.name}
            </Text>
            <Text size="xs" c="dimmed">
              {formatBytes(d.size)}, {SCHEME[d.scheme]}
            </Text>
          </Group>
          {d.problems.map((p) => (
            <Text key={p} size="xs" c="orange">
              {p}
            </Text>
          ))}
          {d.volumes.map((v) => {
            const key = volumeKey(d.name, v);
            const browsable = v.fileSystem !== null;
            return (
              <NavLink
                key={key}
                active={props.selected === key}
                disabled={!browsable}
                onClick={() => browsable && props.onSelect(key)}
                leftSection={browsable ? undefined : <IconLock size={14} />}
                data-testid="volume"
                label={
                  <Group gap={6} wrap="nowrap">
                    <Text size="sm" truncate>
                      {v.lv ?? (v.partition === null ? 'whole disk' : `partition ${v.partition}`)}
                    </Text>
                    {v.fileSystem && (
                      <Badge size="xs" variant="light">
                        {v.fileSystem}
                      </Badge>
                    )}
                  </Group>
                }
                description={
                  <>
                    {[formatBytes(v.size), v.label && `“${v.label}”`, !browsable && (v.type ?? 'unknown contents')].filter(Boolean).join(' · ')}
                    {v.note && (
                      <Text size="xs" c={browsable ? 'dimmed' : 'orange'} data-testid="volume-note">
                        {v.note}
                      </Text>
                    )}
                  </>
                }
              />
            );
          })}
        </Stack>
      ))}
    </Stack>
  );
}
