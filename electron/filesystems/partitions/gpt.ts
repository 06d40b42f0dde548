import { crc32 } from 'node:zlib';
import type { ByteSource } from '../source';
import type { Partition } from './types';

const GPT_TYPES: Record<string, string> = {
  '0fc63daf-8483-4772-8e79-3d69d8477de4': 'Linux filesystem',
  'c12a7328-f81f-11d2-ba4b-00a0c93ec93b': 'EFI System',
  '21686148-6449-6e6f-744e-656564454649': 'BIOS boot',
  'e6d6d379-f507-44c2-a23c-238f2a3df928': 'Linux LVM',
  '0657fd6d-a4ab-43c4-84e5-0933c84b4f4f': 'Linux swap',
  'ebd0a0a2-b9e5-4433-87c0-68b6b72699c7': 'Microsoft basic data',
  '4f68bce3-e8cd-4db1-96e7-fbcaf984b709': 'Linux root (x86-64)',
  'bc13c2ff-59e6-4262-a352-b275fd6f7172': 'Linux extended boot',
  'a19d880f-05fc-4d3b-a006-743f0f84911e': 'Linux RAID',
};
/** More entries than any tool writes (128 is usual): a bigger count is crafted, and would make us read megabytes. */
const MAX_ENTRIES = 4096;

/** The sector size the GPT header was found with (512, or 4096 on 4K-native disks), or 0. */
export async function gptSectorSize(disk: ByteSource): Promise<number> {
  for (const ss of [512, 4096]) {
    const b = await disk.read(ss, 8);
    if (b.toString('latin1') === 'EFI PART') return ss;
  }
  return 0;
}

interface Header {
  entriesLba: number;
  count: number;
  entrySize: number;
  entriesCrc: number;
}

async function header(disk: ByteSource, lba: number, ss: number): Promise<Header | string> {
  const b = await disk.read(lba * ss, ss);
  if (b.length < 92 || b.toString('latin1', 0, 8) !== 'EFI PART') return `no GPT header at sector ${lba}`;
  const size = b.readUInt32LE(12);
  if (size < 92 || size > ss) return `the GPT header at sector ${lba} has a bad size`;
  const copy = Buffer.from(b.subarray(0, size));
  copy.writeUInt32LE(0, 16);
  if (crc32(copy) !== b.readUInt32LE(16)) return `the GPT header at sector ${lba} fails its checksum`;
  const h = { entriesLba: Number(b.readBigUInt64LE(72)), count: b.readUInt32LE(80), entrySize: b.readUInt32LE(84), entriesCrc: b.readUInt32LE(88) };
  if (h.entrySize < 128 || h.entrySize > 4096 || h.entrySize % 8 !== 0 || h.count > MAX_ENTRIES) return `the GPT header at sector ${lba} describes an impossible entry array`;
  if (h.entriesLba * ss + h.count * h.entrySize > disk.size) return `the GPT entries of the header at sector ${lba} lie past the end of the disk`;
  return h;
}

/**
 * The partitions of a GPT disk: the primary header and entries, or the backup copy at the end of
 * the disk when the primary fails its checksums (said in `problems`).
 */
export async function readGpt(disk: ByteSource, ss: number, problems: string[]): Promise<Partition[]> {
  const lastLba = Math.floor(disk.size / ss) - 1;
  let firstProblem: string | undefined;
  for (const lba of [1, lastLba]) {
    const h = await header(disk, lba, ss);
    if (typeof h === 'string') {
      firstProblem ??= h;
      continue;
    }
    const array = await disk.read(h.entriesLba * ss, h.count * h.entrySize);
    if (crc32(array) !== h.entriesCrc) {
      firstProblem ??= `the GPT entries of the header at sector ${lba} fail their checksum`;
      continue;
    }
    if (firstProblem) problems.push(`${firstProblem}; read the backup GPT at the end of the disk`);
    return entries(array, h, ss);
  }
  problems.push(`${firstProblem ?? 'no GPT header'}, and the backup GPT at the end of the disk is unreadable too`);
  return [];
}

function entries(array: Buffer, h: Header, ss: number): Partition[] {
  const out: Partition[] = [];
  for (let i = 0; i < h.count; i++) {
    const e = array.subarray(i * h.entrySize, (i + 1) * h.entrySize);
    const type = guid(e.subarray(0, 16));
    if (type === '00000000-0000-0000-0000-000000000000') continue;
    const first = Number(e.readBigUInt64LE(32));
    const last = Number(e.readBigUInt64LE(40));
    if (last < first) continue;
    const label = e.subarray(56, 128).toString('utf16le').replace(/\0.*$/s, '');
    out.push({ number: i + 1, offset: first * ss, size: (last - first + 1) * ss, type, typeName: GPT_TYPES[type] ?? null, label: label || null });
  }
  return out;
}

/** A GUID as text: the first three fields are little-endian on disk. */
function guid(b: Buffer): string {
  const h = b.toString('hex');
  const le = (s: string) => s.match(/../g)!.reverse().join('');
  return `${le(h.slice(0, 8))}-${le(h.slice(8, 12))}-${le(h.slice(12, 16))}-${h.slice(16, 20)}-${h.slice(20)}`;
}
