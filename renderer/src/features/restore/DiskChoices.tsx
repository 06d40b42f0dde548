import { Checkbox, Group, Input, Select, Stack, Text } from '@mantine/core';
import { formatBytes } from '../../../../shared/format';
import type { PreflightItem } from '../../../../shared/domain/restore-preflight';
import type { InputOf } from '../../../../shared/ipc/contract';
import { useQuery } from '../../api/useQuery';
import { useResourceOptions } from './resource-options';

/** Which disks are restored (unticked: left out) and the volume type of each restored volume (unset: the original's). */
export interface DiskChoice {
  leftOut: string[];
  types: Record<string, string>;
}
export const NO_DISK_CHOICE: DiskChoice = { leftOut: [], types: {} };

/** The restore options the choice stands for: nothing when every disk is restored with its original type. */
export function diskParams(c: DiskChoice, all: string[]): Pick<InputOf<'restore.start'>, 'disks' | 'volumeTypes'> {
  const volumeTypes = Object.entries(c.types)
    .filter(([disk]) => !c.leftOut.includes(disk))
    .map(([disk, type]) => ({ disk, type }));
  return {
    ...(c.leftOut.length ? { disks: all.filter((d) => !c.leftOut.includes(d)) } : {}),
    ...(volumeTypes.length ? { volumeTypes } : {}),
  };
}

/** Each disk of the restore point: restore it or leave it out (the boot disk always goes), and for a volume, its type. */
export function DiskChoices(props: {
  backupId: string;
  destinationId: string;
  providerId: string | null;
  value: DiskChoice;
  onChange: (c: DiskChoice) => void;
  notes: PreflightItem[] | undefined;
}) {
  const { value, onChange } = props;
  const described = useQuery('restore.describe', { backupId: props.backupId, destinationId: props.destinationId }, { tables: ['backups'] });
  const types = useResourceOptions(props.providerId, 'volumeType', 'name');
  const blockers = (props.notes ?? []).filter((i) => (i.field === 'disks' || i.field === 'volumeType') && i.severity === 'blocker');
  const disks = described.data?.disks ?? [];
  if (described.error) return <Text size="sm" c="red">{`The restore point's disks could not be read: ${described.error.message}`}</Text>;
  return (
    <Input.Wrapper
      label="Disks"
      description="Untick a disk to leave it out; each volume is restored as a new one, of its original type unless you choose another"
    >
      <Stack gap={6} mt={6} data-testid="restore-disks">
        {disks.map((d) => {
          const restored = d.boot || !value.leftOut.includes(d.name);
          return (
            <Group key={d.name} justify="space-between" wrap="nowrap" data-testid={`restore-disk-${d.name}`}>
              <Checkbox
                label={`${d.name} · ${formatBytes(d.size)} · ${d.kind === 'volume' ? 'volume' : 'local disk'}${d.boot ? ' (boot, always restored)' : ''}`}
                checked={restored}
                disabled={d.boot}
                onChange={(e) => {
                  const on = e.currentTarget.checked;
                  onChange({ ...value, leftOut: on ? value.leftOut.filter((x) => x !== d.name) : [...value.leftOut, d.name] });
                }}
              />
              {d.kind === 'volume' && (
                <Select
                  size="xs"
                  w={200}
                  aria-label={`Volume type of ${d.name}`}
                  placeholder={d.volumeType ? `${d.volumeType} (original)` : "the cloud's default"}
                  data={types.data}
                  value={value.types[d.name] ?? null}
                  onChange={(t) => {
                    const { [d.name]: _old, ...rest } = value.types;
                    onChange({ ...value, types: t ? { ...rest, [d.name]: t } : rest });
                  }}
                  disabled={!restored || !props.providerId}
                  clearable
                  searchable
                />
              )}
            </Group>
          );
        })}
        {blockers.map((b, k) => (
          <Text key={k} size="xs" c="red">
            {b.message}
          </Text>
        ))}
      </Stack>
    </Input.Wrapper>
  );
}
