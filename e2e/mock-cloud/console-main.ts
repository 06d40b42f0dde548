// The process behind the journeys' mockCloud fixture (e2e/fixtures/mock-cloud-console.ts) (run with tsx: the core's TypeScript, its
// workers and import.meta as the CLI runs them from source): a console whose core talks to the
// MockAgent cloud. It prints one JSON line when it listens, then obeys one command per stdin line
// and answers "ok COMMAND" (or "error COMMAND: message") on stdout.
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { startConsoleServer } from '../../electron/console/server';
import { createCore } from '../../electron/core/create-core';
import { backupDisk, fileSource } from '../../electron/engine';
import { mkfsExt4, writeTree } from '../../electron/filesystems/testing/images';
import { createLogger } from '../../electron/lib/logger';
import { keyFileProtector } from '../../electron/lib/secret-box';
import { adminClient, makeServer, standardCloud } from '../../electron/openstack/testing/fixtures';
import { ORIGINS } from '../../electron/openstack/testing/mock-cloud';
import { cloudIdentity } from '../../electron/services/providers/cloud-identity';
import { FakeGuest, fakeGuestAgents } from '../../electron/services/files/guest-testing';
import { fakeRestoreHosts, writeInstanceRestorePoint, writeVolumeRestorePoint } from '../../electron/services/restore/testing';

const root = path.resolve(__dirname, '../..');
const home = process.env.BACKSTACK_HOME;
if (!home) throw new Error('BACKSTACK_HOME is not set');

