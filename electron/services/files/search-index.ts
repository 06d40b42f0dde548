import type { FileSearchHit, FileVersion, SearchRestorePoint } from '../../../shared/domain/files-search';
import { NODE_TYPES, type VolumeIndex } from '../../filesystems';
import type { Matcher } from './search-pattern';

/**
 * The file indexes of many restore points in memory, shaped for search.
 * Why not a catalog table: a row per file per restore point (thirty nightly restore points of a
 * few hundred instances of 200,000 files each) would make the catalog tens of gigabytes, a glob
 * or a part of a name cannot use an SQLite index (every search scans the rows anyway), and the
 * rows would copy what the destination keeps already (rebuilt after a lost catalog, gone with a
 * pruned restore point). So the destination's index notes are the truth; a search reads the ones
 * it needs once per process (about a second per million entries) and keeps them here:
 *  - Every distinct folder path and every distinct name is kept once, across all restore points:
 *    a search tests each of them once (search-pattern.ts), then walks plain integer arrays.
 *  - A lineage is one volume of one instance over time ("vda1 of web-1"). It holds each path once,
 *    each distinct state of a path (size, time, type) once, and per restore point only the sorted
 *    numbers of the states it holds (4 bytes an entry): thirty nightly restore points of a disk where
 *    little changes cost little more than one.
 */
export interface LineageInfo {
  instanceId: string;
  instanceName: string;
  projectId: string | null;
  disk: string;
  volume: string;
  partition: number | null;
  lv: string | null;
}

export interface SearchScope {
  /** which restore points count (the catalog's, in the instance or project asked for) */
  restorePoint(destinationId: string, backupId: string): boolean;
  lineage?(l: LineageInfo): boolean;
}

export interface SearchResult {
  hits: FileSearchHit[];
  total: number;
  entries: number;
  /** restore points searched (those in scope with an index) */
  restorePoints: number;
}

/** Distinct strings, numbered; each also in lower case, as patterns test them. */
class Interner {
  private readonly ids = new Map<string, number>();
  readonly list: string[] = [];
  readonly lower: string[] = [];
  id(s: string): number {
    let id = this.ids.get(s);
    if (id === undefined) {
      id = this.list.length;
      this.ids.set(s, id);
      this.list.push(s);
      this.lower.push(s.toLowerCase());
    }
    return id;
  }
}

/** A typed array that grows (doubling), for columns filled one entry at a time. */
class Column<T extends Int32Array | Float64Array | Uint8Array> {
  length = 0;
  constructor(
    public data: T,
    private readonly make: (n: number) => T,
  ) {}
  push(v: number): number {
    if (this.length === this.data.length) {
      const next = this.make(Math.max(1024, this.data.length * 2));
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length] = v;
    return this.length++;
  }
}
const ints = () => new Column(new Int32Array(1024), (n) => new Int32Array(n));
const floats = () => new Column(new Float64Array(1024), (n) => new Float64Array(n));

interface HeldRestorePoint {
  ref: SearchRestorePoint;
  /** the states this restore point holds, sorted */
  states: Int32Array;
}

/**
 * (folder number, name number) → path number: open addressing over typed arrays (a Map keyed by a
 * million numbers beyond 2^31 costs a second to fill; this, a tenth of that).
 */
class PathTable {
  private dirs = new Int32Array(1024).fill(-1);
  private names = new Int32Array(1024);
  private values = new Int32Array(1024);
  private size = 0;

  /** the slot of (dir, name): holding it, or the empty one where it goes */
  private slot(dir: number, name: number): number {
    const mask = this.dirs.length - 1;
    let h = Math.imul(dir, 0x9e3779b1) ^ Math.imul(name + 0x7f4a7c15, 0x85ebca6b);
    h ^= h >>> 15;
    let i = h & mask;
    while (this.dirs[i] !== -1 && !(this.dirs[i] === dir && this.names[i] === name)) i = (i + 1) & mask;
    return i;
  }

