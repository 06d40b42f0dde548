// A fake hypervisor + guest for the guest-agent restore's tests: `virsh qemu-agent-command` answered
// as libvirt and qemu-ga answer it (errors word for word), over an in-memory guest file system with
// the few programs the restore runs through guest-exec.
import path from 'node:path/posix';
import { GuestAgent, RemoteCommandError, type HostRunner } from '../../transfer/libvirt-ssh';
import type { GuestAgents } from './guest-restore.job';

export interface GuestFile {
  kind: 'file' | 'dir' | 'symlink';
  data: Buffer;
  mode: number;
  uid: number;
  gid: number;
  mtime: number;
  target?: string;
}

const COMMANDS = ['guest-info', 'guest-ping', 'guest-file-open', 'guest-file-write', 'guest-file-read', 'guest-file-close', 'guest-exec', 'guest-exec-status'];

export class FakeGuest {
  readonly files = new Map<string, GuestFile>([['/', { kind: 'dir', data: Buffer.alloc(0), mode: 0o755, uid: 0, gid: 0, mtime: 0 }]]);
  /** agent commands blocked in the guest's qemu-ga configuration */
  readonly disabled = new Set<string>();
  /** programs guest-exec starts that never end */
  readonly hanging = new Set<string>();
  /** programs guest-exec runs that fail (name → stderr) */
  readonly failing = new Map<string, string>();
  /** libvirt's refusal for every call (no agent channel, domain off …), as virsh prints it */
  refuse: string | null = null;
  /** every agent command in order, and each guest-file-write's raw size */
  readonly calls: string[] = [];
  readonly writes: number[] = [];
  /** every virsh command line's longest word (the JSON), to check the hypervisor's argument limit */
  longestWord = 0;
  /** called after each guest-file-write (a test cancels there) */
  afterWrite: (() => void) | null = null;
  private readonly open = new Map<number, { path: string; at: number }>();
  private readonly done = new Map<number, { exitcode: number; out: string; err: string }>();
  private next = 1000;

  constructor(readonly domain = 'instance-00000042') {}

  readonly run: HostRunner = async (argv) => {
    if (argv[0] !== 'virsh' || argv[1] !== 'qemu-agent-command' || argv[3] !== this.domain) throw new RemoteCommandError(argv[0] ?? '', 1, `error: failed to get domain '${argv[3]}'`);
    this.longestWord = Math.max(this.longestWord, ...argv.map((a) => a.length));
    if (this.refuse) throw new RemoteCommandError('virsh', 1, `${this.refuse}\n`);
    const { execute, arguments: a = {} } = JSON.parse(argv[argv.length - 1]!) as { execute: string; arguments?: Record<string, unknown> };
    this.calls.push(execute);
    if (this.disabled.has(execute)) throw this.agentError(execute, `Command ${execute} has been disabled`);
    return JSON.stringify({ return: this.answer(execute, a) });
  };

  /** Puts a file (and its folders) into the guest. */
  put(p: string, data: string | Buffer, o: Partial<GuestFile> = {}): void {
    this.mkdirs(path.dirname(p));
    this.files.set(p, { kind: 'file', data: Buffer.from(data), mode: 0o644, uid: 0, gid: 0, mtime: 0, ...o });
  }

  /** What the guest holds under a folder (its own entry left out), sorted. */
  under(dir: string): string[] {
    return [...this.files.keys()].filter((p) => p.startsWith(`${dir}/`)).sort();
  }

