import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { ProxyInput, ProxyView, type ProxyTest } from '../../../shared/domain/proxies';
import { AppError } from '../../../shared/errors/codes';
import type { SecretsTable, SettingsTable } from '../../catalog';
import { toAppError } from '../../lib/errors';
import * as os from '../../openstack';
import { SshSession, type SshAuth } from '../../transfer/libvirt-ssh';
import type { HypervisorsService } from '../hypervisors/hypervisors.service';
import type { ProvidersService } from '../providers/providers.service';
import { withSignedIn } from '../restore/target-cloud';
import { readPrivateKey } from '../hypervisors/ssh-key';

/** Proxies live beside the settings (a short list), their keys or passwords in the sealed secrets. */
const KEY = 'proxies';
const Stored = z.array(ProxyView);
const secretId = (id: string) => `proxy-ssh:${id}`;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

// python3 with hashlib: what the proxy's read program needs (disk-attachment/proxy-read.ts)
const PYTHON_CHECK = ['python3', '-c', 'import hashlib, sys; print(sys.version.split()[0])'];

/**
 * The proxy VMs of the disk-attachment strategy, per cloud: SSH settings with the host key pinned
 * on first use (a change is refused), optionally through a hypervisor as jump host; the proxy
 * for a backup chosen by availability zone.
 */
export class ProxiesService {
  constructor(
    private readonly settings: SettingsTable,
    private readonly secrets: () => SecretsTable,
    private readonly providers: ProvidersService,
    private readonly hypervisors: HypervisorsService,
  ) {}

  list(providerIdOrName?: string): ProxyView[] {
    const all = this.settings.readValue(KEY, Stored) ?? [];
    if (!providerIdOrName) return all;
    const id = this.providers.get(providerIdOrName).id;
    return all.filter((p) => p.providerId === id);
  }

  get(id: string): ProxyView {
    const p = this.list().find((x) => x.id === id || x.serverName === id || x.serverId === id);
    if (!p) throw new AppError('resource.notFound', `No proxy "${id}". List them with: backstack proxy list --provider NAME`);
    return p;
  }

  /** Saves a proxy once its instance is found in the cloud (by id or name). */
  async add(raw: z.input<typeof ProxyInput>, signal?: AbortSignal): Promise<ProxyView> {
    const i = ProxyInput.parse(raw);
    const provider = this.providers.get(i.providerId);
    if (i.privateKey) readPrivateKey(i.privateKey, i.passphrase);
    if (i.viaHypervisor) this.hypervisors.forServer(provider.id, i.viaHypervisor);
    const server = await this.findInstance(provider.id, i.server, signal);
    const all = this.list();
    if (all.some((p) => p.providerId === provider.id && p.serverId === server.id)) throw new AppError('resource.conflict', `${server.name} is a proxy of ${provider.name} already.`);
    const view: ProxyView = {
      id: randomUUID(),
      providerId: provider.id,
      serverId: server.id,
      serverName: server.name,
      availabilityZone: server.availabilityZone ?? null,
      address: i.address,
      port: i.port,
      user: i.user,
      auth: i.privateKey ? 'key' : 'password',
      hostKey: i.hostKey ?? null,
      viaHypervisor: i.viaHypervisor ?? null,
      createdAt: new Date().toISOString(),
    };
    const auth: SshAuth = i.privateKey
      ? { kind: 'key', privateKey: i.privateKey, ...(i.passphrase ? { passphrase: i.passphrase } : {}) }
      : { kind: 'password', password: i.password ?? '' };
    this.secrets().put(secretId(view.id), JSON.stringify(auth));
    this.settings.writeValue(KEY, [...all, view]);
    return view;
  }

  remove(id: string): void {
    const p = this.get(id);
    this.settings.writeValue(
      KEY,
      this.list().filter((x) => x.id !== p.id),
    );
    this.secrets().delete(secretId(p.id));
  }

  /** The proxy a backup of an instance in `zone` uses: one in the same zone, else any of the cloud's. */
  forZone(providerId: string, zone: string | null | undefined): ProxyView {
    const mine = this.list(providerId);
    const p = mine.find((x) => x.availabilityZone === (zone ?? null)) ?? mine[0];
    if (!p) {
      const cloud = this.providers.get(providerId).name;
      throw new AppError(
        'validation.invalidInput',
        `${cloud} has no proxy VM, which the disk-attachment strategy reads volumes on. Add one on the Clouds page (Proxy VMs of ${cloud}), or with: backstack proxy add --provider NAME --server INSTANCE --address IP --user USER --key FILE`,
      );
    }
    return p;
  }