  /** the path's number, or the one `next` gives it when new */
  intern(dir: number, name: number, next: number): number {
    let i = this.slot(dir, name);
    if (this.dirs[i] !== -1) return this.values[i]!;
    if ((this.size + 1) * 2 > this.dirs.length) {
      this.grow();
      i = this.slot(dir, name);
    }
    this.dirs[i] = dir;
    this.names[i] = name;
    this.values[i] = next;
    this.size++;
    return next;
  }

  private grow(): void {
    const { dirs, names, values } = this;
    this.dirs = new Int32Array(dirs.length * 2).fill(-1);
    this.names = new Int32Array(dirs.length * 2);
    this.values = new Int32Array(dirs.length * 2);
    for (let j = 0; j < dirs.length; j++) {
      if (dirs[j] === -1) continue;
      const i = this.slot(dirs[j]!, names[j]!);
      this.dirs[i] = dirs[j]!;
      this.names[i] = names[j]!;
      this.values[i] = values[j]!;
    }
  }
}

class Lineage {
  readonly paths = new PathTable();
  readonly pathDir = ints();
  readonly pathName = ints();
  /** the path's newest state; states of a path are chained through stateNext */
  readonly pathHead = ints();
  readonly statePath = ints();
  readonly stateNext = ints();
  readonly stateSize = floats();
  readonly stateTime = floats();
  readonly stateType = ints();
  readonly held = new Map<string, HeldRestorePoint>();
  constructor(readonly info: LineageInfo) {}

  add(ref: SearchRestorePoint, index: VolumeIndex, dirIds: Int32Array, nameIds: Int32Array): void {
    const states = new Int32Array(index.names.length);
    for (let i = 0; i < states.length; i++) {
      const dir = dirIds[index.dir[i]!]!;
      const p = this.paths.intern(dir, nameIds[i]!, this.pathDir.length);
      if (p === this.pathDir.length) {
        this.pathDir.push(dir);
        this.pathName.push(nameIds[i]!);
        this.pathHead.push(-1);
      }
      const size = index.sizes[i]!;
      const time = index.mtimes[i]!;
      const type = index.types[i]!;
      let s = this.pathHead.data[p]!;
      while (s >= 0 && !(this.stateSize.data[s] === size && this.stateTime.data[s] === time && this.stateType.data[s] === type)) s = this.stateNext.data[s]!;
      if (s < 0) {
        s = this.statePath.push(p);
        this.stateNext.push(this.pathHead.data[p]!);
        this.stateSize.push(size);
        this.stateTime.push(time);
        this.stateType.push(type);
        this.pathHead.data[p] = s;
      }
      states[i] = s;
    }
    states.sort();
    this.held.set(`${ref.destinationId}\n${ref.backupId}`, { ref, states });
  }
}

export class SearchIndex {
  private readonly names = new Interner();
  private readonly dirs = new Interner();
  private readonly lineages = new Map<string, Lineage>();

  /** Adds (or replaces) the index of one restore point. */
  add(ref: SearchRestorePoint, volumes: readonly (LineageInfo & { index: VolumeIndex })[]): void {
    this.remove(ref.destinationId, ref.backupId);
    for (const { index, ...info } of volumes) {
      const key = [info.instanceId, info.disk, info.volume].join('\n');
      let l = this.lineages.get(key);
      if (!l) this.lineages.set(key, (l = new Lineage(info)));
      else Object.assign(l.info, info); // the newest names (a renamed instance) are shown
      const dirIds = new Int32Array(index.dirs.length);
      for (let i = 0; i < dirIds.length; i++) dirIds[i] = this.dirs.id(index.dirs[i]!);
      const nameIds = new Int32Array(index.names.length);
      for (let i = 0; i < nameIds.length; i++) nameIds[i] = this.names.id(index.names[i]!);
      l.add(ref, index, dirIds, nameIds);
    }
  }

  remove(destinationId: string, backupId: string): void {
    const key = `${destinationId}\n${backupId}`;
    for (const [k, l] of this.lineages) {
      l.held.delete(key);
      // a lineage whose restore points are all gone is dropped whole (its paths and states with it)
      if (l.held.size === 0) this.lineages.delete(k);
    }
  }

  /** The restore points held, as "destinationId\nbackupId". */
  heldKeys(): Set<string> {
    const out = new Set<string>();
    for (const l of this.lineages.values()) for (const k of l.held.keys()) out.add(k);
    return out;
  }

