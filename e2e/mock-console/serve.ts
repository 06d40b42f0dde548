/**
 * A console over a synced cloud, for the browser journeys that need an inventory (the lab is not
 * part of `npm test`): the standard MockAgent cloud plus a few servers, with the real core, sync,
 * catalog, destination and console server. One instance has a restore point, written by the
 * engine as a backup job writes it and indexed from its destination.
 * With --bare, the catalog stays empty: the cloud is there to be added, edited and synced.
 * With --seed-only, HOME gets the standard cloud synced and a destination "local", and the process
 * ends: the real `backstack console` then opens it (its cloud unreachable, its inventory there).
 * Prints {url, loginUrl, token, home, authUrl} as one JSON line when ready; stops on SIGTERM.
 *   npx tsx e2e/mock-console/serve.ts [HOME] [--bare | --seed-only]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startConsoleServer } from '../../electron/console/server';
import { createCore, type Core } from '../../electron/core/create-core';
import { ok } from '../../electron/core/testing';
import { backupDisk, fileSource } from '../../electron/engine';
import { createLogger } from '../../electron/lib/logger';
import { keyFileProtector } from '../../electron/lib/secret-box';
import { makeServer, standardCloud } from '../../electron/openstack/testing/fixtures';

const root = path.resolve(__dirname, '../..');

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const bare = args.includes('--bare');
  const seedOnly = args.includes('--seed-only');
  const home = args.find((a) => !a.startsWith('--')) ?? fs.mkdtempSync(path.join(os.tmpdir(), 'backstack-mock-console-'));
  const cloud = seedOnly ? standardCloud() : withMoreServers(standardCloud());
  const core = createCore({
    dataDir: home,
    runtime: 'console',
    version: 'e2e',
    logger: createLogger(() => undefined),
    keyProtector: keyFileProtector(home),
    openstackDispatcher: cloud.agent,
  });
  if (seedOnly) {
    await seed(core, cloud.authUrl, home, { destination: 'local', backup: false });
    await core.close();
    await cloud.close();
    return;
  }
  if (!bare) await seed(core, cloud.authUrl, home, { destination: 'nightly', backup: true });
  const server = await startConsoleServer({ core, staticDir: path.join(root, 'out', 'renderer') });
  process.stdout.write(`${JSON.stringify({ url: server.url, loginUrl: server.loginUrl, token: server.token, home, authUrl: cloud.authUrl })}\n`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await server.close();
  await core.close();
  await cloud.close();
}

/** Names of the lengths an admin meets, another status and more than one address. */
function withMoreServers(cloud: ReturnType<typeof standardCloud>): ReturnType<typeof standardCloud> {
  cloud.servers.push(
    makeServer({
      id: 's-erp-db',
      name: 'acme-erp-database-primary-01',
      projectId: 'p-prod',
      host: 'compute-2',
      zone: 'raw',
      tags: ['prod', 'db', 'backup-hourly'],
      seq: 4,
      network: 'acme-net',
    }),
    makeServer({
      id: 's-erp-web',
      name: 'acme-erp-web-1',
      projectId: 'p-prod',
      host: 'compute-1',
      tags: ['prod', 'web'],
      seq: 5,
      network: 'acme-net',
    }),
    makeServer({ id: 's-dev', name: 'acme-dev-sandbox', projectId: 'p-dev', host: 'compute-1', status: 'SHUTOFF', seq: 6, network: 'acme-net' }),
  );
  return cloud;
}

/** The cloud added and synced, a destination, and (with `backup`) one restore point of demo-web-1 indexed. */
async function seed(core: Core, authUrl: string, home: string, o: { destination: string; backup: boolean }): Promise<void> {
  const provider = ok(
    await core.api.invoke('providers.add', {
      provider: {
        name: 'mock',
        authUrl,
        authDomains: [{ name: 'Default', userName: 'admin', password: 'admin-pass', defaultProject: 'admin' }],
      },
    }),
  );
  ok(await core.api.invoke('inventory.startSync', { providerId: provider.id }));
  await core.jobs.whenIdle();

  const { destination } = ok(await core.api.invoke('destinations.create', { name: o.destination, path: path.join(home, o.destination) }));
  if (!o.backup) return;
  const image = path.join(home, 'disk.img');
  fs.writeFileSync(image, Buffer.alloc(1024 * 1024, 'backstack '));
  const repo = await core.services.destinations.open(destination.id);
  try {
    await backupDisk(repo, {
      group: 's-web',
      name: 'vda',
      source: fileSource(image),
      sourceInfo: {
        kind: 'instance',
        providerId: provider.id,
        resourceId: 's-web',
        resourceName: 'demo-web-1',
        projectId: 'p-demo',
        host: 'compute-1',
      },
    });
  } finally {
    await repo.close();
  }
  await core.services.destinations.reindex(destination.id);
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
