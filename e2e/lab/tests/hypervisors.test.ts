// A hypervisor's connection test against the lab's real KVM hosts: SSH with the saved settings, the
// host key pinned on first use and a changed one refused, libvirt answering, the tools backups run.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCloud } from './support/cloud';
import { closeInstallation, openInstallation, unwrap, type Installation } from './support/backstack';
import { loadHypervisors, type Hypervisor } from './support/ssh';

let i: Installation | undefined;
let kvm1: Hypervisor;
let kvm2: Hypervisor;
const fingerprint = (hv: Hypervisor) => (hv.ssh as { hostKeyFingerprint?: string }).hostKeyFingerprint as string;

beforeAll(async () => {
  [kvm1, kvm2] = ['lab-kvm-1', 'lab-kvm-2'].map((h) => loadHypervisors().find((x) => x.host === h)!) as [Hypervisor, Hypervisor];
  i = await openInstallation('hvtest', loadCloud(), []);
  const { jobId } = unwrap(await i.core.api.invoke('inventory.startSync', { providerId: i.providerId }));
  await i.core.jobs.whenIdle();
  expect(i.core.jobs.get(jobId).state).toBe('succeeded');
}, 300_000);
afterAll(() => closeInstallation(i));

const setSsh = async (hv: Hypervisor, extra: { user?: string; hostKey?: string } = {}) =>
  unwrap(
    await i!.core.api.invoke('hypervisors.setSsh', {
      providerId: i!.providerId,
      hostname: hv.host,
      address: hv.ssh.address,
      port: hv.ssh.port,
      user: extra.user ?? hv.ssh.user,
      privateKey: readFileSync(hv.ssh.keyPath, 'utf8'),
      ...(extra.hostKey ? { hostKey: extra.hostKey } : {}),
    }),
  );
const test = async (hv: Hypervisor) => unwrap(await i!.core.api.invoke('hypervisors.test', { providerId: i!.providerId, hostname: hv.host }));

describe('testing a hypervisor', () => {
  it('connects, pins the host key on first use, and finds libvirt and every tool backups run', async () => {
    await setSsh(kvm1);
    const first = await test(kvm1);
    expect(first.problems).toEqual([]);
    expect(first.ok).toBe(true);
    expect(first.pinnedNow).toBe(true);
    expect(first.hostKey).toContain(fingerprint(kvm1));
    expect(first.libvirt).toMatch(/libvirt/i);
    expect(first.tools.map((t) => [t.name, t.path !== null])).toEqual([
      ['virsh', true],
      ['qemu-img', true],
      ['qemu-nbd', true],
      ['rbd', true],
    ]);
    const listed = unwrap(await i!.core.api.invoke('hypervisors.list', { providerId: i!.providerId })).items.find((h) => h.hostname === kvm1.host);
    expect(listed?.ssh.hostKey).toBe(first.hostKey);
    const again = await test(kvm1);
    expect([again.ok, again.pinnedNow]).toEqual([true, false]);
  });

  it('refuses a host whose key is not the pinned one, naming both keys, and changes nothing', async () => {
    await setSsh(kvm1, { hostKey: `ssh-ed25519 ${fingerprint(kvm2)}` });
    const r = await test(kvm1);
    expect(r.ok).toBe(false);
    expect(r.hostKey).toBeNull();
    expect(r.problems.join(' ')).toContain(fingerprint(kvm2));
    expect(r.problems.join(' ')).toContain(fingerprint(kvm1));
    await setSsh(kvm1, { hostKey: `ssh-ed25519 ${fingerprint(kvm1)}` });
    expect((await test(kvm1)).ok).toBe(true);
  });

  it('names a login the host refuses', async () => {
    await setSsh(kvm2, { user: 'backstack-no-such-user', hostKey: `ssh-ed25519 ${fingerprint(kvm2)}` });
    const r = await test(kvm2);
    expect(r.ok).toBe(false);
    expect(r.problems).toHaveLength(1);
    expect(r.problems[0]).toMatch(/backstack-no-such-user/);
  });
});
