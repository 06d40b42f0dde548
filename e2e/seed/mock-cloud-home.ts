// A data folder holding the standard MockAgent cloud ("mock": demo-web-1 and demo-bfv-1 in
// project demo, acme-app-1 in acme-prod, on two hypervisors without SSH settings), added and
// synced through the contract, and an unencrypted folder destination "local", for
// `backstack console` to open: journeys get an inventory without the lab. The journeys run it as a child (tsx), as Playwright's loader cannot load the core.
//
//   node --import tsx e2e/seed/mock-cloud-home.ts HOME
import path from 'node:path';
import { createCore } from '../../electron/core/create-core';
import { createLogger } from '../../electron/lib/logger';
import { keyFileProtector } from '../../electron/lib/secret-box';
import { standardCloud } from '../../electron/openstack/testing/fixtures';

async function seed(home: string): Promise<void> {
  const cloud = standardCloud();
  // The key file (not the OS keyring), so the console opening this folder reads the same secrets.
  const core = createCore({
    dataDir: home,
    runtime: 'cli',
    version: 'e2e',
    logger: createLogger(() => undefined),
    keyProtector: keyFileProtector(home),
    openstackDispatcher: cloud.agent,
  });
  try {
    const added = await core.api.invoke('providers.add', {
      provider: {
        name: 'mock',
        authUrl: cloud.authUrl,
        authDomains: [{ name: 'Default', userName: 'admin', password: 'admin-pass', defaultProject: 'admin' }],
      },
    });
    if (!added.ok) throw new Error(added.error.message);
    const sync = await core.api.invoke('inventory.startSync', { providerId: added.value.id });
    if (!sync.ok) throw new Error(sync.error.message);
    await core.jobs.whenIdle();
    const job = core.jobs.get(sync.value.jobId);
    if (job.state !== 'succeeded') throw new Error(`the sync ended ${job.state}: ${job.error?.message ?? ''}`);
    const destination = await core.api.invoke('destinations.create', { name: 'local', path: path.join(home, 'destination') });
    if (!destination.ok) throw new Error(destination.error.message);
  } finally {
    await core.close();
    await cloud.close();
  }
}

const home = process.argv[2];
if (!home) throw new Error('usage: mock-cloud-home.ts HOME');
seed(home).catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
