import { check } from '../errors';

/** The BIOS parameter block of a FAT boot sector, and where its regions lie. */
export interface FatGeometry {
  type: 12 | 16 | 32;
  bytesPerSector: number;
  clusterBytes: number;
  /** byte offset of the first FAT */
  fatOffset: number;
  fatBytes: number;
  /** FAT12/16: the fixed root folder; FAT32: null (the root is a cluster chain) */
  rootDir: { offset: number; bytes: number } | null;
  rootCluster: number;
  dataOffset: number;
  /** clusters 2 … clusters+1 exist */
  clusters: number;
  label: string | null;
  serial: string;
}

export function parseBoot(b: Buffer, volumeSize: number): FatGeometry {
  const bps = b.readUInt16LE(11);
  const spc = b[13]!;
  const reserved = b.readUInt16LE(14);
  const fats = b[16]!;
  const rootEntries = b.readUInt16LE(17);
  const total = b.readUInt16LE(19) || b.readUInt32LE(32);
  const fatSectors = b.readUInt16LE(22) || b.readUInt32LE(36);
  check(
    [512, 1024, 2048, 4096].includes(bps) && spc > 0 && (spc & (spc - 1)) === 0,
    'the FAT boot sector gives an impossible sector or cluster size',
  );
  check(reserved > 0 && fats >= 1 && fats <= 4 && fatSectors > 0 && total > 0, 'the FAT boot sector gives impossible region sizes');
  const rootSectors = Math.ceil((rootEntries * 32) / bps);
  const dataSector = reserved + fats * fatSectors + rootSectors;
  check(dataSector < total, 'the FAT boot sector leaves no room for data');
  const clusters = Math.floor((total - dataSector) / spc);
  const type = clusters < 4085 ? 12 : clusters < 65525 ? 16 : 32;
  check(type !== 32 || rootEntries === 0, 'the FAT32 boot sector names a fixed root folder');
  check(type === 32 || rootEntries > 0, 'the FAT boot sector has no root folder');
  check(Math.ceil((clusters + 2) * (type / 8)) <= fatSectors * bps, 'the FAT is too small for its clusters');
  check(
    total * bps <= volumeSize || volumeSize === 0,
    () => `the file system (${total * bps} bytes) is larger than its volume (${volumeSize} bytes)`,
  );
  const ebpb = type === 32 ? 64 : 36; // where the extended BPB (serial, label) starts
  const labelRaw = b
    .subarray(ebpb + 7, ebpb + 18)
    .toString('latin1')
    .trim();
  return {
    type,
    bytesPerSector: bps,
    clusterBytes: bps * spc,
    fatOffset: reserved * bps,
    fatBytes: fatSectors * bps,
    rootDir: type === 32 ? null : { offset: (reserved + fats * fatSectors) * bps, bytes: rootEntries * 32 },
    rootCluster: type === 32 ? b.readUInt32LE(44) : 0,
    dataOffset: dataSector * bps,
    clusters,
    label: b[ebpb + 2] === 0x29 && labelRaw && labelRaw !== 'NO NAME' ? labelRaw : null,
    serial:
      b[ebpb + 2] === 0x29
        ? b
            .readUInt32LE(ebpb + 3)
            .toString(16)
            .padStart(8, '0')
            .replace(/^(.{4})/, '$1-')
            .toUpperCase()
        : '',
  };
}
