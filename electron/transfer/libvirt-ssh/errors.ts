import { AppError } from '../../../shared/errors/app-error';

/** Errors of the libvirt/SSH strategy; each says what it means at the boundary. */
export class TransferError extends Error {
  constructor(
    message: string,
    readonly retryable = false,
    opts: { cause?: unknown } = {},
  ) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'TransferError';
  }

  toAppError(): AppError {
    return new AppError('internal', this.message, { retryable: this.retryable, cause: this });
  }
}

/** The hypervisor presented another host key than the pinned one: possibly a different machine. */
export class HostKeyChangedError extends TransferError {
  constructor(
    readonly host: string,
    readonly pinned: string,
    readonly presented: string,
  ) {
    super(
      `The SSH host key of ${host} changed: pinned ${pinned}, presented ${presented}. ` +
        'Refusing to connect. If the host was reinstalled, check the new key with its administrator and pin it again.',
    );
    this.name = 'HostKeyChangedError';
  }

  override toAppError(): AppError {
    return new AppError('ssh.hostKeyChanged', this.message, { details: { host: this.host, pinned: this.pinned, presented: this.presented } });
  }
}

export class SshConnectError extends TransferError {
  constructor(host: string, cause: unknown) {
    const why = cause instanceof Error ? cause.message : String(cause);
    super(`Cannot connect to ${host} over SSH: ${why}${hint(why)}`, true, { cause });
    this.name = 'SshConnectError';
  }

  override toAppError(): AppError {
    const auth = /authentication/i.test(this.message);
    return new AppError(auth ? 'auth.failed' : 'network.unreachable', this.message, { retryable: !auth, cause: this });
  }
}

/** What to do about the usual ways a connection fails. */
function hint(why: string): string {
  if (/ECONNREFUSED/.test(why)) return '. Nothing answers on that port: check the address and port, and that sshd runs there.';
  if (/ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|Timed out while waiting for handshake/.test(why))
    return '. The host cannot be reached from this machine: check the address, the route and firewalls (a proxy VM on a private network can be reached through a hypervisor as jump host).';
  if (/ENOTFOUND|EAI_AGAIN/.test(why)) return '. The name does not resolve: check the address.';
  if (/authentication/i.test(why)) return '. Check the user and the key or password saved for it.';
  return '';
}

/** The SSH connection dropped while a command ran. */
export class SshConnectionLostError extends TransferError {
  constructor(host: string) {
    super(`The SSH connection to ${host} was lost.`, true);
    this.name = 'SshConnectionLostError';
  }

  override toAppError(): AppError {
    return new AppError('network.unreachable', this.message, { retryable: true, cause: this });
  }
}

/** A remote command exited with a non-zero status (or a signal). */
export class RemoteCommandError extends TransferError {
  constructor(
    readonly command: string,
    readonly code: number | null,
    readonly stderr: string,
  ) {
    const tail = stderr.trim().split('\n').slice(-3).join(' | ');
    super(`${command} failed on the hypervisor (exit ${code ?? 'by signal'})${tail ? `: ${tail}` : ''}`);
    this.name = 'RemoteCommandError';
  }
}
