import type { ByteSource } from '../source';
import { SECTOR, type Partition } from './types';

// Hand-written rather than through `partitioninfo`: its logical-partition walk follows each EBR's
// link with no end, so a crafted chain that points back at itself never returns.

const MBR_TYPES: Record<number, string> = {
  0x01: 'FAT12', 0x04: 'FAT16', 0x06: 'FAT16', 0x07: 'NTFS/exFAT', 0x0b: 'FAT32', 0x0c: 'FAT32 (LBA)', 0x0e: 'FAT16 (LBA)',
  0x82: 'Linux swap', 0x83: 'Linux', 0x8e: 'Linux LVM', 0xef: 'EFI System', 0xfd: 'Linux RAID',
};
const EXTENDED = new Set([0x05, 0x0f, 0x85]);
/** Linux reads at most this many logical partitions; a longer chain is crafted. */
const MAX_LOGICAL = 256;

interface Entry {
  type: number;
  start: number; // sectors
  sectors: number;
}

function entries(sector: Buffer): Entry[] {
  const out: Entry[] = [];
  for (let i = 0; i < 4; i++) {
    const e = sector.subarray(446 + 16 * i, 462 + 16 * i);
    out.push({ type: e[4]!, start: e.readUInt32LE(8), sectors: e.readUInt32LE(12) });
  }
  return out;
}

export const hasMbrSignature = (sector0: Buffer): boolean => sector0.length >= SECTOR && sector0[510] === 0x55 && sector0[511] === 0xaa;

/** Whether sector 0 holds a partition table: the signature, and entries that make sense (a FAT boot sector has the signature too). */
export function looksLikeMbr(sector0: Buffer, diskSize: number): boolean {
  if (!hasMbrSignature(sector0)) return false;
  const es = entries(sector0);
  const used = es.filter((e) => e.type !== 0);
  return (
    used.length > 0 &&
    es.every((e, i) => [0, 0x80].includes(sector0[446 + 16 * i]!)) &&
    used.every((e) => e.start > 0 && e.sectors > 0 && e.start * SECTOR < diskSize)
  );
}

export const isProtectiveMbr = (sector0: Buffer): boolean => hasMbrSignature(sector0) && entries(sector0).some((e) => e.type === 0xee);

/** Primary partitions 1–4 and the logical ones of an extended partition (5…). */
export async function readMbr(disk: ByteSource, sector0: Buffer, problems: string[]): Promise<Partition[]> {
  const out: Partition[] = [];
  let extended: Entry | undefined;
  entries(sector0).forEach((e, i) => {
    if (e.type === 0) return;
    if (EXTENDED.has(e.type)) extended ??= e;
    else out.push(partition(i + 1, e.start * SECTOR, e.sectors * SECTOR, e.type));
  });
  if (extended) out.push(...(await logical(disk, extended, problems)));
  return out;
}

async function logical(disk: ByteSource, ext: Entry, problems: string[]): Promise<Partition[]> {
  const out: Partition[] = [];
  const seen = new Set<number>();
  const extEnd = ext.start + ext.sectors;
  for (let ebr = ext.start; ; ) {
    if (seen.has(ebr) || out.length >= MAX_LOGICAL) {
      problems.push(`the chain of logical partitions loops back (at sector ${ebr}); read as far as it went`);
      break;
    }
    seen.add(ebr);
    const sector = await disk.read(ebr * SECTOR, SECTOR);
    if (sector.length < SECTOR || !hasMbrSignature(sector)) {
      if (ebr !== ext.start) problems.push(`the logical partition table at sector ${ebr} is damaged; read as far as it went`);
      break;
    }
    const [first, next] = entries(sector);
    if (first && first.type !== 0 && first.sectors > 0) out.push(partition(5 + out.length, (ebr + first.start) * SECTOR, first.sectors * SECTOR, first.type));
    if (!next || !EXTENDED.has(next.type) || next.start === 0) break;
    const at = ext.start + next.start;
    if (at >= extEnd) {
      problems.push(`a logical partition table points outside its extended partition (sector ${at}); read as far as it went`);
      break;
    }
    ebr = at;
  }
  return out;
}

const partition = (number: number, offset: number, size: number, type: number): Partition => ({
  number,
  offset,
  size,
  type: `0x${type.toString(16).padStart(2, '0')}`,
  typeName: MBR_TYPES[type] ?? null,
  label: null,
});
