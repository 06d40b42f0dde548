import { check } from '../errors';
import { readExact, slice, type ByteSource } from '../source';
import { parseMetadata, type LvmSection, type LvmValue } from './metadata';

/** A logical volume of a volume group on this physical volume: its linear segments, in order. */
export interface LogicalVolume {
  vg: string;
  name: string;
  size: number;
  /** byte ranges of the physical volume, concatenated */
  segments: { offset: number; size: number }[];
  /** why it cannot be read from this disk alone, when it cannot */
  unreadable: string | null;
}

const MDA_MAGIC = ' LVM2 x[5A%r0N*>';
const SECTOR = 512;
/** LVM keeps at most a few MiB of metadata text; more is crafted. */
const MAX_METADATA = 16 * 1024 * 1024;

/** The logical volumes an LVM2 physical volume's metadata describes (linear segments on this PV; others named, not read). */
export async function readPhysicalVolume(pv: ByteSource): Promise<LogicalVolume[]> {
  let label: Buffer | undefined;
  for (let s = 0; s < 4 && !label; s++) {
    const b = await pv.read(s * SECTOR, SECTOR);
    if (b.length === SECTOR && b.toString('latin1', 0, 8) === 'LABELONE' && b.toString('latin1', 24, 32) === 'LVM2 001') label = b;
  }
  check(label !== undefined, 'no LVM2 label');
  const h = label.readUInt32LE(20);
  check(h >= 32 && h + 40 <= SECTOR, 'the LVM2 label points outside its sector');
  const pvUuid = label.toString('latin1', h, h + 32);
  // disk areas (offset, size) until a zero pair, then metadata areas likewise
  const areas: { offset: number; size: number }[][] = [[], []];
  let at = h + 40;
  for (const list of areas) {
    for (;;) {
      check(at + 16 <= SECTOR, 'the LVM2 physical volume header runs past its sector');
      const offset = Number(label.readBigUInt64LE(at));
      const size = Number(label.readBigUInt64LE(at + 8));
      at += 16;
      if (offset === 0 && size === 0) break;
      list.push({ offset, size });
    }
  }
  const [, mdas] = areas;
  check(mdas!.length > 0, 'this LVM2 physical volume keeps no metadata (another one of its group does): it cannot be read alone');
  const text = await metadataText(pv, mdas![0]!);
  return logicalVolumes(parseMetadata(text), pvUuid);
}

async function metadataText(pv: ByteSource, mda: { offset: number; size: number }): Promise<string> {
  const header = await readExact(pv, mda.offset, SECTOR, 'the LVM2 metadata area header');
  check(header.toString('latin1', 4, 20) === MDA_MAGIC, 'the LVM2 metadata area has no magic');
  const offset = Number(header.readBigUInt64LE(40));
  const size = Number(header.readBigUInt64LE(48));
  check(size > 0 && size <= MAX_METADATA && offset >= SECTOR && offset < mda.size, 'the LVM2 metadata area points at no metadata');
  // a circular buffer: text that runs past the area's end continues after its header
  const first = Math.min(size, mda.size - offset);
  const parts = [await readExact(pv, mda.offset + offset, first, 'the LVM2 metadata')];
  if (first < size) parts.push(await readExact(pv, mda.offset + SECTOR, size - first, 'the LVM2 metadata'));
  return Buffer.concat(parts).toString('utf8').replace(/\0+$/, '');
}

function logicalVolumes(meta: LvmSection, pvUuid: string): LogicalVolume[] {
  const vgName = Object.keys(meta).find((k) => isSection(meta[k]) && isSection((meta[k] as LvmSection).physical_volumes));
  check(vgName !== undefined, 'the LVM2 metadata names no volume group');
  const vg = meta[vgName] as LvmSection;
  const extent = num(vg.extent_size) * SECTOR;
  check(extent > 0, 'the LVM2 volume group has no extent size');
  const pvs = vg.physical_volumes as LvmSection;
  const here = Object.keys(pvs).find((k) => isSection(pvs[k]) && String((pvs[k] as LvmSection).id).replaceAll('-', '') === pvUuid);
  check(here !== undefined, 'the LVM2 metadata does not list this physical volume');
  const peStart = num((pvs[here] as LvmSection).pe_start) * SECTOR;
  const lvs = isSection(vg.logical_volumes) ? (vg.logical_volumes as LvmSection) : {};
  const out: LogicalVolume[] = [];
  for (const [name, v] of Object.entries(lvs)) {
    if (!isSection(v)) continue;
    const segs = Object.values(v)
      .filter(isSection)
      .filter((s) => 'start_extent' in s)
      .sort((a, b) => num(a.start_extent) - num(b.start_extent));
    let unreadable: string | null = null;
    const segments: { offset: number; size: number }[] = [];
    let next = 0;
    for (const s of segs) {
      const stripes = Array.isArray(s.stripes) ? s.stripes : [];
      if (s.type !== 'striped' || num(s.stripe_count) !== 1 || stripes.length !== 2) unreadable ??= `a ${String(s.type)} segment (only linear ones are read)`;
      else if (stripes[0] !== here) unreadable ??= 'it spans another physical volume (another disk)';
      if (num(s.start_extent) !== next) unreadable ??= 'its segments leave a gap';
      next = num(s.start_extent) + num(s.extent_count);
      segments.push({ offset: peStart + num(stripes[1]) * extent, size: num(s.extent_count) * extent });
    }
    out.push({ vg: vgName, name, size: next * extent, segments: unreadable ? [] : segments, unreadable });
  }
  return out;
}

/** A logical volume's bytes: its segments of the physical volume, one after the other. */
export function logicalVolumeSource(pv: ByteSource, lv: LogicalVolume): ByteSource {
  const parts = lv.segments.map((s) => slice(pv, s.offset, s.size));
  return {
    size: lv.size,
    read: async (offset, length) => {
      const out: Buffer[] = [];
      let base = 0;
      for (const p of parts) {
        const from = Math.max(offset, base);
        const to = Math.min(offset + length, base + p.size);
        if (to > from) out.push(await p.read(from - base, to - from));
        base += p.size;
      }
      return Buffer.concat(out);
    },
  };
}

const isSection = (v: LvmValue | undefined): v is LvmSection => typeof v === 'object' && v !== null && !Array.isArray(v);
function num(v: LvmValue | undefined): number {
  check(typeof v === 'number' && Number.isSafeInteger(v) && v >= 0, 'the LVM2 metadata has a number where it is missing or impossible');
  return v;
}
