import { DamagedError, notFound, refused } from './errors';
import { openFileSystem, isBootSector, type VolumeContent } from './probe';
import type { FileSystem } from './types';
import { readPartitionTable } from './partitions';
import type { PartitionTable } from './partitions/types';
import { slice, type ByteSource } from './source';

/** A browsable unit of a disk: the whole disk (no table) or one partition. */
export interface Volume {
  /** "vda" for a disk without a table, "vda1", "vda5" … for partitions */
  name: string;
  partition: number | null;
  offset: number;
  size: number;
  /** the partition type, as a name when it is a known one */
  type: string | null;
  /** the GPT partition name, or the file system's label */
  label: string | null;
  /** "ext4", "vfat" … when this reader opens it; null otherwise */
  fileSystem: string | null;
  /** why it cannot be browsed, or what to know before browsing (an unreplayed journal) */
  note: string | null;
}

export interface DiskLayout {
  scheme: PartitionTable['scheme'];
  volumes: Volume[];
  problems: string[];
}

/** The partition table of a disk and what each partition holds. A damaged partition is listed with why, not thrown. */
export async function describeDisk(disk: ByteSource, diskName: string): Promise<DiskLayout> {
  const table = await readPartitionTable(disk, isBootSector);
  const units =
    table.scheme === 'none'
      ? [{ name: diskName, partition: null, offset: 0, size: disk.size, type: null, label: null }]
      : table.partitions.map((p) => ({ name: `${diskName}${p.number}`, partition: p.number, offset: p.offset, size: p.size, type: p.typeName ?? p.type, label: p.label }));
  const volumes: Volume[] = [];
  for (const u of units) {
    let fileSystem: string | null = null;
    let note: string | null = null;
    let label = u.label;
    try {
      const opened = await openFileSystem(slice(disk, u.offset, u.size));
      if ('fs' in opened) {
        fileSystem = opened.fs.kind;
        label ??= opened.fs.label;
        note = journalNote(opened.fs);
      } else note = opened.why;
    } catch (e) {
      if (!(e instanceof DamagedError)) throw e;
      note = `Damaged: ${e.message}.`;
    }
    volumes.push({ ...u, label, fileSystem, note });
  }
  return { scheme: table.scheme, volumes, problems: table.problems };
}

/** Opens the file system of one volume: `partition` by number, or the whole disk when it has no table. */
export async function openVolume(disk: ByteSource, diskName: string, partition: number | undefined): Promise<{ volume: Volume; fs: FileSystem }> {
  const layout = await describeDisk(disk, diskName);
  let volume: Volume | undefined;
  if (partition === undefined) {
    const browsable = layout.volumes.filter((v) => v.fileSystem);
    if (layout.scheme === 'none' || browsable.length === 1) volume = layout.volumes.find((v) => v.fileSystem) ?? layout.volumes[0];
    else
      throw refused(
        `Disk ${diskName} has ${layout.volumes.length} partitions (${layout.volumes.map((v) => `${v.partition}: ${v.fileSystem ?? 'not browsable'}`).join(', ')}): choose one with --partition N.`,
      );
  } else volume = layout.volumes.find((v) => v.partition === partition);
  if (!volume) throw notFound(`Disk ${diskName} has no partition ${partition} (${layout.volumes.map((v) => v.partition).join(', ') || 'none'}).`);
  const opened = await openFileSystem(slice(disk, volume.offset, volume.size));
  if (!('fs' in opened)) throw notFound(`${volume.name}: ${opened.why}`);
  return { volume, fs: opened.fs };
}

function journalNote(fs: FileSystem): string | null {
  return 'needsRecovery' in fs && fs.needsRecovery
    ? 'The journal holds changes not yet written to their place (the instance was running when the disk was copied): files changed in its last seconds may show their earlier state.'
    : null;
}

export type { VolumeContent };
