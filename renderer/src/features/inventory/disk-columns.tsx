import { Badge } from '@mantine/core';
import type { Instance } from '../../../../shared/domain/inventory';
import type { Column } from '../../components/DataTable';

/** One disk of an instance as the Disks tab lists it: Nova's root disk or an attached volume. */
export interface DiskRow {
  id: string;
  device: string | null;
  source: string;
  bootable: boolean;
  sizeGb: number | null;
  backend: string;
}

export function disksOf(i: Instance): DiskRow[] {
  const root: DiskRow[] =
    i.bootSource.kind === 'image'
      ? [
          {
            id: 'root',
            device: 'root',
            source: `Nova disk from image ${i.bootSource.imageName ?? i.bootSource.imageId ?? '(deleted)'}`,
            bootable: true,
            sizeGb: i.flavor.diskGb,
            backend: 'local (hypervisor)',
          },
        ]
      : [];
  return [
    ...root,
    ...i.volumes.map((v) => ({
      id: v.id,
      device: v.device,
      source: `volume ${v.name || v.id}`,
      bootable: v.bootable,
      sizeGb: v.sizeGb,
      backend: `${v.volumeType ?? '-'} / ${v.backend ?? '-'}`,
    })),
  ];
}

export const diskColumns: Column<DiskRow>[] = [
  { id: 'device', header: 'Device', getValue: (d) => d.device, width: '100px' },
  {
    id: 'source',
    header: 'Source',
    getValue: (d) => d.source,
    render: (d) => (
      <>
        {d.source} {d.bootable && d.id !== 'root' && <Badge size="xs">boot</Badge>}
      </>
    ),
    width: 'minmax(200px, 2fr)',
  },
  { id: 'size', header: 'Size', getValue: (d) => d.sizeGb, render: (d) => (d.sizeGb !== null ? `${d.sizeGb} GiB` : '-'), width: '90px' },
  { id: 'backend', header: 'Type / backend', getValue: (d) => d.backend, width: 'minmax(140px, 1fr)' },
];
