import { describe, expect, it } from 'vitest';
import { Tree, type FileSystem, type FsNode, type NodeType } from '../../filesystems';
import { GuestAgent } from '../../transfer/libvirt-ssh';
import { restoreIntoGuest, selectionBytes, type GuestRestoreOptions } from './guest-restore';
import { FakeGuest } from './guest-testing';

// A backed-up file system in memory (the parsers have their own tests): /etc with a config, a
// bigger binary, a link and a folder; a device; a name no guest path may hold.
interface Item {
  name: string | Buffer;
  type: NodeType;
  data?: Buffer;
  target?: string;
  children?: number[];
  mode?: number;
}
const T = Date.UTC(2026, 3, 5, 6, 7, 8);
const big = Buffer.alloc(150_000);
for (let i = 0; i < big.length; i++) big[i] = (i * 13) % 256;
const ITEMS: Record<number, Item> = {
  1: { name: '', type: 'dir', children: [2, 9, 11] },
  2: { name: 'etc', type: 'dir', children: [3, 4, 5, 6, 8, 10] },
  3: { name: 'app.conf', type: 'file', data: Buffer.from('listen 8080\n'), mode: 0o4750 },
  4: { name: 'blob.bin', type: 'file', data: big },
  5: { name: 'current', type: 'symlink', target: 'app.conf' },
  6: { name: 'conf.d', type: 'dir', children: [7], mode: 0o700 },
  7: { name: 'site.conf', type: 'file', data: Buffer.from('server {}\n') },
  8: { name: 'tty0', type: 'chardev' },
  9: { name: 'empty', type: 'file', data: Buffer.alloc(0) },
  10: { name: Buffer.from('bad\x1bname'), type: 'file', data: Buffer.from('x') },
  11: { name: Buffer.from('odd\x07dir'), type: 'dir', children: [12] },
  12: { name: 'in.txt', type: 'file', data: Buffer.from('inside\n') },
};
function memoryFs(): FileSystem {
  const node = (ref: number): FsNode => {
    const i = ITEMS[ref]!;
    const mode = i.mode ?? ({ dir: 0o755, symlink: 0o777, file: 0o640 }[i.type as 'dir'] ?? 0o600);
    return { name: Buffer.from(i.name), type: i.type, size: i.data?.length ?? 0, mode, uid: 1000, gid: 50, mtimeMs: T + 0.5, ref };
  };
  return {
    kind: 'ext4',
    label: null,
    uuid: null,
    root: async () => node(1),
    list: async (d) => ITEMS[d.ref]!.children!.map(node),
    read: async (f, offset, length) => ITEMS[f.ref]!.data!.subarray(offset, offset + length),
    readlink: async (l) => Buffer.from(ITEMS[l.ref]!.target!),
    dataRanges: async (f) => [{ offset: 0, length: ITEMS[f.ref]!.data?.length ?? 0 }],
  };
}
const tree = new Tree(memoryFs());
const opts = (o: Partial<GuestRestoreOptions> = {}): GuestRestoreOptions => ({ guestPath: null, overwrite: false, signal: new AbortController().signal, chunkBytes: 64 * 1024, ...o });
const setup = () => {
  const g = new FakeGuest();
  return { g, agent: new GuestAgent(g.run, g.domain, 'web-1', { pollMs: 1 }) };
};
const text = (g: FakeGuest, p: string) => g.files.get(p)?.data.toString();