async function main(): Promise<void> {
  const cloud = standardCloud();
  const guest = new FakeGuest();
  guest.put('/etc/hostname', 'edited in the guest\n');
  // Restores write on fake hypervisors, each disk held half-written until "finish-disk-writes".
  let finishWrites = (): void => undefined;
  const writesFinished = new Promise<void>((resolve) => (finishWrites = resolve));
  const core = createCore({
    dataDir: home!,
    runtime: 'console',
    version: 'e2e',
    logger: createLogger(() => undefined),
    keyProtector: keyFileProtector(home!),
    openstackDispatcher: cloud.agent,
    openstackClock: cloud.clock,
    restoreHosts: fakeRestoreHosts([], () => writesFinished),
    // every instance's guest agent is this fake guest, which has an /etc/hostname edited since the backups
    guestAgents: fakeGuestAgents(guest, 'demo-web-1'),
  });
  const server = await startConsoleServer({ core, staticDir: path.join(root, 'out/renderer') });
  const must = <T>(r: { ok: true; value: T } | { ok: false; error: { message: string } }): T => {
    if (!r.ok) throw new Error(r.error.message);
    return r.value;
  };
  const addCloud = (name: string) =>
    core.api.invoke('providers.add', {
      provider: {
        name,
        authUrl: cloud.authUrl,
        authDomains: [{ name: 'Default', userName: 'admin', password: 'admin-pass', defaultProject: 'admin' }],
      },
    });

  /** the cloud "lab", synced, and the destination "local" */
  const labAndDestination = async () => {
    const provider = must(await addCloud('lab'));
    must(await core.api.invoke('inventory.startSync', { providerId: provider.id }));
    await core.jobs.whenIdle();
    const { destination } = must(await core.api.invoke('destinations.create', { name: 'local', path: path.join(home!, 'repo') }));
    const img = path.join(home!, 'disk.img');
    fs.writeFileSync(img, Buffer.alloc(1024 * 1024, 'backstack '));
    return { provider, destination, img };
  };

  const commands: Record<string, (arg?: string) => Promise<void>> = {
    /** this workstation has no route to Nova's public endpoint (connection refused) */
    'refuse-nova-public': async () => {
      cloud.inject(
        (r) => r.origin === ORIGINS.nova,
        () => Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
        Number.MAX_SAFE_INTEGER,
      );
    },
    'add-cloud': async () => void must(await addCloud('mock')),
    /** an empty destination "local", the default one */
    'add-destination': async () => void must(await core.api.invoke('destinations.create', { name: 'local', path: path.join(home!, 'repo') })),
    /** the cloud "lab" synced, and a destination "local" with two restore points of two of its instances and one of another workstation's cloud */
    'seed-restore-points': async () => {
      const { provider, destination, img } = await labAndDestination();
      const repo = await core.services.destinations.open(destination.id);
      try {
        for (const source of [
          { providerId: provider.id, resourceId: 's-web', resourceName: 'demo-web-1', projectId: 'p-demo' },
          { providerId: provider.id, resourceId: 's-app', resourceName: 'acme-app-1', projectId: 'p-prod' },
          { providerId: 'another-workstations-cloud', resourceId: 's-gone', resourceName: 'old-db', projectId: 'p-x' },
        ]) {
          for (let i = 0; i < 2; i++)
            await backupDisk(repo, { group: source.resourceId, name: 'vda', source: fileSource(img), sourceInfo: { kind: 'instance', ...source } });
        }
      } finally {
        await repo.close();
      }
      await core.services.destinations.reindex(destination.id);
    },
    /** the cloud "lab" synced, and in the destination "local" a restore point of demo-web-1 with its metadata and disks */
    'seed-instance-restore-point': async () => {
      const { provider, destination, img } = await labAndDestination();
      const repo = await core.services.destinations.open(destination.id);
      const client = adminClient(cloud);
      try {
        await writeInstanceRestorePoint(repo, client, { providerId: provider.id, image: img, cloud: cloudIdentity(provider) });
      } finally {
        await repo.close();
        await client.close();
      }
      await core.services.destinations.reindex(destination.id);
    },
    /**
     * as seed-instance-restore-point, both disks an ext4 file system (mkfs.ext4 -d) of the test tree
     * (electron/filesystems/testing), written to ARG/tree for the journey to compare against
     */
    'seed-files-restore-point': async (dir) => {
      if (!dir) throw new Error('give a folder');
      writeTree(path.join(dir, 'tree'));
      const image = path.join(dir, 'disk.img');
      mkfsExt4(image, path.join(dir, 'tree'), 48);
      const { provider, destination } = await labAndDestination();
      const repo = await core.services.destinations.open(destination.id);
      const client = adminClient(cloud);
      try {
        await writeInstanceRestorePoint(repo, client, { providerId: provider.id, image, cloud: cloudIdentity(provider) });
      } finally {
        await repo.close();
        await client.close();
      }
      await core.services.destinations.reindex(destination.id);
    },
    /**
     * as seed-files-restore-point, three restore points of demo-web-1 in a row, each indexed by its
     * files.index job: /etc/hostname is "web-1" in the first and "web-one" (newer) in the two others
     */
    'seed-files-search': async (dir) => {
      if (!dir) throw new Error('give a folder');
      const tree = path.join(dir, 'tree');
      writeTree(tree);
      const { provider, destination } = await labAndDestination();
      const client = adminClient(cloud);
      const repo = await core.services.destinations.open(destination.id);
      try {
        for (const [i, host] of ['web-1\n', 'web-one\n', 'web-one\n'].entries()) {
          fs.writeFileSync(path.join(tree, 'etc/hostname'), host);
          const at = Date.UTC(2026, 10, host === 'web-1\n' ? 20 : 27, 8, 0, 0) / 1000;
          fs.utimesSync(path.join(tree, 'etc/hostname'), at, at);
          const image = path.join(dir, `disk-${i}.img`);
          mkfsExt4(image, tree, 48);
          await writeInstanceRestorePoint(repo, client, { providerId: provider.id, image, cloud: cloudIdentity(provider) });
        }
      } finally {
        await repo.close();
        await client.close();
      }
      await core.services.destinations.reindex(destination.id);
      const ids = core.services.backups.list({ destinationId: destination.id }).map((b) => ({ backupId: b.id, destinationId: destination.id }));
      must(await core.api.invoke('files.startIndex', { restorePoints: ids }));
      await core.jobs.whenIdle();
    },
    /** in the destination "local", a restore point of the volume acme-db (v-db) backed up on its own */
    'seed-volume-restore-point': async () => {
      const [provider] = core.services.providers.list();
      const destination = core.services.destinations.defaultDestination();
      if (!provider) throw new Error('add the cloud first');
      const image = path.join(home!, 'volume.img');
      fs.writeFileSync(image, Buffer.alloc(1024 * 1024, 'acme-db '));
      const repo = await core.services.destinations.open(destination.id);
      const client = adminClient(cloud);
      try {
        await writeVolumeRestorePoint(repo, client, { provider, volumeId: 'v-db', image });
      } finally {
        await repo.close();
        await client.close();
      }
      await core.services.destinations.reindex(destination.id);
    },
    /** an instance admin-db in the admin's project (to attach restored volumes to), synced */
    'admin-instance': async () => {
      cloud.servers.push(makeServer({ id: 's-admin', name: 'admin-db', projectId: 'p-admin', userId: 'u-admin', seq: 9, network: 'demo-net' }));
      const [provider] = core.services.providers.list();
      if (provider) must(await core.api.invoke('inventory.startSync', { providerId: provider.id }));
      await core.jobs.whenIdle();
    },
    /** an instance backup-proxy in the admin's project (a proxy VM to add: its id a UUID, as Nova gives), and the cloud synced (its hypervisors listed) */
    'proxy-instance': async () => {
      cloud.servers.push(
        makeServer({ id: '3f6c2a1e-8d4b-4c1a-9e7f-0b5d2c8a4e61', name: 'backup-proxy', projectId: 'p-admin', userId: 'u-admin', zone: 'nova', seq: 10, network: 'demo-net' }),
      );
      const [provider] = core.services.providers.list();
      if (provider) must(await core.api.invoke('inventory.startSync', { providerId: provider.id }));
      await core.jobs.whenIdle();
    },
    /** a network of the admin's project, where boot checks of restore points can run (the sandbox) */
    'sandbox-network': async () => {
      cloud.networks.push({ id: 'n-sandbox', name: 'sandbox-net', status: 'ACTIVE', admin_state_up: true, shared: false, 'router:external': false, subnets: [], project_id: 'p-admin', tenant_id: 'p-admin', tags: [] });
    },
    /** what the fake guest holds, written as files under ARG (its paths below it) */
    'save-guest-files': async (dir) => {
      if (!dir) throw new Error('give a folder');
      for (const [p, f] of guest.files) {
        if (f.kind !== 'file') continue;
        fs.mkdirSync(path.dirname(path.join(dir, p)), { recursive: true });
        fs.writeFileSync(path.join(dir, p), f.data);
      }
    },
    /** the restore's held disk writes go on to the end */
    'finish-disk-writes': async () => finishWrites(),
  };

  process.stdout.write(`${JSON.stringify({ loginUrl: server.loginUrl })}\n`);
  const lines = readline.createInterface({ input: process.stdin });
  for await (const line of lines) {
    const [name = '', arg] = line.trim().split(/ (.*)/s);
    try {
      const run = commands[name];
      if (!run) throw new Error('unknown command');
      await run(arg);
      process.stdout.write(`ok ${name}\n`);
    } catch (e) {
      process.stdout.write(`error ${name}: ${(e as Error).message}\n`);
    }
  }
  // stdin closed: the test is over
  await server.close();
  await core.close();
  await cloud.close();
}

void main().catch((e: unknown) => {
  process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
  process.exit(1);
});