  private answer(execute: string, a: Record<string, unknown>): unknown {
    switch (execute) {
      case 'guest-info':
        return { version: '7.2.0', supported_commands: COMMANDS.map((name) => ({ name, enabled: !this.disabled.has(name), 'success-response': true })) };
      case 'guest-file-open': {
        const p = String(a.path);
        const parent = this.files.get(path.dirname(p));
        if (parent?.kind !== 'dir') throw this.agentError(execute, `failed to open file '${p}' (mode: '${String(a.mode)}'): No such file or directory`);
        if (a.mode === 'w') this.files.set(p, { kind: 'file', data: Buffer.alloc(0), mode: 0o644, uid: 0, gid: 0, mtime: 1 });
        else if (!this.files.has(p)) throw this.agentError(execute, `failed to open file '${p}' (mode: 'r'): No such file or directory`);
        const h = this.next++;
        this.open.set(h, { path: p, at: 0 });
        return h;
      }
      case 'guest-file-write': {
        const h = this.handle(a.handle);
        const f = this.files.get(h.path)!;
        const buf = Buffer.from(String(a['buf-b64']), 'base64');
        f.data = Buffer.concat([f.data.subarray(0, h.at), buf]);
        h.at += buf.length;
        this.writes.push(buf.length);
        this.afterWrite?.();
        return { count: buf.length, eof: false };
      }
      case 'guest-file-read': {
        const h = this.handle(a.handle);
        const data = this.files.get(h.path)!.data.subarray(h.at, h.at + Number(a.count));
        h.at += data.length;
        return { count: data.length, 'buf-b64': data.toString('base64'), eof: data.length === 0 };
      }
      case 'guest-file-close':
        this.handle(a.handle);
        this.open.delete(Number(a.handle));
        return {};
      case 'guest-exec': {
        const pid = this.next++;
        if (!this.hanging.has(String(a.path))) this.done.set(pid, this.exec(String(a.path), (a.arg as string[] | undefined) ?? []));
        return { pid };
      }
      case 'guest-exec-status': {
        const r = this.done.get(Number(a.pid));
        if (!r) return { exited: false };
        return { exited: true, exitcode: r.exitcode, 'out-data': Buffer.from(r.out).toString('base64'), 'err-data': Buffer.from(r.err).toString('base64') };
      }
      default:
        return {};
    }
  }

