import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { imageSource, scratch } from './testing/fixtures';
import { mkfsExt4, partitionedDisk, placeAt, sha256, writeTree } from './testing/images';
import { Tree } from './tree';
import { describeDisk, openVolume } from './volumes';
import { readPartitionTable } from './partitions';
import { isBootSector } from './probe';
import { bufferSource } from './source';

const MiB = 1024 * 1024;
let cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.reverse()) await c();
  cleanups = [];
});

function work(): string {
  const { dir, cleanup } = scratch();
  cleanups.push(cleanup);
  return dir;
}

/** Two small file systems: one from the test tree, one with a single marker file. */
function fileSystems(dir: string): { big: string; small: string; marker: string } {
  const tree = path.join(dir, 'tree');
  writeTree(tree);
  const big = path.join(dir, 'big.img');
  mkfsExt4(big, tree, 60);
  const other = path.join(dir, 'other');
  fs.mkdirSync(other);
  const marker = 'on the second file system\n';
  fs.writeFileSync(path.join(other, 'marker.txt'), marker);
  const small = path.join(dir, 'small.img');
  mkfsExt4(small, other, 20, ['-t', 'ext2', '-L', 'data']);
  return { big, small, marker };
}

describe('partition tables', () => {
  it('MBR: primary and logical partitions, each file system opened at its offset', async () => {
    const dir = work();
    const { big, small, marker } = fileSystems(dir);
    const disk = path.join(dir, 'disk.img');
    partitionedDisk(disk, 200, 'mbr', 'label: dos\nstart=2048, size=62M, type=83\nstart=129024, size=120M, type=5\n\n\nstart=131072, size=22M, type=83\nstart=178176, size=60M, type=82\n');
    placeAt(disk, big, 2048 * 512);
    placeAt(disk, small, 131072 * 512);
    const b = { reader: imageSource(disk) };
    cleanups.push(() => b.reader.close());
    const layout = await describeDisk(b.reader, 'vda');
    expect(layout.scheme).toBe('mbr');
    expect(layout.volumes.map((v) => [v.name, v.partition, v.offset, v.fileSystem, v.label])).toEqual([
      ['vda1', 1, 2048 * 512, 'ext4', 'rootfs'],
      ['vda5', 5, 131072 * 512, 'ext2', 'data'],
      ['vda6', 6, 178176 * 512, null, null],
    ]);
    expect(layout.volumes[2]!.note).toMatch(/no file system this reader recognises/);
    const tree = new Tree((await openVolume(b.reader, 'vda', 5)).fs);
    const { node } = await tree.lookup('/marker.txt');
    expect((await tree.read(node, '/marker.txt', 0, 100)).toString()).toBe(marker);
    await expect(openVolume(b.reader, 'vda', undefined)).rejects.toThrow(/has 3 volumes \(1: ext4, 5: ext2, 6: not browsable\): choose one with --partition N\./);
  });

  it('GPT: partitions by number and name; a damaged primary table is read from its backup, and said', async () => {
    const dir = work();
    const { big, small, marker } = fileSystems(dir);
    const disk = path.join(dir, 'disk.img');
    partitionedDisk(disk, 120, 'gpt', ['-n', '1:2048:+1M', '-t', '1:ef02', '-n', '2:0:+60M', '-t', '2:8300', '-c', '2:root', '-n', '3:0:+20M', '-t', '3:8300']);
    placeAt(disk, big, 4096 * 512);
    placeAt(disk, small, 126976 * 512);
    // damage the primary header: its checksum no longer matches
    const fd = fs.openSync(disk, 'r+');
    fs.writeSync(fd, Buffer.from([0x42]), 0, 1, 512 + 40);
    fs.closeSync(fd);
    const b = { reader: imageSource(disk) };
    cleanups.push(() => b.reader.close());
    const layout = await describeDisk(b.reader, 'vda');
    expect(layout.scheme).toBe('gpt');
    expect(layout.problems).toEqual(['the GPT header at sector 1 fails its checksum; read the backup GPT at the end of the disk']);
    expect(layout.volumes.map((v) => [v.name, v.type, v.label, v.fileSystem])).toEqual([
      ['vda1', 'BIOS boot', null, null],
      ['vda2', 'Linux filesystem', 'root', 'ext4'],
      ['vda3', 'Linux filesystem', 'data', 'ext2'],
    ]);
    const tree = new Tree((await openVolume(b.reader, 'vda', 3)).fs);
    const { node } = await tree.lookup('/marker.txt');
    expect((await tree.read(node, '/marker.txt', 0, 100)).toString()).toBe(marker);
    const root = new Tree((await openVolume(b.reader, 'vda', 2)).fs);
    const conf = await root.lookup('/etc/nginx/nginx.conf');
    expect(sha256(await root.read(conf.node, conf.path, 0, conf.node.size))).toHaveLength(64);
    await expect(openVolume(b.reader, 'vda', undefined)).rejects.toThrow(/has 3 volumes .*choose one with --partition N/);
    await expect(openVolume(b.reader, 'vda', 1)).rejects.toThrow(/vda1: This volume holds no file system/);
    await expect(openVolume(b.reader, 'vda', 9)).rejects.toThrow('Disk vda has no partition 9 (1, 2, 3).');
  });

  it('a logical partition chain that loops back ends where it loops, with a note', async () => {
    const disk = Buffer.alloc(64 * MiB);
    const entry = (sector: Buffer, slot: number, type: number, start: number, sectors: number) => {
      const at = 446 + 16 * slot;
      sector[at + 4] = type;
      sector.writeUInt32LE(start, at + 8);
      sector.writeUInt32LE(sectors, at + 12);
      sector[510] = 0x55;
      sector[511] = 0xaa;
    };
    const mbr = disk.subarray(0, 512);
    entry(mbr, 0, 0x05, 2048, 100_000);
    const ebr1 = disk.subarray(2048 * 512, 2049 * 512);
    entry(ebr1, 0, 0x83, 2048, 1000);
    entry(ebr1, 1, 0x05, 4000, 5000);
    const ebr2 = disk.subarray((2048 + 4000) * 512, (2049 + 4000) * 512);
    entry(ebr2, 0, 0x83, 2048, 1000);
    entry(ebr2, 1, 0x05, 4000, 5000); // links to itself
    const t = await readPartitionTable(bufferSource(disk), isBootSector);
    expect(t.scheme).toBe('mbr');
    expect(t.partitions.map((p) => p.number)).toEqual([5, 6]);
    expect(t.problems[0]).toMatch(/loops back/);
  });
});
