import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppErrorPayload } from '../../shared/errors/codes';
import { requestNames, requests, type InputOf, type RequestName } from '../../shared/ipc/contract';
import { createLogger } from '../lib/logger';
import { keyFileProtector } from '../lib/secret-box';
import { createCore, type Core } from './create-core';
import { createHandlers } from './handlers';

let dir: string;
let core: Core;
const jsonRoundTrip = <T>(v: T): unknown => JSON.parse(JSON.stringify(v));

/**
 * A valid input for every request: the mapped type makes a new request without an example a
 * compile error. Ids point at nothing unless the setup below creates them.
 */
const examples = (): { [N in RequestName]: InputOf<N> } => ({
  'app.getStatus': {},
  'settings.get': {},
  'settings.update': { theme: 'dark', maxConcurrentJobs: 3 },
  'providers.list': {},
  'providers.test': { provider: { name: 'c', authUrl: 'http://127.0.0.1:9/v3', authDomains: [{ name: 'Default', userName: 'u', password: 'p' }] } },
  'providers.add': { provider: { name: 'c', authUrl: 'http://127.0.0.1:9/v3', authDomains: [{ name: 'Default', userName: 'u', password: 'p' }] } },
  'providers.update': {
    id: 'no-such-cloud',
    provider: { name: 'c', authUrl: 'http://127.0.0.1:9/v3', authDomains: [{ id: 'ad', name: 'Default', userName: 'u' }] },
  },
  'providers.retest': { id: 'no-such-cloud' },
  'providers.remove': { id: 'no-such-cloud' },
  'jobs.list': { limit: 10 },
  'jobs.get': { id: 'no-such-job' },
  'jobs.getLog': { id: 'no-such-job' },
  'jobs.cancel': { id: 'no-such-job' },
  'jobs.retry': { id: 'no-such-job' },
  'inventory.startSync': { providerId: 'no-such-cloud' },
  'inventory.listChildren': { providerId: 'p', parent: { kind: 'provider' } },
  'inventory.listInstances': { includeVanished: true },
  'inventory.getInstance': { providerId: 'p', id: 'i' },
  'inventory.listResources': { providerId: 'p', kind: 'flavor' },
  'hypervisors.list': { providerId: 'no-such-cloud' },
  'hypervisors.setSsh': { providerId: 'no-such-cloud', hostname: 'kvm-1', address: '10.0.0.1', user: 'root', password: 'pw' },
  'hypervisors.test': { providerId: 'no-such-cloud', hostname: 'kvm-1' },
  'backups.start': { providerId: 'no-such-cloud', instanceId: 'i' },
  'backups.list': {},
  'backups.releaseSnapshot': { providerId: 'no-such-cloud', instanceId: 'i' },
  'backups.cleanup': { providerId: 'no-such-cloud', dryRun: true },
  'backups.setProtected': { destinationId: 'local', backupId: 'g/2026-01-01T00-00-00.000Z', protected: true },
  'restore.start': { backupId: 'g/2026-01-01T00-00-00.000Z' },
  'restore.preflight': { backupId: 'g/2026-01-01T00-00-00.000Z' },
  'restore.describe': { backupId: 'g/2026-01-01T00-00-00.000Z' },
  'restore.volume': { backupId: 'g/2026-01-01T00-00-00.000Z', disk: 'vdb' },
  'restore.volumePreflight': { backupId: 'g/2026-01-01T00-00-00.000Z', disk: 'vdb' },
  'restore.inPlace': { backupId: 'g/2026-01-01T00-00-00.000Z', instanceId: 'srv-1', disks: ['vda'] },
  'restore.verify': { backupId: 'g/2026-01-01T00-00-00.000Z', sandboxProjectId: 'p-sandbox' },
  'restore.verifySandbox': { providerId: 'mock' },
  'destinations.list': {},
  'destinations.getStats': { id: 'local' },
  'destinations.create': { name: 'second', path: path.join(dir, 'second') },
  'destinations.add': { name: 'third', path: path.join(dir, 'missing') },
  'destinations.remove': { id: 'no-such-destination' },
  'destinations.setDefault': { id: 'local' },
  'destinations.startVerify': { id: 'local' },
  'destinations.previewPrune': { id: 'local', keep: { last: 1 } },
  'destinations.startPrune': { id: 'local', keep: { last: 1 } },
  'destinations.startGc': { id: 'local' },
  'destinations.setGcSchedule': { id: 'local', schedule: null },
  'destinations.startReindex': { id: 'local' },
  'catalog.startBackup': { file: path.join(dir, 'catalog-copy.sqlite') },
  'policies.list': {},
  'policies.get': { id: 'no-such-policy' },
  'policies.create': { spec: { name: 'nightly', destination: 'local', rules: { tags: ['prod'] }, schedules: [{ id: 'n', form: 'daily', at: '01:00' }], retention: { daily: 7 } } },
  'policies.update': { id: 'no-such-policy', spec: { name: 'x', destination: 'local' } },
  'policies.remove': { id: 'no-such-policy' },
  'policies.preview': { spec: { name: 'draft', destination: 'local', rules: { includeNames: ['^web'] } } },
  'policies.simulate': { schedules: [{ id: 'n', form: 'daily', at: '01:00' }], retention: { daily: 7 } },
  'policies.assign': { id: 'no-such-policy', instances: [{ providerId: 'p', instanceId: 'i' }] },
  'policies.unassign': { id: 'no-such-policy', instances: [{ providerId: 'p', instanceId: 'i' }] },
  'policies.run': { id: 'no-such-policy' },
  'scheduler.status': {},
  'notifications.getSmtp': {},
  'notifications.setSmtp': { host: '127.0.0.1', port: 9, security: 'starttls', user: 'alerts', password: 'p', from: 'backstack@example.org' },
  'notifications.sendTest': { to: ['ops@example.org'] },
  'dashboard.get': {},
  'dashboard.memberStatus': { policyId: 'missing' },
  'snapshots.list': { providerId: 'missing', instanceId: 'missing' },
  'snapshots.create': { providerId: 'missing', instanceId: 'missing', name: 'snap' },
  'snapshots.delete': { providerId: 'missing', instanceId: 'missing', kind: 'instance', id: 'missing' },
  'exports.start': { backupId: 'g/2026-01-01T00-00-00.000Z', disk: 'vda', listen: '127.0.0.1:0' },
  'exports.list': {},
  'exports.stop': { id: 'no-such-export' },
  'files.volumes': { backupId: 'no-such-vm/2026-12-01T00-00-00.000Z' },
  'files.list': { backupId: 'no-such-vm/2026-12-01T00-00-00.000Z', path: '/etc' },
  'files.read': { backupId: 'no-such-vm/2026-12-01T00-00-00.000Z', path: '/etc/hostname' },
  'files.prepareDownload': { backupId: 'no-such-vm/2026-12-01T00-00-00.000Z', paths: ['/etc/hostname'] },
  'files.prepareDrag': { backupId: 'no-such-vm/2026-12-01T00-00-00.000Z', paths: ['/etc/hostname'] },
  'files.startRestore': { backupId: 'no-such-vm/2026-12-01T00-00-00.000Z', paths: ['/etc/hostname'], out: path.join(dir, 'restored') },
  'files.startRestoreToGuest': { backupId: 'no-such-vm/2026-12-01T00-00-00.000Z', paths: ['/etc/hostname'], instanceId: 'no-such-vm', guestPath: '/root/restored' },
  'files.search': { pattern: '*.conf', instanceId: 'no-such-vm' },
  'files.startIndex': { restorePoints: [{ backupId: 'no-such-vm/2026-12-01T00-00-00.000Z' }] },
  'copies.listTargets': {},
  'copies.addTarget': { name: 'offsite', endpoint: 'http://127.0.0.1:1', bucket: 'backstack-copies', accessKeyId: 'AK', secretAccessKey: 'SK', lock: { mode: 'governance', days: 30 } },
  'copies.testTarget': { id: 'no-such-target' },
  'copies.start': { destinationId: 'local', targetId: 'no-such-target' },
  'copies.startPull': { targetId: 'no-such-target', path: path.join(dir, 'pulled') },
  'copies.removeTarget': { id: 'offsite' },
  'backups.startVolume': { providerId: 'no-such-cloud', volumeId: 'v-1' },
  'proxies.list': { providerId: 'no-such-cloud' },
  'proxies.add': { providerId: 'no-such-cloud', server: 'backstack-proxy', address: '10.0.0.5', user: 'root', password: 'pw' },
  'proxies.test': { id: 'no-such-proxy' },
  'proxies.remove': { id: 'no-such-proxy' },
});

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'backstack-contract-'));
  core = createCore({ dataDir: path.join(dir, 'home'), runtime: 'cli', version: 't', logger: createLogger(() => undefined), keyProtector: keyFileProtector(dir) });
  const r = await core.api.invoke('destinations.create', { name: 'local', path: path.join(dir, 'local') });
  expect(r.ok).toBe(true);
});
afterAll(async () => {
  await core.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('the contract', () => {
  it('has exactly one handler per request name', () => {
    expect(Object.keys(createHandlers(core.services)).sort()).toEqual([...requestNames].sort());
  });

  it('takes each example input as valid, and the input survives JSON (the console transport)', () => {
    for (const [name, input] of Object.entries(examples()) as [RequestName, unknown][]) {
      const schema = requests[name].input;
      const parsed = schema.safeParse(input);
      expect(parsed.success, `${name}: ${parsed.error?.message ?? ''}`).toBe(true);
      expect(schema.parse(jsonRoundTrip(input)), name).toEqual(parsed.data);
    }
  });

  it('answers each request with a value that survives JSON unchanged, or with a well-formed error that is not a crash', async () => {
    for (const [name, input] of Object.entries(examples()) as [RequestName, unknown][]) {
      const r = await core.dispatch(name, input);
      if (r.ok) {
        const wire = jsonRoundTrip(r.value);
        expect(wire, `${name} output changed over JSON`).toEqual(r.value);
        expect(requests[name].output.parse(wire), name).toEqual(r.value);
      } else {
        expect(AppErrorPayload.safeParse(r.error).success, name).toBe(true);
        // A valid example never fails validation, and no request crashes.
        expect([name, r.error.code]).not.toEqual([name, 'validation.invalidInput']);
        expect([name, r.error.code]).not.toEqual([name, 'internal']);
      }
    }
    await core.jobs.whenIdle();
  });
});