  /** An SSH session to the proxy (through its jump host when it has one); the closer ends both. */
  async connect(p: ProxyView, signal?: AbortSignal): Promise<{ ssh: SshSession; close(): void }> {
    const raw = this.secrets().get(secretId(p.id));
    if (!raw) throw new AppError('auth.failed', `The SSH credentials of the proxy ${p.serverName} are missing from the catalog: remove the proxy and add it again.`);
    const via = p.viaHypervisor ? await this.hypervisors.connect(this.hypervisors.forServer(p.providerId, p.viaHypervisor), signal) : undefined;
    try {
      const ssh = await SshSession.connect(
        {
          host: `proxy ${p.serverName}`,
          address: p.address,
          port: p.port,
          user: p.user,
          auth: JSON.parse(raw) as SshAuth,
          pinnedHostKey: this.get(p.id).hostKey,
          onFirstHostKey: (key) => this.pin(p.id, key),
        },
        signal,
        via,
      );
      return {
        ssh,
        close: () => {
          ssh.close();
          via?.close();
        },
      };
    } catch (e) {
      via?.close();
      throw e;
    }
  }

  /** Connects (pinning the host key on first use), checks python3 and sudo, and finds the instance in Nova. Never throws. */
  async test(id: string): Promise<ProxyTest> {
    const p = this.get(id);
    const r: ProxyTest = { id: p.id, ok: false, hostKey: null, pinnedNow: !p.hostKey, python: null, serverStatus: null, problems: [] };
    try {
      const s = await this.findInstance(p.providerId, p.serverId);
      r.serverStatus = s.status;
      if (s.status !== 'ACTIVE') r.problems.push(`The proxy instance ${s.name} is ${s.status}: start it (volumes are attached to a running proxy).`);
    } catch (e) {
      r.problems.push(toAppError(e).message);
    }
    let conn: Awaited<ReturnType<ProxiesService['connect']>> | null = null;
    try {
      conn = await this.connect(p);
      r.hostKey = conn.ssh.hostKey;
      const sudo = p.user !== 'root' ? ['sudo', '-n'] : [];
      r.python = (await conn.ssh.run([...sudo, ...PYTHON_CHECK])).trim() || null;
    } catch (e) {
      const m = toAppError(e).message;
      r.problems.push(
        conn
          ? `python3 does not run on the proxy${p.user !== 'root' ? ' as root through sudo -n' : ''}: ${m} The disk-attachment strategy runs python3 there to read volumes: install it${p.user !== 'root' ? ', and let the user run it with sudo without a password' : ''}.`
          : m,
      );
    } finally {
      conn?.close();
    }
    r.ok = r.problems.length === 0;
    return r;
  }

  private pin(id: string, key: string): void {
    this.settings.writeValue(
      KEY,
      this.list().map((x) => (x.id === id ? { ...x, hostKey: key } : x)),
    );
  }

  /** The proxy instance in Nova, by id or by a name only one instance carries. */
  private async findInstance(providerId: string, idOrName: string, signal?: AbortSignal): Promise<os.Server> {
    const provider = this.providers.get(providerId);
    return withSignedIn(this.providers.clients(provider.id), signal, async (client) => {
      if (!client) throw new AppError('auth.failed', `Could not sign in to ${provider.name} to find the proxy instance ${idOrName}.`);
      const compute = await client.compute(signal);
      if (UUID.test(idOrName)) return os.getServer(compute, idOrName, signal ? { signal } : {});
      // Nova's name filter is a regular expression matching anywhere: special characters escaped, exact names kept here
      const pattern = idOrName.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      let found = (await os.listServers(compute, { name: pattern, signal }).all()).filter((s) => s.name === idOrName);
      // a proxy in another project: an admin sees it across projects (others are refused: not found)
      if (!found.length) found = (await os.listServers(compute, { name: pattern, allTenants: true, signal }).all().catch(() => [])).filter((s) => s.name === idOrName);
      if (found.length !== 1) {
        throw new AppError('validation.invalidInput', found.length ? `${found.length} instances are named ${idOrName}: give the proxy's id.` : `No instance named ${idOrName} in ${provider.name} (as this account sees it).`);
      }
      return found[0]!;
    });
  }
}
