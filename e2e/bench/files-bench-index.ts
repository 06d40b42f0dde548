// A synthetic file index for the search benchmark (files.bench.ts): a tree shaped like a Linux
// root file system (deep folders, many repeated names — index.js, README.md — and many that are
// near-unique — app-48213.log), with a few configuration files to find among them.
import type { VolumeIndex } from '../../electron/filesystems';

const WORDS = (
  'app api web core lib util data cache log tmp conf config share doc man src test build dist node python perl ruby java ' +
  'system kernel module driver net http proxy mail cron backup archive image icon theme font locale zone user admin ' +
  'service worker queue store index table schema model view route asset static public private local remote client server'
).split(' ');
const EXTS = ['js', 'ts', 'py', 'conf', 'log', 'txt', 'json', 'md', 'so', 'png', 'gz', 'html', 'css', 'pem', 'xml', 'h', 'c'];
const COMMON = ['index.js', 'README.md', 'package.json', 'LICENSE', '__init__.py', 'Makefile', 'config.json', 'style.css', '.keep', 'CHANGELOG.md'];

function prng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 2 ** 32;
  };
}

/** `entries` entries (folders among them) in about entries/14 folders, at most 9 deep, deterministic from `seed`. */
export function syntheticIndex(entries: number, seed = 1): VolumeIndex {
  const rnd = prng(seed);
  const pick = <T>(a: readonly T[]): T => a[Math.floor(rnd() * a.length)]!;
  const dirs: string[] = ['/'];
  const dir: number[] = [];
  const names: string[] = [];
  const types: number[] = [];
  const sizes: number[] = [];
  const mtimes: number[] = [];
  const base = Date.UTC(2025, 0, 1);
  // breadth-first, like the indexer: each folder's entries are written when it is visited
  const targetDirs = Math.max(16, Math.floor(entries / 14));
  for (let d = 0; d < dirs.length && names.length < entries; d++) {
    const parent = dirs[d]!;
    const depth = parent === '/' ? 0 : parent.split('/').length - 1;
    const subdirs = depth === 0 ? 8 : dirs.length < targetDirs && depth < 9 ? Math.floor(rnd() * 6) + (depth < 3 ? 2 : 0) : 0;
    // what is left, spread over the folders still to visit (about)
    const perDir = (entries - names.length) / Math.max(1, dirs.length + (dirs.length < targetDirs ? targetDirs - dirs.length : 0) - d);
    const files = depth === 0 ? 2 : Math.max(0, Math.round(perDir * (0.2 + rnd() * 1.6)) - subdirs);
    const here = new Set<string>();
    // files of one folder mostly come from one install or one run (close times), some change later
    const installed = base + Math.floor(rnd() * 3e10);
    const add = (name: string, type: number, size: number) => {
      if (here.has(name) || names.length >= entries) return;
      here.add(name);
      dir.push(d);
      names.push(name);
      types.push(type);
      sizes.push(size);
      mtimes.push(rnd() < 0.7 ? installed + Math.floor(rnd() * 2000) : base + Math.floor(rnd() * 3e10));
      if (type === 1) dirs.push(`${parent === '/' ? '' : parent}/${name}`);
    };
    for (let i = 0; i < subdirs; i++) add(depth === 0 ? ['usr', 'var', 'etc', 'home', 'opt', 'srv', 'lib', 'root'][i]! : `${pick(WORDS)}${rnd() < 0.3 ? `-${Math.floor(rnd() * 100)}` : ''}`, 1, 4096);
    for (let i = 0; i < files; i++) {
      const r = rnd();
      const name = r < 0.35 ? pick(COMMON) : r < 0.999 ? `${pick(WORDS)}-${Math.floor(rnd() * 100_000)}.${pick(EXTS)}` : 'nginx.conf';
      add(name, 0, Math.floor(rnd() * 200_000));
    }
    // the last folder takes what is left
    if (d === dirs.length - 1) for (let i = 0; names.length < entries; i++) add(`rest-${i}.dat`, 0, i);
  }
  return { dirs, dir: Int32Array.from(dir), names, types: Uint8Array.from(types), sizes: Float64Array.from(sizes), mtimes: Float64Array.from(mtimes), problems: [] };
}

/** The same tree with about `share` of its files changed (a new size and time), as the next night's restore point. */
export function changed(v: VolumeIndex, share: number, seed: number): VolumeIndex {
  const rnd = prng(seed);
  const sizes = Float64Array.from(v.sizes);
  const mtimes = Float64Array.from(v.mtimes);
  for (let i = 0; i < sizes.length; i++) {
    if (v.types[i] === 0 && rnd() < share) {
      sizes[i] = sizes[i]! + 1 + Math.floor(rnd() * 1000);
      mtimes[i] = mtimes[i]! + 86_400_000;
    }
  }
  return { ...v, sizes, mtimes };
}
