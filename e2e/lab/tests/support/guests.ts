// Throwaway servers for the libvirt-strategy tests, guest writes without a guest OS, and what
// is left on a hypervisor (overlays, RBD snapshots, qemu-nbd) after a run.
import { readFileSync } from 'node:fs';
import { SshSession, type SshTarget } from '../../../../electron/transfer/libvirt-ssh/ssh';
import { dumpDomain } from '../../../../electron/transfer/libvirt-ssh/snapshot-ops';
import type { Session } from './cloud';
import { until } from './lab';
import { COMPUTE_MICROVERSION, type Server } from './nova';
import type { Hypervisor } from './ssh';

export const sshTargetOf = (hv: Hypervisor, address = hv.ssh.address, port = hv.ssh.port): SshTarget => ({
  host: hv.host,
  address,
  port,
  user: hv.ssh.user,
  auth: { kind: 'key', privateKey: readFileSync(hv.ssh.keyPath, 'utf8') },
  pinnedHostKey: (hv.ssh as { hostKeyFingerprint?: string }).hostKeyFingerprint ?? null,
});

export const connect = (hv: Hypervisor): Promise<SshSession> => SshSession.connect(sshTargetOf(hv));

const compute = (os: Session, path: string, opts: { method?: string; body?: unknown; expect?: number[] } = {}) =>
  os.request<{ server: Server }>('compute', path, { microversion: COMPUTE_MICROVERSION, ...opts });

export async function findByName<T extends { id: string; name: string }>(os: Session, type: string, path: string, key: string, name: string): Promise<T> {
  const list = (await os.request<Record<string, T[]>>(type, path))[key] ?? [];
  const x = list.find((i) => i.name === name);
  if (!x) throw new Error(`no ${name} in ${path}`);
  return x;
}

/** A server in the admin project, ACTIVE, with its admin attributes. */
export async function createServer(os: Session, o: { name: string; image: string; flavor: string; network: string; zone?: string }): Promise<Server> {
  const image = await findByName<{ id: string; name: string }>(os, 'image', '/v2/images?limit=200', 'images', o.image);
  const flavor = await findByName<{ id: string; name: string }>(os, 'compute', '/flavors', 'flavors', o.flavor);
  const network = await findByName<{ id: string; name: string }>(os, 'network', '/v2.0/networks', 'networks', o.network);
  const { server } = await compute(os, '/servers', {
    method: 'POST',
    expect: [202],
    body: { server: { name: o.name, imageRef: image.id, flavorRef: flavor.id, networks: [{ uuid: network.id }], ...(o.zone ? { availability_zone: o.zone } : {}) } },
  });
  return waitServer(os, server.id, 'ACTIVE');
}

export async function waitServer(os: Session, id: string, status: string): Promise<Server> {
  return until(`server ${id} ${status}`, async () => {
    const { server } = await compute(os, `/servers/${id}`);
    if (server.status === 'ERROR') throw new Error(`server ${id} went to ERROR`);
    return server.status === status && !server['OS-EXT-STS:task_state'] ? server : undefined;
  }, { timeoutMs: 600_000, intervalMs: 2_000 });
}

export async function deleteServer(os: Session, id: string): Promise<void> {
  await compute(os, `/servers/${id}`, { method: 'DELETE', expect: [204, 404] }).catch(() => undefined);
  await until(`server ${id} deleted`, async () => {
    try {
      await compute(os, `/servers/${id}`);
      return false;
    } catch (e) {
      return /404/.test((e as Error).message) ? true : Promise.reject(e);
    }
  }, { timeoutMs: 300_000, intervalMs: 2_000 });
}

export async function createVolume(os: Session, name: string, sizeGiB: number): Promise<string> {
  const { volume } = await os.request<{ volume: { id: string } }>('volumev3', '/volumes', { method: 'POST', expect: [202], body: { volume: { name, size: sizeGiB, volume_type: 'ceph-rbd' } } });
  await waitVolume(os, volume.id, 'available');
  return volume.id;
}

