/**
 * The dashboard's journey data, written into a HOME that serve.ts --seed-only filled (the standard
 * mock cloud synced, a destination "local"): a policy "nightly" (daily at 01:00, RPO 48 h) holding
 * demo-web-1 (a restore point every day, the newest 3 h old: protected) and demo-bfv-1 (the newest
 * 80 h old: behind its RPO, two runs due since), made 30 days ago; a paused policy "archive" with
 * no member; acme-app-1 in no policy, its backup failed 2 h ago. Policies go through the contract;
 * restore points and jobs of the past are written into the catalog as backups and the job manager
 * leave them.
 *   npx tsx e2e/mock-console/dashboard-seed.ts HOME
 */
import { createCore } from '../../electron/core/create-core';
import { ok } from '../../electron/core/testing';
import { createLogger } from '../../electron/lib/logger';
import { keyFileProtector } from '../../electron/lib/secret-box';
import { DashboardSeed } from '../../electron/services/dashboard/dashboard.seed';

const MiB = 1024 * 1024;

async function main(): Promise<void> {
  const home = process.argv[2];
  if (!home) throw new Error('Usage: dashboard-seed.ts HOME (a HOME seeded by serve.ts --seed-only)');
  const core = createCore({
    dataDir: home,
    runtime: 'cli',
    version: 'e2e',
    logger: createLogger(() => undefined),
    keyProtector: keyFileProtector(home),
  });
  try {
    const [provider] = ok(await core.api.invoke('providers.list', {})).items;
    const [destination] = ok(await core.api.invoke('destinations.list', {})).items;
    if (!provider || !destination) throw new Error('Seed the mock cloud first: serve.ts HOME --seed-only');
    const nightly = ok(
      await core.api.invoke('policies.create', {
        // made weeks ago (below): what it missed before the console starts is skipped, not run
        spec: { name: 'nightly', destination: destination.name, schedules: [{ id: 'nightly', form: 'daily', at: '01:00' }], missedRuns: 'skip' },
      }),
    );
    ok(await core.api.invoke('policies.create', { spec: { name: 'archive', destination: destination.name, enabled: false } }));
    const members = ['s-web', 's-bfv'].map((instanceId) => ({ providerId: provider.id, instanceId }));
    ok(await core.api.invoke('policies.assign', { id: nightly.id, instances: members }));

    const seed = new DashboardSeed(core.catalog.db, new Date(), provider.id);
    seed.transaction(() => {
      seed.backdate(nightly.id, 30 * 24);
      // demo-web-1: a first full of 900 MiB 11 days ago, then a little every day; demo-bfv-1 stopped 80 h ago
      for (let day = 0; day < 12; day++)
        seed.backup('s-web', 3 + 24 * day, { destination: destination.id, storedBytes: (day === 11 ? 900 : 40 + 7 * day) * MiB });
      for (const hours of [80, 104, 128]) seed.backup('s-bfv', hours, { destination: destination.id, storedBytes: (hours === 128 ? 600 : 25) * MiB });
      seed.job('s-app', 'failed', 2);
      // weeks of nightly backups before: more jobs than the Jobs page lists at first
      for (let i = 0; i < 600; i++) seed.job('s-web', 'succeeded', 72 + i);
    });
  } finally {
    await core.close();
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
