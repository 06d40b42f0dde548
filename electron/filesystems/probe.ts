import type { ByteSource } from './source';
import { openExt, probeExt } from './ext';
import { FatFileSystem } from './fat';
import { XfsFileSystem } from './xfs';
import type { FileSystem } from './types';

/** What a volume holds, from its signatures: a file system this reader opens, or one it names only. */
export type VolumeContent = 'ext' | 'vfat' | 'xfs' | 'ntfs' | 'lvm2' | 'swap' | 'unknown';

/** A FAT or NTFS boot sector (they carry the MBR signature too, so the partition reader asks). */
export function isBootSector(s: Buffer): boolean {
  if (s.length < 512) return false;
  if (s.toString('latin1', 3, 11) === 'NTFS    ') return true;
  const jump = s[0] === 0xeb || s[0] === 0xe9;
  const bps = s.readUInt16LE(11);
  const spc = s[13]!;
  return jump && [512, 1024, 2048, 4096].includes(bps) && spc > 0 && (spc & (spc - 1)) === 0 && s.readUInt16LE(14) > 0 && s[16]! >= 1 && s[16]! <= 4;
}

export async function probe(vol: ByteSource): Promise<VolumeContent> {
  if (await probeExt(vol)) return 'ext';
  const head = await vol.read(0, 1024);
  if (head.length < 1024) return 'unknown';
  if (head.toString('latin1', 0, 4) === 'XFSB') return 'xfs';
  if (head.toString('latin1', 3, 11) === 'NTFS    ') return 'ntfs';
  if (head.toString('latin1', 512, 520) === 'LABELONE' && head.toString('latin1', 536, 544) === 'LVM2 001') return 'lvm2';
  if (isBootSector(head) && head[510] === 0x55 && head[511] === 0xaa) return 'vfat';
  const swap = await vol.read(4086, 10);
  if (['SWAPSPACE2', 'SWAP-SPACE'].includes(swap.toString('latin1'))) return 'swap';
  return 'unknown';
}

const NAMES: Record<VolumeContent, string> = {
  ext: 'ext2/3/4', vfat: 'FAT', xfs: 'XFS', ntfs: 'NTFS', lvm2: 'an LVM2 physical volume', swap: 'swap space', unknown: 'no file system this reader recognises',
};

/** The file system of a volume, or why it cannot be browsed (said to the admin as it is). */
export async function openFileSystem(vol: ByteSource): Promise<{ fs: FileSystem } | { content: VolumeContent; why: string }> {
  const content = await probe(vol);
  if (content === 'ext') return { fs: await openExt(vol) };
  if (content === 'vfat') return { fs: await FatFileSystem.open(vol) };
  if (content === 'xfs') return { fs: await XfsFileSystem.open(vol) };
  const why =
    content === 'swap' || content === 'unknown'
      ? `This volume holds ${NAMES[content]}: there are no files to browse.`
      : `This volume holds ${NAMES[content]}, which file-level restore does not read yet: restore the whole disk instead.`;
  return { content, why };
}