export async function waitVolume(os: Session, id: string, status: string): Promise<void> {
  await until(`volume ${id} ${status}`, async () => {
    const { volume } = await os.request<{ volume: { status: string } }>('volumev3', `/volumes/${id}`);
    if (volume.status.startsWith('error')) throw new Error(`volume ${id} is ${volume.status}`);
    return volume.status === status;
  }, { timeoutMs: 300_000, intervalMs: 2_000 });
}

export async function attachVolume(os: Session, serverId: string, volumeId: string): Promise<void> {
  await os.request('compute', `/servers/${serverId}/os-volume_attachments`, { method: 'POST', body: { volumeAttachment: { volumeId } } });
  await waitVolume(os, volumeId, 'in-use');
}

/** Deletes a volume once it is no longer attached (a deleted server detaches it asynchronously). */
export async function deleteVolume(os: Session, id: string): Promise<void> {
  await until(`volume ${id} detached`, async () => {
    try {
      const { volume } = await os.request<{ volume: { status: string } }>('volumev3', `/volumes/${id}`);
      return !['in-use', 'detaching', 'attaching', 'reserved'].includes(volume.status);
    } catch (e) {
      return /404/.test((e as Error).message) ? true : Promise.reject(e);
    }
  }, { timeoutMs: 180_000, intervalMs: 2_000 });
  await os.request('volumev3', `/volumes/${id}`, { method: 'DELETE', expect: [202, 404] });
}

/**
 * Writes a byte pattern through the guest's own virtio-blk backend (HMP qemu-io on the device's
 * QOM path): the write lands where guest I/O would, in the active overlay.
 */
export async function guestWrite(ssh: SshSession, domain: string, target: string, pattern: number, offset: string, length: string): Promise<void> {
  const d = (await dumpDomain(ssh, domain)).disks.find((x) => x.target === target);
  if (!d?.alias) throw new Error(`${domain} has no disk ${target}`);
  const hmp = `qemu-io -d /machine/peripheral/${d.alias}/virtio-backend "write -P 0x${pattern.toString(16)} ${offset} ${length}"`;
  const out = await ssh.run(['virsh', 'qemu-monitor-command', '--domain', domain, '--hmp', hmp]);
  if (out.trim()) throw new Error(`guest write on ${domain} ${target}: ${out.trim()}`);
}

/**
 * Files of our qemu-nbd servers in the host's /tmp that no process uses any more (leaks). The lab's
 * hosts share this machine's /tmp and process table, and other tests run beside ours: a file
 * whose socket name is still in some process's command line belongs to a server at work.
 */
export async function staleNbdFiles(ssh: SshSession): Promise<string[]> {
  const files = (await ssh.run(['find', '/tmp', '-maxdepth', '1', '-name', 'backstack-nbd-*'])).split('\n').filter(Boolean);
  const running = await ssh.run(['sh', '-c', 'pgrep -af backstack-nbd- || true']);
  return files.filter((f) => !running.includes(/^\/tmp\/backstack-nbd-[0-9a-f]+/.exec(f)?.[0] ?? f)).sort();
}

/** What is ours on a hypervisor: overlay files, backstack RBD snapshots of the given images, qemu-nbd processes serving them. */
export async function leftovers(ssh: SshSession, instancesPath: string, rbdImages: string[]): Promise<{ overlays: string[]; rbdSnaps: string[]; nbd: string[] }> {
  const overlays = (await ssh.run(['find', instancesPath, '-name', '*.bsk-*'])).split('\n').filter(Boolean).sort();
  const rbdSnaps: string[] = [];
  for (const img of rbdImages) {
    const snaps = JSON.parse(await ssh.run(['rbd', '--id', 'cinder', 'snap', 'ls', '--format', 'json', img])) as { name: string }[];
    rbdSnaps.push(...snaps.filter((s) => s.name.startsWith('backstack-')).map((s) => `${img}@${s.name}`));
  }
  // only those serving these disks: the hosts share the machine's process table, and other tests run beside ours
  const ours = (line: string) => line.includes(instancesPath) || rbdImages.some((img) => line.includes(img.slice(img.indexOf('/') + 1)));
  const nbd = (await ssh.run(['sh', '-c', 'pgrep -a qemu-nbd | grep backstack-nbd || true'])).split('\n').filter(Boolean).filter(ours);
  return { overlays, rbdSnaps: rbdSnaps.sort(), nbd };
}
