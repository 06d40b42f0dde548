import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PostedNotification } from '../../shared/domain/notifications';
import { closedPort, startMailServer, type TestMailServer } from '../lib/testing/smtp-server';
import { standardCloud } from '../openstack/testing/fixtures';
import type { MockCloud } from '../openstack/testing/mock-cloud';
import type { Core } from './create-core';
import { addMockCloud, ok, openTestCore, type TestCore } from './testing';

// A policy's backups against the MockAgent cloud, whose hypervisor SSH port refuses: each backup
// fails, and the policy's rules send what a real SMTP server (started here) receives.
let t: TestCore;
let core: Core;
let cloud: MockCloud;
let mail: TestMailServer;
let providerId: string;
let posted: PostedNotification[];
beforeEach(async () => {
  cloud = standardCloud();
  mail = await startMailServer();
  ({ core } = t = openTestCore('backstack-notify-', { openstackDispatcher: cloud.agent }));
  posted = [];
  core.bus.on('notifications.posted', (n) => posted.push(n));
  providerId = await addMockCloud(core, cloud.authUrl);
  ok(await core.api.invoke('destinations.create', { name: 'local', path: path.join(t.dir, 'repo') }));
  ok(await core.api.invoke('hypervisors.setSsh', { providerId, hostname: 'compute-1.example.org', address: '127.0.0.1', port: await closedPort(), user: 'root', password: 'x' }));
  ok(await core.api.invoke('notifications.setSmtp', { host: '127.0.0.1', port: mail.port, security: 'none', from: 'backstack@example.org' }));
});
afterEach(async () => {
  await t.close();
  await cloud.close();
  await mail.close();
});

async function policyOf(members: string[], notifications: object): Promise<string> {
  const p = ok(await core.api.invoke('policies.create', { spec: { name: 'nightly', destination: 'local', notifications } }));
  ok(await core.api.invoke('policies.assign', { id: p.id, instances: members.map((instanceId) => ({ providerId, instanceId })) }));
  return p.id;
}

describe('notifications of a policy', () => {
  it('e-mail a failed backup naming the instance, the cloud and the reason; and show it on the desktop', async () => {
    const id = await policyOf(['s-web'], { emails: ['ops@example.org'] });
    const [jobId] = ok(await core.api.invoke('policies.run', { id })).jobIds;
    await core.jobs.whenIdle();
    await core.notifier.idle();
    const job = ok(await core.api.invoke('jobs.get', { id: jobId as string }));
    expect(job.state).toBe('failed');
    expect(mail.received).toHaveLength(1);
    const [m] = mail.received;
    expect(m?.to).toEqual(['ops@example.org']);
    expect(m?.subject).toBe('Backstack: Backup of demo-web-1 (cloud mock) failed');
    expect(m?.text).toContain(`Reason: ${job.error?.message}`);
    expect(m?.text).toContain('Instance: demo-web-1 (s-web), cloud mock.');
    expect(m?.text).toContain(`backstack jobs show ${jobId}`);
    expect(m?.text).toContain('Policy: nightly');
    expect(posted).toEqual([{ title: 'Backup of demo-web-1 (cloud mock) failed', body: `Reason: ${job.error?.message}`, level: 'error', kinds: ['failure'] }]);
    expect(ok(await core.api.invoke('notifications.getSmtp', {})).smtp?.lastSent?.to).toEqual(['ops@example.org']);
  });

  it('send several failures of one run as one e-mail, not one each', async () => {
    const id = await policyOf(['s-web', 's-bfv'], { emails: ['ops@example.org', 'oncall@example.org'], desktop: false });
    expect(ok(await core.api.invoke('policies.run', { id })).jobIds).toHaveLength(2);
    await core.jobs.whenIdle();
    await core.notifier.idle();
    expect(mail.received).toHaveLength(1);
    const [m] = mail.received;
    expect(m?.to).toEqual(['ops@example.org', 'oncall@example.org']);
    expect(m?.subject).toBe('Backstack: 2 backups failed (policy nightly)');
    expect(m?.text).toMatch(/Backup of demo-bfv-1 \(cloud mock\) failed[\s\S]*Backup of demo-web-1 \(cloud mock\) failed|Backup of demo-web-1 \(cloud mock\) failed[\s\S]*Backup of demo-bfv-1 \(cloud mock\) failed/);
    expect(posted).toEqual([]); // the policy asked for no desktop notification
  });

  it('says on the desktop, and in Settings, when e-mail cannot go out', async () => {
    const id = await policyOf(['s-web'], { emails: ['ops@example.org'], desktop: false });
    ok(await core.api.invoke('notifications.setSmtp', { host: '127.0.0.1', port: await closedPort(), security: 'none', from: 'backstack@example.org' }));
    ok(await core.api.invoke('policies.run', { id }));
    await core.jobs.whenIdle();
    await core.notifier.idle();
    expect(posted).toHaveLength(1);
    expect(posted[0]).toMatchObject({ title: 'E-mail notification not sent', level: 'error', kinds: ['delivery'] });
    expect(posted[0]?.body).toMatch(/^E-mail "Backstack: Backup of demo-web-1 \(cloud mock\) failed" to ops@example\.org was not sent: Nothing accepts connections at 127\.0\.0\.1:\d+ \(connection refused\): check the host and the port/);
  });
});
