import type { ByteSource } from '../source';
import { gptSectorSize, readGpt } from './gpt';
import { isProtectiveMbr, looksLikeMbr, readMbr } from './mbr';
import { SECTOR, type PartitionTable } from './types';

export type { Partition, PartitionTable } from './types';

/**
 * A disk's partition table: GPT (a protective MBR and an "EFI PART" header), MBR with its
 * logical partitions, or none (the disk is one file system; `wholeDiskFs` says whether sector 0
 * belongs to one, for FAT boot sectors carry the MBR signature too).
 */
export async function readPartitionTable(disk: ByteSource, wholeDiskFs: (sector0: Buffer) => boolean): Promise<PartitionTable> {
  const problems: string[] = [];
  const sector0 = await disk.read(0, SECTOR);
  const ss = await gptSectorSize(disk);
  if (ss && (isProtectiveMbr(sector0) || !looksLikeMbr(sector0, disk.size))) return { scheme: 'gpt', partitions: await readGpt(disk, ss, problems), problems };
  if (!wholeDiskFs(sector0) && looksLikeMbr(sector0, disk.size)) return { scheme: 'mbr', partitions: await readMbr(disk, sector0, problems), problems };
  return { scheme: 'none', partitions: [], problems };
}
