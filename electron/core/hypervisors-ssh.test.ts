import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { standardCloud } from '../openstack/testing/fixtures';
import type { MockCloud } from '../openstack/testing/mock-cloud';
import type { Core } from './create-core';
import { addMockCloud, ok, openTestCore, type TestCore } from './testing';

// SSH settings of a synced cloud's hypervisors through the contract: the private key and the
// password are write-only, the key shows as its fingerprint, and an edit keeps what it leaves out.
let t: TestCore;
let core: Core;
let cloud: MockCloud;
const host = 'compute-1.example.org';
beforeEach(async () => {
  cloud = standardCloud();
  ({ core } = t = openTestCore('backstack-hypervisor-ssh-', { openstackDispatcher: cloud.agent }));
  await addMockCloud(core, cloud.authUrl);
});
afterEach(async () => {
  await t.close();
  await cloud.close();
});

function keygen(passphrase: string): { key: string; fingerprint: string } {
  const file = path.join(t.dir, 'id_ed25519');
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', passphrase, '-C', 'backstack@test', '-f', file]);
  const fingerprint = execFileSync('ssh-keygen', ['-lf', `${file}.pub`])
    .toString()
    .split(' ')[1]!;
  return { key: fs.readFileSync(file, 'utf8'), fingerprint };
}
const base = { providerId: 'mock', hostname: host, address: '192.0.2.11', user: 'root' };
const listed = async () => ok(await core.api.invoke('hypervisors.list', { providerId: 'mock' })).items.find((h) => h.hostname === host)!;
/** Every line of the key's body, and the passphrase: none of it may leave the core. */
const material = (key: string, ...secrets: string[]) => [...key.split('\n').filter((l) => l && !l.startsWith('-----')), ...secrets];

describe('hypervisor SSH settings', () => {
  it('show a stored key only as its fingerprint, never the key or its passphrase', async () => {
    const k = keygen('key passphrase');
    const saved = ok(await core.api.invoke('hypervisors.setSsh', { ...base, privateKey: k.key, passphrase: 'key passphrase' }));
    expect(saved.ssh).toMatchObject({ auth: 'key', key: { type: 'ssh-ed25519', fingerprint: k.fingerprint } });
    const h = await listed();
    expect(h.ssh.key).toEqual({ type: 'ssh-ed25519', fingerprint: k.fingerprint });
    const wire = JSON.stringify([saved, ok(await core.api.invoke('hypervisors.list', { providerId: 'mock' }))]);
    for (const m of material(k.key, 'key passphrase', 'hypervisor-ssh:')) expect(wire).not.toContain(m);
  });

  it('keep the stored key when an edit gives none, and replace it when it gives one', async () => {
    const first = keygen('');
    ok(await core.api.invoke('hypervisors.setSsh', { ...base, privateKey: first.key }));
    const kept = ok(await core.api.invoke('hypervisors.setSsh', { ...base, user: 'backstack', transfer: 'direct' }));
    expect(kept.ssh).toMatchObject({ user: 'backstack', auth: 'key', key: { fingerprint: first.fingerprint }, transfer: { kind: 'direct' } });
    fs.rmSync(path.join(t.dir, 'id_ed25519'));
    fs.rmSync(path.join(t.dir, 'id_ed25519.pub'));
    const second = keygen('');
    expect(second.fingerprint).not.toBe(first.fingerprint);
    ok(await core.api.invoke('hypervisors.setSsh', { ...base, privateKey: second.key }));
    expect((await listed()).ssh.key?.fingerprint).toBe(second.fingerprint);
  });

  it('say only that a password is stored, and keep it across edits', async () => {
    ok(await core.api.invoke('hypervisors.setSsh', { ...base, password: 'hv-root-password' }));
    const edited = ok(await core.api.invoke('hypervisors.setSsh', { ...base, port: 2222 }));
    expect(edited.ssh).toMatchObject({ auth: 'password', key: null, port: 2222 });
    expect(JSON.stringify(ok(await core.api.invoke('hypervisors.list', { providerId: 'mock' })))).not.toContain('hv-root-password');
    // A password is sent to the host: kept only for the address it was saved for.
    const moved = await core.api.invoke('hypervisors.setSsh', { ...base, address: '198.51.100.7', port: 2222 });
    expect(moved.ok === false && moved.error.message).toMatch(/address of compute-1.example.org changed: enter its password again/);
    expect((await listed()).ssh).toMatchObject({ address: '192.0.2.11', port: 2222 });
  });

  it('refuse a key that cannot be used, and settings without any secret for a host that has none', async () => {
    const locked = keygen('the passphrase');
    const noPassphrase = await core.api.invoke('hypervisors.setSsh', { ...base, privateKey: locked.key });
    expect(noPassphrase.ok === false && noPassphrase.error.message).toMatch(/The private key cannot be read .*passphrase/);
    const none = await core.api.invoke('hypervisors.setSsh', base);
    expect(none.ok === false && none.error.message).toBe(`${host} has no stored key or password yet: give a private key or a password.`);
    expect((await listed()).ssh).toMatchObject({ address: null, auth: null, key: null });
  });
});
