import { AppError } from '../../../shared/errors/app-error';
import { RemoteCommandError, TransferError } from './errors';

/**
 * A QEMU guest agent reached through libvirt on the hypervisor: each call is one
 * `virsh qemu-agent-command --domain D --timeout N JSON` over the hypervisor's SSH connection
 * (argument vector, every word quoted; the JSON is one word). No network to the guest is needed.
 */

/** Runs an argument vector on the hypervisor and gives its stdout (SshSession.run, or a fake in tests). */
export type HostRunner = (argv: readonly string[], opts?: { signal?: AbortSignal }) => Promise<string>;

export type GuestAgentProblem = 'not-configured' | 'not-connected' | 'not-running' | 'no-domain' | 'disabled' | 'refused';

/** A call the agent or libvirt refused, with what it means for the admin. */
export class GuestAgentError extends TransferError {
  constructor(
    readonly problem: GuestAgentProblem,
    message: string,
    /** the agent's (or libvirt's) own words */
    readonly detail: string,
  ) {
    super(message, problem === 'not-connected');
    this.name = 'GuestAgentError';
  }

  override toAppError(): AppError {
    const code = { 'not-configured': 'unsupported', 'not-connected': 'network.unreachable', 'not-running': 'resource.conflict', 'no-domain': 'resource.notFound', disabled: 'unsupported', refused: 'validation.invalidInput' } as const;
    return new AppError(code[this.problem], this.message, { retryable: this.retryable, details: { problem: this.problem, detail: this.detail }, cause: this });
  }
}

/**
 * Raw bytes per guest-file-write. A remote command is one argument of the hypervisor's shell,
 * which Linux caps at 128 KiB (MAX_ARG_STRLEN): 64 KiB is 87 KiB of base64 plus the JSON around it.
 */
export const MAX_WRITE_CHUNK = 64 * 1024;

export interface ExecResult {
  exitcode: number;
  stdout: string;
  stderr: string;
}

export class GuestAgent {
  constructor(
    private readonly run: HostRunner,
    /** the libvirt domain (Nova's instance_name) */
    readonly domain: string,
    /** the instance as people know it, for messages */
    readonly label: string,
    private readonly o: { timeoutSeconds?: number; pollMs?: number; execTimeoutMs?: number } = {},
  ) {}

  /** One agent command; its `return` value. Refusals become GuestAgentError saying what to do. */
  async call<T>(execute: string, args?: Record<string, unknown>, signal?: AbortSignal): Promise<T> {
    const json = JSON.stringify(args ? { execute, arguments: args } : { execute });
    let out: string;
    try {
      out = await this.run(['virsh', 'qemu-agent-command', '--domain', this.domain, '--timeout', String(this.o.timeoutSeconds ?? 60), json], signal ? { signal } : {});
    } catch (e) {
      if (e instanceof RemoteCommandError) throw this.explain(execute, e.stderr);
      throw e;
    }
    let parsed: { return?: T };
    try {
      parsed = JSON.parse(out) as { return?: T };
    } catch {
      throw new TransferError(`The guest agent of ${this.label} answered ${execute} with something that is not JSON: ${out.slice(0, 200)}`);
    }
    if (!('return' in parsed)) throw new TransferError(`The guest agent of ${this.label} answered ${execute} without a result: ${out.slice(0, 200)}`);
    return parsed.return as T;
  }

  /** The commands the agent has enabled (guest-info). */
  async enabledCommands(signal?: AbortSignal): Promise<Set<string>> {
    const info = await this.call<{ version: string; supported_commands: { name: string; enabled: boolean }[] }>('guest-info', undefined, signal);
    return new Set(info.supported_commands.filter((c) => c.enabled).map((c) => c.name));
  }

  /** Opens a file of the guest ("w" creates or truncates it, "r" reads); its handle. */
  open(path: string, mode: 'r' | 'w', signal?: AbortSignal): Promise<number> {
    return this.call<number>('guest-file-open', { path, mode }, signal);
  }

  /** Writes `data` at the handle's position, in pieces the hypervisor's command line can hold. */
  async write(handle: number, data: Buffer, signal?: AbortSignal, chunk = MAX_WRITE_CHUNK): Promise<void> {
    for (let at = 0; at < data.length; at += chunk) {
      signal?.throwIfAborted();
      const piece = data.subarray(at, Math.min(data.length, at + chunk));
      const r = await this.call<{ count: number }>('guest-file-write', { handle, 'buf-b64': piece.toString('base64') }, signal);
      if (r.count !== piece.length) throw new TransferError(`The guest agent of ${this.label} wrote ${r.count} of ${piece.length} bytes (is the guest's disk full?).`);
    }
  }

