import { DamagedError, notFound, refused } from './errors';
import { readPhysicalVolume, logicalVolumeSource } from './lvm';
import { isBootSector, openFileSystem, probe } from './probe';
import type { FileSystem } from './types';
import { readPartitionTable } from './partitions';
import type { PartitionTable } from './partitions/types';
import { slice, type ByteSource } from './source';

/** A browsable unit of a disk: the whole disk (no table), one partition, or an LVM2 logical volume in one. */
export interface Volume {
  /** "vda" for a disk without a table, "vda1", "vda5" … for partitions, "vg/lv" for logical volumes */
  name: string;
  partition: number | null;
  /** "vg/lv" for a logical volume */
  lv: string | null;
  /** where it starts on the disk (a logical volume: where its physical volume starts) */
  offset: number;
  size: number;
  /** the partition type, as a name when it is a known one */
  type: string | null;
  /** the GPT partition name, or the file system's label */
  label: string | null;
  /** "ext4", "vfat", "xfs" … when this reader opens it; null otherwise */
  fileSystem: string | null;
  /** why it cannot be browsed, or what to know before browsing (an unreplayed journal) */
  note: string | null;
}

export interface DiskLayout {
  scheme: PartitionTable['scheme'];
  volumes: Volume[];
  problems: string[];
}

type Unit = Omit<Volume, 'fileSystem' | 'note'> & { source: ByteSource };

/** The partition table of a disk and what each partition (and logical volume) holds. A damaged one is listed with why, not thrown. */
export async function describeDisk(disk: ByteSource, diskName: string): Promise<DiskLayout> {
  const { table, units } = await unitsOf(disk, diskName);
  const volumes: Volume[] = [];
  for (const { source, ...u } of units) {
    let fileSystem: string | null = null;
    let note: string | null = null;
    let label = u.label;
    try {
      const opened = await openFileSystem(source);
      if ('fs' in opened) {
        fileSystem = opened.fs.kind;
        label ??= opened.fs.label;
        note = journalNote(opened.fs);
      } else note = opened.content === 'lvm2' ? 'An LVM2 physical volume: its logical volumes are listed as volumes of their own.' : opened.why;
    } catch (e) {
      if (!(e instanceof DamagedError)) throw e;
      note = `Damaged: ${e.message}.`;
    }
    volumes.push({ ...u, label, fileSystem, note });
  }
  return { scheme: table.scheme, volumes, problems: table.problems };
}

/** Opens the file system of one volume: a logical volume by name, a partition by number, or the only browsable one. */
export async function openVolume(disk: ByteSource, diskName: string, partition: number | undefined, lv?: string): Promise<{ volume: Volume; fs: FileSystem }> {
  const layout = await describeDisk(disk, diskName);
  const { units } = await unitsOf(disk, diskName);
  const pick = (): Volume | undefined => {
    if (lv !== undefined) {
      const matches = layout.volumes.filter((v) => v.lv !== null && (v.lv === lv || v.lv.endsWith(`/${lv}`)) && (partition === undefined || v.partition === partition));
      if (matches.length > 1) throw refused(`Disk ${diskName} has several logical volumes named ${lv}: give it as VG/LV.`);
      if (!matches[0]) throw notFound(`Disk ${diskName} has no logical volume ${lv} (${layout.volumes.filter((v) => v.lv).map((v) => v.lv).join(', ') || 'none'}).`);
      return matches[0];
    }
    if (partition !== undefined) return layout.volumes.find((v) => v.partition === partition && v.lv === null);
    const browsable = layout.volumes.filter((v) => v.fileSystem);
    if (layout.scheme === 'none' && layout.volumes.length === 1) return layout.volumes[0];
    if (browsable.length === 1) return browsable[0];
    const listed = layout.volumes.map((v) => `${v.lv ?? v.partition}: ${v.fileSystem ?? 'not browsable'}`).join(', ');
    throw refused(`Disk ${diskName} has ${layout.volumes.length} volumes (${listed}): choose one with --partition N${layout.volumes.some((v) => v.lv) ? ' or --lv NAME' : ''}.`);
  };
  const volume = pick();
  if (!volume) throw notFound(`Disk ${diskName} has no partition ${partition} (${layout.volumes.filter((v) => !v.lv).map((v) => v.partition).join(', ') || 'none'}).`);
  const unit = units.find((u) => u.name === volume.name)!;
  const opened = await openFileSystem(unit.source);
  if (!('fs' in opened)) throw notFound(`${volume.name}: ${opened.why}`);
  return { volume, fs: opened.fs };
}

async function unitsOf(disk: ByteSource, diskName: string): Promise<{ table: PartitionTable; units: Unit[] }> {
  const table = await readPartitionTable(disk, isBootSector);
  const base: Unit[] =
    table.scheme === 'none'
      ? [{ name: diskName, partition: null, lv: null, offset: 0, size: disk.size, type: null, label: null, source: disk }]
      : table.partitions.map((p) => ({
          name: `${diskName}${p.number}`,
          partition: p.number,
          lv: null,
          offset: p.offset,
          size: p.size,
          type: p.typeName ?? p.type,
          label: p.label,
          source: slice(disk, p.offset, p.size),
        }));
  const units: Unit[] = [];
  for (const u of base) {
    units.push(u);
    if ((await probe(u.source).catch(() => 'unknown')) !== 'lvm2') continue;
    try {
      for (const lv of await readPhysicalVolume(u.source)) {
        const name = `${lv.vg}/${lv.name}`;
        if (lv.unreadable) table.problems.push(`logical volume ${name} cannot be read: ${lv.unreadable}`);
        else units.push({ name, partition: u.partition, lv: name, offset: u.offset, size: lv.size, type: 'LVM2 logical volume', label: null, source: logicalVolumeSource(u.source, lv) });
      }
    } catch (e) {
      if (!(e instanceof DamagedError)) throw e;
      table.problems.push(`the LVM2 physical volume ${u.name} is damaged: ${e.message}`);
    }
  }
  return { table, units };
}

function journalNote(fs: FileSystem): string | null {
  return 'needsRecovery' in fs && fs.needsRecovery
    ? 'The journal holds changes not yet written to their place (the instance was running when the disk was copied): files changed in its last seconds may show their earlier state.'
    : null;
}
