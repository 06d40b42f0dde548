import type { HypervisorSshInput } from '../../../shared/domain/backups';
import type { HypervisorItem, HypervisorSsh, HypervisorTest } from '../../../shared/domain/inventory';
import { AppError } from '../../../shared/errors/codes';
import type { HypervisorsTable, HypervisorTransfer, SecretsTable, StoredHypervisor } from '../../catalog';
import { SshSession, type NbdTransfer, type SshAuth } from '../../transfer/libvirt-ssh';
import type { ProvidersService } from '../providers/providers.service';
import { testHypervisor } from './hypervisor-test';
import { readPrivateKey, storedKeyIdentity } from './ssh-key';

const secretId = (providerId: string, hostname: string) => `hypervisor-ssh:${providerId}:${hostname}`;

/**
 * The compute hosts of a cloud as the libvirt strategy reaches them: SSH settings saved per host
 * (the secret sealed in the catalog, never returned), connections with the host key pinned on
 * first use, and how disks travel to and from each host. Inventory, backups and restores use it.
 */
export class HypervisorsService {
  constructor(
    private readonly table: HypervisorsTable,
    private readonly secrets: () => SecretsTable,
    private readonly providers: ProvidersService,
  ) {}

  list(providerIdOrName: string): HypervisorItem[] {
    return this.table
      .list(this.providers.get(providerIdOrName).id)
      .map((h) => ({ hostname: h.hostname, data: h.data, ssh: this.sshView(h), vanishedAt: h.vanishedAt }));
  }

  /** Saves a host's SSH settings; without a new key or password the stored one is kept. */
  setSsh(i: HypervisorSshInput): { hostname: string; ssh: HypervisorSsh } {
    const providerId = this.providers.get(i.providerId).id;
    const id = secretId(providerId, i.hostname);
    const existing = this.table.get(providerId, i.hostname);
    // A new address or port may well be a new machine: its key must be pinned again.
    const sameTarget = existing?.ssh.address === i.address && existing.ssh.port === i.port;
    let auth: SshAuth['kind'];
    if (i.privateKey) {
      readPrivateKey(i.privateKey, i.passphrase);
      this.secrets().put(
        id,
        JSON.stringify({ kind: 'key', privateKey: i.privateKey, ...(i.passphrase ? { passphrase: i.passphrase } : {}) } satisfies SshAuth),
      );
      auth = 'key';
    } else if (i.password) {
      this.secrets().put(id, JSON.stringify({ kind: 'password', password: i.password } satisfies SshAuth));
      auth = 'password';
    } else {
      const stored = existing?.ssh.secretId ? this.secrets().get(existing.ssh.secretId) : undefined;
      if (!stored || !existing?.ssh.auth)
        throw new AppError('validation.invalidInput', `${i.hostname} has no stored key or password yet: give a private key or a password.`);
      // A key only signs; a password is sent, so it only goes to the machine it was saved for.
      if (existing.ssh.auth === 'password' && existing.ssh.address !== i.address)
        throw new AppError(
          'validation.invalidInput',
          `The address of ${i.hostname} changed: enter its password again (a stored password only goes to the host it was saved for).`,
        );
      if (existing.ssh.secretId !== id) this.secrets().put(id, stored);
      auth = existing.ssh.auth;
    }
    const transfer: HypervisorTransfer =
      i.transfer === 'direct' ? { kind: 'direct', address: i.transferAddress ?? null, ports: i.transferPorts } : { kind: 'ssh' };
    this.table.setSsh(providerId, i.hostname, {
      address: i.address,
      port: i.port,
      user: i.user,
      auth,
      secretId: id,
      hostKey: i.hostKey ?? (sameTarget ? existing.ssh.hostKey : null),
      transfer,
    });
    const h = this.table.get(providerId, i.hostname);
    if (!h) throw new AppError('internal', `The SSH settings of ${i.hostname} were not saved.`);
    return { hostname: h.hostname, ssh: this.sshView(h) };
  }