  async read(handle: number, count: number, signal?: AbortSignal): Promise<{ data: Buffer; eof: boolean }> {
    const r = await this.call<{ count: number; 'buf-b64': string; eof: boolean }>('guest-file-read', { handle, count }, signal);
    return { data: Buffer.from(r['buf-b64'], 'base64'), eof: r.eof };
  }

  /** Closes a handle; never cut short by a cancel (the agent would keep the file open). */
  async close(handle: number): Promise<void> {
    await this.call('guest-file-close', { handle });
  }

  /**
   * Runs a program in the guest (no shell: `argv` reaches it word by word) and waits for its end.
   * The agent has no blocking wait: its status is asked again every `pollMs`.
   */
  async exec(argv: readonly string[], signal?: AbortSignal): Promise<ExecResult> {
    const [path, ...arg] = argv;
    const { pid } = await this.call<{ pid: number }>('guest-exec', { path, arg, 'capture-output': true }, signal);
    // a program hung in the guest (a dead network mount) must not hold the job for ever
    const deadline = Date.now() + (this.o.execTimeoutMs ?? 300_000);
    for (;;) {
      const st = await this.call<{ exited: boolean; exitcode?: number; signal?: number; 'out-data'?: string; 'err-data'?: string }>('guest-exec-status', { pid });
      if (st.exited) {
        const text = (b64?: string) => (b64 ? Buffer.from(b64, 'base64').toString('utf8') : '');
        return { exitcode: st.exitcode ?? 128 + (st.signal ?? 0), stdout: text(st['out-data']), stderr: text(st['err-data']) };
      }
      signal?.throwIfAborted();
      if (Date.now() > deadline) throw new TransferError(`${path} did not finish in ${this.label} within ${Math.round((this.o.execTimeoutMs ?? 300_000) / 1000)} s (still running there as pid ${pid}).`);
      await new Promise((r) => setTimeout(r, this.o.pollMs ?? 100));
    }
  }

  /** libvirt's and the agent's refusals in words that say what to do. */
  private explain(execute: string, stderr: string): GuestAgentError {
    const said = stderr.trim().replace(/^error:\s*/gm, '').split('\n').filter(Boolean).join(' ');
    const who = `the guest agent of ${this.label}`;
    if (/not configured/i.test(said))
      return new GuestAgentError(
        'not-configured',
        `${this.label} has no guest agent channel. Set the image property hw_qemu_guest_agent=yes (on its image, or on the volume it boots from), install qemu-guest-agent in the guest, then shut the instance off and start it again so Nova adds the channel.`,
        said,
      );
    if (/domain is not running/i.test(said)) return new GuestAgentError('not-running', `${this.label} is not running: start it, then restore into it again.`, said);
    if (/domain not found|failed to get domain|no domain with matching/i.test(said))
      return new GuestAgentError('no-domain', `${this.label} (${this.domain}) is not on the hypervisor Nova names: sync the cloud (it may have moved), then try again.`, said);
    if (/not connected|not responding|not available|timed out|timeout/i.test(said))
      return new GuestAgentError(
        'not-connected',
        `The guest agent of ${this.label} does not answer. Install qemu-guest-agent in the guest and start it (e.g. systemctl enable --now qemu-guest-agent), then try again.`,
        said,
      );
    if (/has been disabled|is disabled|command not allowed|not allowed/i.test(said))
      return new GuestAgentError(
        'disabled',
        `The guest agent of ${this.label} has ${execute} disabled. Allow it in the guest (remove it from block-rpcs in /etc/qemu/qemu-ga.conf, or the --block-rpcs/--blacklist option of qemu-ga), restart qemu-ga, then try again.`,
        said,
      );
    const agentSaid = /unable to execute QEMU agent command '[^']*':\s*(.*)$/i.exec(said)?.[1] ?? said;
    return new GuestAgentError('refused', `${who.charAt(0).toUpperCase()}${who.slice(1)} refused ${execute}: ${agentSaid || 'no reason given'}.`, said);
  }
}
