import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { imageSource, lines, scratch } from './testing/fixtures';
import { mcopyInto, mkfsExt4, mkfsVfat, partitionedDisk, SBIN } from './testing/images';
import { LVM, writePhysicalVolume } from './testing/lvm';
import { Tree } from './tree';
import { describeDisk, openVolume } from './volumes';

const MiB = 1024 * 1024;
let cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.reverse()) c();
  cleanups = [];
});

/** Copies an image into a physical volume's extents, segment by segment. */
function placeInExtents(pvFile: string, pvOffset: number, image: string, segments: { pe: number; count: number }[]): void {
  const data = fs.readFileSync(image);
  const fd = fs.openSync(pvFile, 'r+');
  let at = 0;
  for (const s of segments) {
    const n = Math.min(s.count * LVM.extent, data.length - at);
    fs.writeSync(fd, data, at, n, pvOffset + LVM.peStart + s.pe * LVM.extent);
    at += n;
  }
  fs.closeSync(fd);
}

describe('LVM2 logical volumes', () => {
  it('lists the logical volumes of a physical volume in a partition and opens each, across segments out of order', async () => {
    const { dir, cleanup } = scratch();
    cleanups.push(cleanup);
    const rootSegs = [{ pe: 5, count: 3 }, { pe: 1, count: 2 }];
    const dataSegs = [{ pe: 8, count: 2 }];
    const disk = path.join(dir, 'disk.img');
    partitionedDisk(disk, 72, 'gpt', ['-n', '1:2048:+1M', '-t', '1:ef02', '-n', '2:0:+64M', '-t', '2:8e00']);
    const pvOffset = 4096 * 512;
    const pv = path.join(dir, 'pv.img');
    writePhysicalVolume(pv, 64 * MiB, 'vg0', [{ name: 'root', segments: rootSegs }, { name: 'data', segments: dataSegs }]);
    // LVM's own tool reads the hand-written volume without complaint
    if (fs.existsSync(SBIN('pvck'))) expect(execFileSync(SBIN('pvck'), ['--dump', 'headers', pv], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })).not.toMatch(/CHECK:/);
    const tree = path.join(dir, 'tree');
    fs.mkdirSync(path.join(tree, 'etc'), { recursive: true });
    const big = lines(15 * MiB, 1); // crosses from the first segment into the second
    fs.writeFileSync(path.join(tree, 'etc', 'big.txt'), big);
    const rootImg = path.join(dir, 'root.img');
    mkfsExt4(rootImg, tree, 20, ['-L', 'lvroot']);
    const dataImg = path.join(dir, 'data.img');
    mkfsVfat(dataImg, 12, 8);
    mcopyInto(dataImg, dir, { 'readme.txt': { data: Buffer.from('on an LV\n'), mtimeMs: Date.UTC(2025, 0, 1) } });
    placeInExtents(pv, 0, rootImg, rootSegs);
    placeInExtents(pv, 0, dataImg, dataSegs);
    const fd = fs.openSync(disk, 'r+');
    fs.writeSync(fd, fs.readFileSync(pv), 0, 64 * MiB, pvOffset);
    fs.closeSync(fd);

    const src = imageSource(disk);
    cleanups.push(() => src.close());
    const layout = await describeDisk(src, 'vda');
    expect(layout.volumes.map((v) => [v.name, v.partition, v.lv, v.size, v.fileSystem, v.label])).toEqual([
      ['vda1', 1, null, MiB, null, null],
      ['vda2', 2, null, 64 * MiB, null, null],
      ['vg0/root', 2, 'vg0/root', 20 * MiB, 'ext4', 'lvroot'],
      ['vg0/data', 2, 'vg0/data', 8 * MiB, 'vfat', 'FAT12VOL'],
    ]);
    expect(layout.volumes[1]!.note).toMatch(/LVM2 physical volume/);
    const root = new Tree((await openVolume(src, 'vda', undefined, 'root')).fs);
    const { node } = await root.lookup('/etc/big.txt');
    expect((await root.read(node, '/etc/big.txt', 0, node.size)).equals(big)).toBe(true);
    const data = new Tree((await openVolume(src, 'vda', 2, 'vg0/data')).fs);
    const readme = await data.lookup('/readme.txt');
    expect((await data.read(readme.node, readme.path, 0, 100)).toString()).toBe('on an LV\n');
    await expect(openVolume(src, 'vda', undefined)).rejects.toThrow('Disk vda has 4 volumes (1: not browsable, 2: not browsable, vg0/root: ext4, vg0/data: vfat): choose one with --partition N or --lv NAME.');
    await expect(openVolume(src, 'vda', undefined, 'swap')).rejects.toThrow('Disk vda has no logical volume swap (vg0/root, vg0/data).');
  });
});