describe('restoring into a running guest through its agent', () => {
  it('writes a folder back where it was: files, sub-folders, links, owner, mode and time; devices and unsafe names reported', async () => {
    const { g, agent } = setup();
    let progress = 0;
    const r = await restoreIntoGuest(tree, ['/etc'], agent, opts({ onBytes: (n) => (progress = n) }));
    expect(g.under('/etc')).toEqual(['/etc/app.conf', '/etc/blob.bin', '/etc/conf.d', '/etc/conf.d/site.conf', '/etc/current']);
    expect(text(g, '/etc/app.conf')).toBe('listen 8080\n');
    expect(g.files.get('/etc/blob.bin')!.data.equals(big)).toBe(true);
    expect(g.files.get('/etc/current')).toMatchObject({ kind: 'symlink', target: 'app.conf', uid: 1000, gid: 50 });
    // owner before mode (chown clears setuid), whole seconds for the time
    expect(g.files.get('/etc/app.conf')).toMatchObject({ mode: 0o4750, uid: 1000, gid: 50, mtime: Math.floor(T / 1000) });
    expect(g.files.get('/etc/conf.d')).toMatchObject({ kind: 'dir', mode: 0o700, uid: 1000 });
    expect(r).toMatchObject({ files: 3, folders: 2, symlinks: 1, bytes: 12 + big.length + 10, kept: [], metadata: [] });
    expect(r.skipped.map((s) => s.path)).toEqual(['/etc/tty0', '/etc/bad\\x1bname']);
    expect(progress).toBe(r.bytes);
    expect(await selectionBytes(tree, ['/etc'])).toBe(r.bytes);
    // 150,000 bytes in 64 KiB pieces
    expect(g.writes.filter((n) => n > 1000)).toEqual([65536, 65536, 150_000 - 131_072]);
  });

  it('keeps what is in the way as NAME.orig (then .orig-2), or replaces it when told; an existing folder keeps its own mode', async () => {
    const { g, agent } = setup();
    g.put('/etc/app.conf', 'old\n');
    g.put('/etc/app.conf.orig', 'older\n');
    g.files.set('/etc', { ...g.files.get('/etc')!, mode: 0o711 });
    const r = await restoreIntoGuest(tree, ['/etc/app.conf', '/empty'], agent, opts());
    expect(r.kept).toEqual([{ path: '/etc/app.conf', as: '/etc/app.conf.orig-2' }]);
    expect([text(g, '/etc/app.conf'), text(g, '/etc/app.conf.orig'), text(g, '/etc/app.conf.orig-2')]).toEqual(['listen 8080\n', 'older\n', 'old\n']);
    expect(g.files.get('/empty')).toMatchObject({ kind: 'file', data: Buffer.alloc(0) });

    g.put('/etc/app.conf', 'changed\n');
    const again = await restoreIntoGuest(tree, ['/etc'], agent, opts({ overwrite: true }));
    expect(again.kept).toEqual([]);
    expect(text(g, '/etc/app.conf')).toBe('listen 8080\n');
    expect(g.under('/etc').filter((p) => p.includes('.orig'))).toEqual(['/etc/app.conf.orig', '/etc/app.conf.orig-2']);
    expect(g.files.get('/etc')!.mode).toBe(0o711);
  });

  it('writes under another folder when one is chosen, never a folder over a file kept, nor a file over a folder', async () => {
    const { g, agent } = setup();
    g.put('/restore/etc', 'a file where the folder goes');
    g.put('/restore/app.conf/inside', 'a folder where a file goes');
    const r = await restoreIntoGuest(tree, ['/etc', '/etc/app.conf'], agent, opts({ guestPath: '/restore/' }));
    expect(r.kept).toEqual([{ path: '/restore/etc', as: '/restore/etc.orig' }]);
    expect(text(g, '/restore/etc.orig')).toBe('a file where the folder goes');
    expect(text(g, '/restore/etc/conf.d/site.conf')).toBe('server {}\n');
    expect(r.skipped).toContainEqual({ path: '/etc/app.conf', reason: 'a folder is in the way at /restore/app.conf; it is not replaced' });
    expect(text(g, '/restore/app.conf/inside')).toBe('a folder where a file goes');
  });

  it('a cancel mid-file leaves no partial file under its name, and the temporary is removed', async () => {
    const { g, agent } = setup();
    g.put('/etc/blob.bin', 'the original');
    const ac = new AbortController();
    g.afterWrite = () => {
      if (g.writes.length === 2) ac.abort(new Error('cancelled by the user'));
    };
    await expect(restoreIntoGuest(tree, ['/etc/blob.bin'], agent, opts({ signal: ac.signal }))).rejects.toThrow('cancelled by the user');
    // the file in place is untouched (it would have been kept aside only once the copy was complete); no temporary left
    expect(g.under('/etc')).toEqual(['/etc/blob.bin']);
    expect(text(g, '/etc/blob.bin')).toBe('the original');
    expect(g.calls.filter((c) => c === 'guest-file-close')).toHaveLength(1);
    expect(g.writes).toHaveLength(2);
  });

  it('a failure in the guest (a full disk) removes the temporary and says what the guest said', async () => {
    const { g, agent } = setup();
    g.failing.set('mv', 'mv: rename failed: No space left on device');
    await expect(restoreIntoGuest(tree, ['/etc/conf.d/site.conf'], agent, opts({ guestPath: '/srv' }))).rejects.toThrow(
      /Could not move \/srv\/\.site\.conf\.backstack-[0-9a-f]{8}\.part to \/srv\/site\.conf in web-1: mv: rename failed: No space left on device\./,
    );
    expect(g.under('/srv')).toEqual([]);
  });

  it('says when the guest could not take the owner, mode or time, and restores the bytes anyway', async () => {
    const { g, agent } = setup();
    g.failing.set('chown', "chown: unknown user/group 1000:50");
    g.failing.set('touch', 'touch: invalid date');
    const r = await restoreIntoGuest(tree, ['/etc/conf.d/site.conf'], agent, opts());
    expect(text(g, '/etc/conf.d/site.conf')).toBe('server {}\n');
    expect(r.metadata).toEqual([{ path: '/etc/conf.d/site.conf', reason: 'owner 1000:50 not set (chown: unknown user/group 1000:50); time not set (touch: invalid date)' }]);
  });

  it('refuses before writing: guest-exec disabled, a relative guest folder, a whole file system over the guest\'s /', async () => {
    const { g, agent } = setup();
    g.disabled.add('guest-exec');
    await expect(restoreIntoGuest(tree, ['/etc'], agent, opts())).rejects.toThrow(/does not allow guest-exec: .*block-rpcs.*or restore to a folder instead/);
    g.disabled.clear();
    await expect(restoreIntoGuest(tree, ['/etc'], agent, opts({ guestPath: 'restore' }))).rejects.toThrow('"restore" is not an absolute path in the guest');
    await expect(restoreIntoGuest(tree, ['/etc'], agent, opts({ guestPath: '/srv/../etc' }))).rejects.toThrow('without "." or ".."');
    await expect(restoreIntoGuest(tree, ['/'], agent, opts())).rejects.toThrow("writing it over the running guest's / is refused");
    await expect(restoreIntoGuest(tree, ['/etc/bad\\x1bname'], agent, opts())).resolves.toMatchObject({ skipped: [{ path: '/etc/bad\\x1bname' }] });
    await expect(restoreIntoGuest(tree, ['/'], agent, opts({ guestPath: '//' }))).rejects.toThrow("writing it over the running guest's / is refused");
    expect(g.calls.filter((c) => c === 'guest-file-open')).toEqual([]);
    // a file in a folder whose name no guest path can hold goes only where the admin says
    await expect(restoreIntoGuest(tree, ['/odd\\x07dir/in.txt'], agent, opts())).rejects.toThrow('/odd\\x07dir has a name that is not printable UTF-8: choose a guest folder');
    await restoreIntoGuest(tree, ['/odd\\x07dir/in.txt'], agent, opts({ guestPath: '/srv' }));
    expect(text(g, '/srv/in.txt')).toBe('inside\n');
    const r = await restoreIntoGuest(tree, ['/'], agent, opts({ guestPath: '/srv/old-root' }));
    expect(r.files).toBe(4);
    expect(text(g, '/srv/old-root/etc/app.conf')).toBe('listen 8080\n');
  });
});
