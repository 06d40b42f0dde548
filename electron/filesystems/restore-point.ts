import { refused } from './errors';
import type { ByteSource } from './source';
import { Tree } from './tree';
import { describeDisk, openVolume, type DiskLayout, type Volume } from './volumes';

/** A disk opened for random access (the engine's DiskReader is one). */
export type OpenDisk = ByteSource & { close(): Promise<void> };

/**
 * The disks of one restore point, opened lazily for browsing: a disk's reader, its partition
 * layout and each volume's file system are opened once and kept until close(). `openDisk` opens
 * a disk of the restore point (services and the CLI pass the engine's openDiskReader).
 */
export class RestorePointFiles {
  private readonly readers = new Map<string, Promise<OpenDisk>>();
  private readonly layouts = new Map<string, Promise<DiskLayout>>();
  private readonly trees = new Map<string, Promise<{ volume: Volume; tree: Tree }>>();

  constructor(
    /** the restore point's id, for messages */
    readonly id: string,
    readonly disks: readonly { name: string; size: number }[],
    private readonly openDisk: (name: string) => Promise<OpenDisk>,
  ) {}

  /** The disk's name: the one given, or the only one. */
  diskName(disk: string | undefined): string {
    const names = this.disks.map((d) => d.name).join(', ');
    if (disk !== undefined) {
      if (!this.disks.some((d) => d.name === disk)) throw refused(`Restore point ${this.id} has no disk "${disk}" (it has ${names}).`);
      return disk;
    }
    if (this.disks.length !== 1) throw refused(`Restore point ${this.id} has ${this.disks.length} disks (${names}): choose one with --disk NAME.`);
    return this.disks[0]!.name;
  }

  layout(disk: string | undefined): Promise<DiskLayout> {
    const name = this.diskName(disk);
    return once(this.layouts, name, async () => describeDisk(await this.reader(name), name));
  }

  /** The file system of a partition or logical volume (or of the whole disk when it has no table, or its one browsable volume). */
  tree(disk: string | undefined, partition: number | undefined, lv?: string): Promise<{ volume: Volume; tree: Tree }> {
    const name = this.diskName(disk);
    return once(this.trees, `${name}:${partition ?? ''}:${lv ?? ''}`, async () => {
      const { volume, fs } = await openVolume(await this.reader(name), name, partition, lv);
      return { volume, tree: new Tree(fs) };
    });
  }

  async close(): Promise<void> {
    const readers = [...this.readers.values()];
    this.readers.clear();
    this.trees.clear();
    this.layouts.clear();
    for (const r of readers) await r.then((x) => x.close()).catch(() => undefined);
  }

  private reader(disk: string): Promise<OpenDisk> {
    return once(this.readers, disk, () => this.openDisk(disk));
  }
}

/** The promise for `key`, made once; a failed one is forgotten so the next call tries again. */
function once<T>(m: Map<string, Promise<T>>, key: string, make: () => Promise<T>): Promise<T> {
  let p = m.get(key);
  if (!p) {
    p = make();
    m.set(key, p);
    p.catch(() => m.delete(key));
  }
  return p;
}