  /** Connects with the saved settings and checks what backups need on the host (hypervisor-test.ts). */
  test(providerIdOrName: string, hostname: string): Promise<HypervisorTest> {
    const providerId = this.providers.get(providerIdOrName).id;
    const h = this.table.get(providerId, hostname);
    if (!h) throw new AppError('resource.notFound', `No hypervisor ${hostname} in this cloud's inventory. Sync the cloud to refresh it.`);
    if (!h.ssh.address || !h.ssh.user || !h.ssh.secretId) {
      throw new AppError(
        'validation.invalidInput',
        `${hostname} has no SSH settings yet: set them first under Clouds → Hypervisors → SSH settings…, or: backstack hypervisor ssh --provider … --host ${hostname} --address … --user … --key FILE`,
      );
    }
    return testHypervisor(h, () => this.connect(h));
  }

  /** The hypervisor of a server's compute host (Nova's service host or hypervisor hostname), with SSH settings. */
  forServer(providerId: string, host: string | null | undefined, hypervisorHostname?: string | null): StoredHypervisor {
    const rows = this.table.list(providerId);
    const h =
      rows.find((r) => r.hostname === hypervisorHostname) ?? rows.find((r) => r.hostname === host) ?? rows.find((r) => r.data.serviceHost === host);
    if (!h || !h.ssh.address || !h.ssh.user || !h.ssh.secretId) {
      throw new AppError(
        'validation.invalidInput',
        `No SSH settings for the hypervisor ${hypervisorHostname ?? host ?? '(unknown host)'}. Set them under Clouds → Hypervisors, or: backstack hypervisor ssh --provider … --host ${host ?? 'HOST'} --address … --user … --key FILE`,
      );
    }
    return h;
  }

  /** An SSH session to the host; its key is pinned on first use and a change is refused. */
  async connect(h: StoredHypervisor, signal?: AbortSignal): Promise<SshSession> {
    // Read again: another job may have pinned the key since `h` was read.
    const current = this.table.get(h.providerId, h.hostname) ?? h;
    const raw = current.ssh.secretId ? this.secrets().get(current.ssh.secretId) : undefined;
    if (!raw) throw new AppError('auth.failed', `The SSH credentials of ${h.hostname} are missing from the catalog: enter them again.`);
    return SshSession.connect(
      {
        host: current.hostname,
        address: current.ssh.address ?? '',
        port: current.ssh.port,
        user: current.ssh.user ?? '',
        auth: JSON.parse(raw) as SshAuth,
        pinnedHostKey: current.ssh.hostKey,
        onFirstHostKey: (key) => this.table.pinHostKey(current.providerId, current.hostname, key),
      },
      signal,
    );
  }

  /** A host's SSH settings as the contract shows them: the stored key only as its fingerprint, a password not at all. */
  private sshView(h: StoredHypervisor): HypervisorSsh {
    const { address, port, user, auth, hostKey, transfer, secretId: sealed } = h.ssh;
    let key: HypervisorSsh['key'] = null;
    if (auth === 'key' && sealed) {
      const raw = this.secrets().get(sealed);
      const stored = raw ? (JSON.parse(raw) as SshAuth) : null;
      if (stored?.kind === 'key') key = storedKeyIdentity(stored.privateKey, stored.passphrase);
    }
    return { address, port, user, auth, key, hostKey, transfer };
  }

  /** How a host's disks travel: NBD inside the SSH connection, or directly over TLS (its own address unless one is set). */
  transferOf(h: StoredHypervisor): NbdTransfer {
    const t = h.ssh.transfer;
    return t.kind === 'direct' ? { kind: 'direct', address: t.address ?? h.ssh.address ?? '', ports: t.ports } : { kind: 'ssh' };
  }
}

/** Says in the job log how disks travel to or from a host (nothing for the default). */
export function logTransfer(t: NbdTransfer, log: (level: 'info', m: string) => void): void {
  if (t.kind === 'direct') log('info', `Disks travel directly over TLS from ${t.address}, a port in ${t.ports[0]}–${t.ports[1]}.`);
}