  /** The programs the restore runs, as busybox/coreutils behave for these arguments. */
  private exec(prog: string, argv: string[]): { exitcode: number; out: string; err: string } {
    const failing = this.failing.get(prog);
    if (failing !== undefined) return { exitcode: 1, out: '', err: failing };
    const dd = argv.indexOf('--');
    const opts = dd < 0 ? argv.filter((x) => x.startsWith('-')) : argv.slice(0, dd);
    const args = dd < 0 ? argv.filter((x) => !x.startsWith('-')) : argv.slice(dd + 1);
    const ok = (out = '') => ({ exitcode: 0, out, err: '' });
    const fail = (err: string) => ({ exitcode: 1, out: '', err: `${prog}: ${err}\n` });
    const f = (p: string) => this.files.get(p);
    switch (prog) {
      case 'stat': {
        const x = f(args[0]!);
        if (!x) return fail(`can't stat '${args[0]}': No such file or directory`);
        return ok(`${{ dir: 'directory', symlink: 'symbolic link', file: x.data.length ? 'regular file' : 'regular empty file' }[x.kind]}\n`);
      }
      case 'test':
        return { exitcode: f(this.follow(args[0]!))?.kind === 'dir' ? 0 : 1, out: '', err: '' };
      case 'mkdir':
        if (opts.includes('-p')) return this.mkdirs(args[0]!) ? ok() : fail(`can't create directory '${args[0]}': Not a directory`);
        if (f(args[0]!)) return fail(`can't create directory '${args[0]}': File exists`);
        if (f(path.dirname(args[0]!))?.kind !== 'dir') return fail(`can't create directory '${args[0]}': No such file or directory`);
        this.files.set(args[0]!, { kind: 'dir', data: Buffer.alloc(0), mode: 0o755, uid: 0, gid: 0, mtime: 1 });
        return ok();
      case 'mv': {
        const [from, to] = args as [string, string];
        if (!f(from)) return fail(`can't stat '${from}': No such file or directory`);
        if (f(to)?.kind === 'dir') return fail(`'${to}' is a directory (the fake does not move into folders)`);
        for (const p of [...this.files.keys()]) {
          if (p === from || p.startsWith(`${from}/`)) {
            this.files.set(to + p.slice(from.length), this.files.get(p)!);
            this.files.delete(p);
          }
        }
        return ok();
      }
      case 'rm':
        for (const p of args) this.files.delete(p);
        return ok();
      case 'ln':
        if (f(args[1]!)) return fail(`${args[1]}: File exists`);
        this.files.set(args[1]!, { kind: 'symlink', data: Buffer.alloc(0), mode: 0o777, uid: 0, gid: 0, mtime: 1, target: args[0]! });
        return ok();
      case 'chown': {
        const x = f(args[args.length - 1]!);
        if (!x) return fail(`${args[args.length - 1]}: No such file or directory`);
        const [uid, gid] = [...opts, ...args].find((o) => /^\d+:\d+$/.test(o))!.split(':').map(Number) as [number, number];
        Object.assign(x, { uid, gid });
        return ok();
      }
      case 'chmod': {
        const x = f(args[args.length - 1]!);
        if (!x) return fail(`${args[args.length - 1]}: No such file or directory`);
        x.mode = parseInt(args[0]!, 8);
        return ok();
      }
      case 'touch': {
        const x = f(args[0]!);
        const d = opts[opts.indexOf('-d') + 1]!;
        if (x) x.mtime = Number(d.slice(1));
        return ok();
      }
      case 'sh': {
        // guest-restore.ts's FINISH script, step by step: `sh -c FINISH backstack OWNER MODE @TIME PATH [FINAL]`
        const [owner, mode, time, at, to] = argv.slice(3) as [string, string, string, string, string];
        let err = '';
        for (const [step, args2, what] of [
          ['chown', ['--', owner, at], `owner ${owner}`],
          ['chmod', ['--', mode, at], 'mode'],
          ['touch', ['-c', '-d', time, '--', at], 'time'],
        ] as const) {
          const r = this.exec(step, [...args2]);
          if (r.exitcode !== 0) err += `${what} not set (${r.err.trim()})\n`;
        }
        if (!to) return { exitcode: 0, out: '', err };
        const m = this.exec('mv', ['-f', '--', at, to]);
        return { exitcode: m.exitcode, out: '', err: err + m.err };
      }
      default:
        return { exitcode: 127, out: '', err: `Failed to execute child process "${prog}" (No such file or directory)` };
    }
  }

  private mkdirs(dir: string): boolean {
    if (dir === '/') return true;
    if (!this.mkdirs(path.dirname(dir))) return false;
    const x = this.files.get(dir);
    if (x) return x.kind === 'dir';
    this.files.set(dir, { kind: 'dir', data: Buffer.alloc(0), mode: 0o755, uid: 0, gid: 0, mtime: 1 });
    return true;
  }

  private follow(p: string): string {
    const x = this.files.get(p);
    return x?.kind === 'symlink' && x.target ? path.resolve(path.dirname(p), x.target) : p;
  }

  private handle(h: unknown): { path: string; at: number } {
    const x = this.open.get(Number(h));
    if (!x) throw this.agentError('guest-file', `handle '${String(h)}' has not been found`);
    return x;
  }

  private agentError(execute: string, msg: string): RemoteCommandError {
    return new RemoteCommandError('virsh', 1, `error: internal error: unable to execute QEMU agent command '${execute}': ${msg}\n`);
  }
}

/** The core's way to the guest agent, answered by a fake guest (`label`: the instance's name). */
export const fakeGuestAgents =
  (guest: FakeGuest, label: string): GuestAgents =>
  async () => ({ agent: new GuestAgent(guest.run, guest.domain, label, { pollMs: 1 }), where: `${label} is a fake guest.`, close: () => undefined });