  search(m: Matcher, scope: SearchScope, limit: number): SearchResult {
    // folders are few: each tested once; names are tested when a path needs it, each once (memo: 0 not yet, 1 yes, 2 no)
    const dirAll = m.dirAll ? mark(this.dirs.lower, m.dirAll) : null;
    const dirThen = m.dirThen ? mark(this.dirs.lower, m.dirThen) : null;
    const nameTest = m.name;
    const lowerNames = this.names.lower;
    const memo = new Uint8Array(nameTest ? lowerNames.length : 0);
    const hits: FileSearchHit[] = [];
    let total = 0;
    let entries = 0;
    const searched = new Set<string>();
    for (const l of this.lineages.values()) {
      if (scope.lineage && !scope.lineage(l.info)) continue;
      const held = [...l.held.values()].filter((h) => scope.restorePoint(h.ref.destinationId, h.ref.backupId));
      if (!held.length) continue;
      held.sort((a, b) => (a.ref.createdAt < b.ref.createdAt ? -1 : a.ref.createdAt > b.ref.createdAt ? 1 : 0));
      for (const h of held) {
        entries += h.states.length;
        searched.add(`${h.ref.destinationId}\n${h.ref.backupId}`);
      }
      // a path no restore point in scope holds is not a hit: checked only when some are out of scope
      const partial = held.length < l.held.size;
      const dirs = l.pathDir.data;
      const names = l.pathName.data;
      for (let p = 0; p < l.pathDir.length; p++) {
        const d = dirs[p]!;
        if (dirAll === null || dirAll[d] !== 1) {
          if (nameTest === null || (dirThen !== null && dirThen[d] !== 1)) continue;
          const n = names[p]!;
          let ok = memo[n]!;
          if (ok === 0) memo[n] = ok = nameTest(lowerNames[n]!) ? 1 : 2;
          if (ok !== 1) continue;
        }
        if (hits.length < limit || partial) {
          const versions = timeline(l, p, held);
          if (!versions.length) continue;
          if (hits.length < limit) hits.push(hitOf(l, this.dirs.list[d]!, this.names.list[names[p]!]!, versions));
        }
        total++;
      }
    }
    hits.sort((a, b) => cmp(a.instanceName, b.instanceName) || cmp(a.path, b.path) || cmp(a.volume, b.volume));
    return { hits, total, entries, restorePoints: searched.size };
  }
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function mark(list: readonly string[], test: (s: string) => boolean): Uint8Array {
  const out = new Uint8Array(list.length);
  for (let i = 0; i < list.length; i++) if (test(list[i]!)) out[i] = 1;
  return out;
}

/** The path's state in each restore point (oldest first), as runs of the same state. */
function timeline(l: Lineage, p: number, held: readonly HeldRestorePoint[]): FileVersion[] {
  const out: FileVersion[] = [];
  let prev = -1;
  for (const h of held) {
    let s = l.pathHead.data[p]!;
    while (s >= 0 && !contains(h.states, s)) s = l.stateNext.data[s]!;
    if (s >= 0 && s === prev) out[out.length - 1]!.restorePoints.push(h.ref);
    else if (s >= 0)
      out.push({
        size: l.stateSize.data[s]!,
        mtime: iso(l.stateTime.data[s]!),
        type: NODE_TYPES[l.stateType.data[s]!] ?? 'unknown',
        restorePoints: [h.ref],
        changed: prev >= 0,
      });
    prev = s;
  }
  return out;
}

function contains(sorted: Int32Array, v: number): boolean {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const x = sorted[mid]!;
    if (x === v) return true;
    if (x < v) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}

function hitOf(l: Lineage, dir: string, name: string, versions: FileVersion[]): FileSearchHit {
  const { instanceId, instanceName, disk, volume, partition, lv } = l.info;
  return { instanceId, instanceName, disk, volume, partition, lv, path: dir === '/' ? `/${name}` : `${dir}/${name}`, name, versions };
}

const iso = (ms: number) => new Date(Number.isFinite(ms) && Math.abs(ms) <= 8.64e15 ? ms : 0).toISOString();
