import { describe, expect, it } from 'vitest';
import { dataRanges, intersectRanges, parseQemuImgInfo, parseQemuImgMap, parseRbdDiff, rbdChanges, rbdData, readPieces } from './allocation';

const M = 1024 * 1024;

// `qemu-img map -U --output=json` of a frozen overlay (depth 0) over Nova's disk (1) over _base (2).
const MAP = `[{ "start": 0, "length": 65536, "depth": 1, "present": true, "zero": false, "data": true, "offset": 327680},
{ "start": 65536, "length": 1048576, "depth": 2, "present": true, "zero": false, "data": true, "offset": 65536},
{ "start": 1114112, "length": 7274496, "depth": 2, "present": false, "zero": true, "data": false},
{ "start": 8388608, "length": 65536, "depth": 0, "present": true, "zero": false, "data": true, "offset": 458752},
{ "start": 8454144, "length": 131072, "depth": 0, "present": true, "zero": true, "data": false},
{ "start": 8585216, "length": 8192, "depth": 1, "present": true, "zero": true, "data": false}]`;

describe('qemu-img output', () => {
  it('finds the guest-visible data of the whole chain', () => {
    expect(dataRanges(parseQemuImgMap(MAP))).toEqual([
      { offset: 0, length: 65536 + M },
      { offset: 8 * M, length: 65536 },
    ]);
  });

  it('reads the backing chain and the virtual size', () => {
    const info = parseQemuImgInfo(
      '[{"virtual-size": 1073741824, "filename": "/i/disk", "format": "qcow2", "actual-size": 2424832, "full-backing-filename": "/i/_base/x", "backing-filename-format": "raw"},{"virtual-size": 1073741824, "filename": "/i/_base/x", "format": "raw"}]',
    );
    expect(info.map((i) => [i.filename, i.format, i.virtualSize, i.backingFilename])).toEqual([
      ['/i/disk', 'qcow2', 1073741824, '/i/_base/x'],
      ['/i/_base/x', 'raw', 1073741824, null],
    ]);
  });

  it('rejects malformed output', () => {
    expect(() => parseQemuImgMap('qemu-img: Could not open')).toThrow(/not JSON/);
    expect(() => parseQemuImgMap('[{"start": -1, "length": 1}]')).toThrow(/whole number/);
  });
});

describe('rbd diff', () => {
  // older Ceph prints exists as a string
  const diff = parseRbdDiff('[{"offset":0,"length":4194304,"exists":"true"},{"offset":8388608,"length":4194304,"exists":false},{"offset":12582912,"length":4194304,"exists":true}]');
  it('separates data from discarded ranges', () => {
    expect(rbdData(diff)).toEqual([
      { offset: 0, length: 4 * M },
      { offset: 12 * M, length: 4 * M },
    ]);
    expect(rbdChanges(diff)).toEqual([
      { offset: 0, length: 4 * M },
      { offset: 8 * M, length: 8 * M },
    ]);
    expect(parseRbdDiff('')).toEqual([]);
  });
});

describe('range arithmetic', () => {
  it('intersects wanted ranges with data ranges', () => {
    const wanted = [{ offset: 0, length: 10 }, { offset: 20, length: 10 }, { offset: 50, length: 100 }];
    const data = [{ offset: 5, length: 20 }, { offset: 60, length: 5 }, { offset: 140, length: 40 }];
    expect(intersectRanges(wanted, data)).toEqual([
      { offset: 5, length: 5 },
      { offset: 20, length: 5 },
      { offset: 60, length: 5 },
      { offset: 140, length: 10 },
    ]);
    expect(intersectRanges([], data)).toEqual([]);
  });

  it('cuts reads at chunk boundaries and at the read size', () => {
    expect([...readPieces([{ offset: 3, length: 20 }], 8, 8)]).toEqual([
      { offset: 3, length: 5 },
      { offset: 8, length: 8 },
      { offset: 16, length: 7 },
    ]);
    expect([...readPieces([{ offset: 0, length: 16 }], 16, 4)].map((p) => p.length)).toEqual([4, 4, 4, 4]);
  });
});
