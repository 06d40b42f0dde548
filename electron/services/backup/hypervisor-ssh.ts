import type { HypervisorSsh } from '../../../shared/domain/inventory';
import { AppError } from '../../../shared/errors/codes';
import type { HypervisorsRepo, HypervisorTransfer, SecretsRepo, StoredHypervisor } from '../../catalog';
import type { NbdTransfer } from '../../transfer/libvirt-ssh/direct-transfer';
import { SshSession, type SshAuth } from '../../transfer/libvirt-ssh/ssh';

/**
 * The SSH settings of hypervisors: saved per compute host (the secret sealed in the catalog,
 * never returned), and turned into a connection with the host key pinned on first use.
 */

export interface SshSettingsInput {
  address: string;
  port: number;
  user: string;
  auth: { kind: 'key'; privateKey: string; passphrase?: string } | { kind: 'password'; password: string };
  /** pin this key now ("ssh-ed25519 SHA256:…"); otherwise the first connection pins what it sees */
  hostKey?: string | null;
  transfer?: HypervisorTransfer;
}

const secretId = (providerId: string, hostname: string) => `hypervisor-ssh:${providerId}:${hostname}`;

export function saveSshSettings(repo: HypervisorsRepo, secrets: SecretsRepo, providerId: string, hostname: string, s: SshSettingsInput): void {
  const id = secretId(providerId, hostname);
  secrets.put(id, JSON.stringify(s.auth));
  const existing = repo.get(providerId, hostname);
  // A new address or user may well be a new machine: its key must be pinned again.
  const sameTarget = existing?.ssh.address === s.address && existing.ssh.port === s.port;
  repo.setSsh(providerId, hostname, {
    address: s.address,
    port: s.port,
    user: s.user,
    auth: s.auth.kind,
    secretId: id,
    hostKey: s.hostKey ?? (sameTarget ? existing.ssh.hostKey : null),
    transfer: s.transfer ?? { kind: 'ssh' },
  });
}

/** How a host's disks travel: NBD inside the SSH connection, or directly over TLS (its own address unless one is set). */
export function nbdTransferOf(h: StoredHypervisor): NbdTransfer {
  const t = h.ssh.transfer;
  return t.kind === 'direct' ? { kind: 'direct', address: t.address ?? (h.ssh.address as string), ports: t.ports } : { kind: 'ssh' };
}

/** Says in the job log how disks travel to or from a host (nothing for the default). */
export function logTransfer(t: NbdTransfer, log: (level: 'info', m: string) => void): void {
  if (t.kind === 'direct') log('info', `Disks travel directly over TLS from ${t.address}, a port in ${t.ports[0]}–${t.ports[1]}.`);
}

/** A host's SSH settings as the contract shows them: everything but the sealed secret's id. */
export function sshView(h: StoredHypervisor): HypervisorSsh {
  const { address, port, user, auth, hostKey, transfer } = h.ssh;
  return { address, port, user, auth, hostKey, transfer };
}

/** The hypervisor row for a server's compute host (Nova's service host or hypervisor hostname). */
export function findHypervisor(repo: HypervisorsRepo, providerId: string, host: string | null | undefined, hypervisorHostname?: string | null): StoredHypervisor {
  const rows = repo.list(providerId);
  const h =
    rows.find((r) => r.hostname === hypervisorHostname) ??
    rows.find((r) => r.hostname === host) ??
    rows.find((r) => r.data.serviceHost === host);
  if (!h || !h.ssh.address || !h.ssh.user || !h.ssh.secretId) {
    throw new AppError(
      'validation.invalidInput',
      `No SSH settings for the hypervisor ${hypervisorHostname ?? host ?? '(unknown host)'}. Set them in Settings → Hypervisors, or: backstack hypervisor ssh --provider … --host ${host ?? 'HOST'} --address … --user … --key FILE`,
    );
  }
  return h;
}

export async function connectHypervisor(repo: HypervisorsRepo, secrets: SecretsRepo, h: StoredHypervisor, signal?: AbortSignal): Promise<SshSession> {
  const raw = h.ssh.secretId ? secrets.get(h.ssh.secretId) : undefined;
  if (!raw) throw new AppError('auth.failed', `The SSH credentials of ${h.hostname} are missing from the catalog: enter them again.`);
  const auth = JSON.parse(raw) as SshAuth;
  return SshSession.connect(
    {
      host: h.hostname,
      address: h.ssh.address as string,
      port: h.ssh.port,
      user: h.ssh.user as string,
      auth,
      pinnedHostKey: h.ssh.hostKey,
      onFirstHostKey: (key) => repo.pinHostKey(h.providerId, h.hostname, key),
    },
    signal,
  );
}
