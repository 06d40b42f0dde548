/**
 * Inventory at scale (issue: 10,000 servers and 30,000 volumes over 200 projects synced in under
 * 15 s and 300 MiB; the 10,000-row instance table renders in under 1 s and a filter keystroke
 * updates it in under 100 ms). The cloud is an undici MockAgent fixture (the lab cannot hold
 * that many servers); the sync, the catalog, the console server and the UI are the real ones.
 * Peer, measured in the same run: the SDK alone listing the same servers and volumes.
 * Each figure is the median of the rounds with its spread (min–max, stats.ts); the ratio to the
 * peer is a ratio of medians. Every round runs in a process of its own, so its RSS is its own.
 *   npx tsx e2e/bench/inventory.bench.ts [--servers N] [--volumes N] [--projects N]
 *   BENCH_ROUNDS=5          rounds (default 3, the least for a judged run)
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from '@playwright/test';
import chromiumLaunch from '../chromium.json';
import { createCore } from '../../electron/core/create-core';
import { startConsoleServer } from '../../electron/console/server';
import { createLogger } from '../../electron/lib/logger';
import { keyFileProtector } from '../../electron/lib/secret-box';
import { ProviderClient } from '../../electron/openstack/core/provider-client';
import { listServers } from '../../electron/openstack/compute/servers';
import { listVolumes } from '../../electron/openstack/blockstorage/volumes';
import { benchRounds, figure, formatReport, ratioOfMedians, rounded } from './stats';
import { buildScaleCloud, DEFAULT_SCALE, type ScaleSpec } from './sync-fixtures';

const arg = (name: string): number | undefined => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : undefined;
};
const mib = (b: number) => b / 2 ** 20;
const root = path.resolve(__dirname, '../..');

interface MiniDocument {
  querySelector(selector: string): { getAttribute(name: string): string | null } | null;
}

// Runs in the page (kept as text: this file is compiled without the DOM library).
const IN_PAGE_FILTER_TIMING = `(async () => {
  const input = document.querySelector('input[aria-label="Search instances"]');
  const table = document.querySelector('[data-testid="instances-table"]');
  const before = table.getAttribute('aria-rowcount');
  const start = performance.now();
  Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set.call(input, '7');
  input.dispatchEvent(new Event('input', { bubbles: true }));
  await new Promise((resolve) => {
    const check = () => (table.getAttribute('aria-rowcount') !== before ? resolve() : requestAnimationFrame(check));
    check();
  });
  await new Promise((r) => requestAnimationFrame(() => r(null)));
  return performance.now() - start;
})()`;

function scaleSpec(): ScaleSpec {
  const spec: ScaleSpec = { ...DEFAULT_SCALE };
  for (const k of ['servers', 'volumes', 'projects'] as const) spec[k] = arg(k) ?? spec[k];
  return spec;
}

/** One round's raw measurements (bytes and milliseconds). */
interface RoundResult {
  syncMs: number;
  sdkMs: number;
  sdkItemsListed: number;
  rssPeak: number;
  rssFixtures: number;
  rssSyncGrowth: number;
  jobSummary: unknown;
  catalogWriteMs: number;
  renderMs: number;
  filterMs: number;
  rowsAfterFilter: number;
}

async function oneRound(): Promise<RoundResult> {
  const spec = scaleSpec();
  const cloud = buildScaleCloud(spec);
  const rssFixtures = process.memoryUsage().rss;

  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'backstack-bench-inventory-'));
  const core = createCore({ dataDir: home, runtime: 'console', version: 'bench', logger: createLogger(() => undefined), keyProtector: keyFileProtector(home), openstackDispatcher: cloud.agent });
  const opts = cloud.providerOptions();
  const added = await core.api.invoke('providers.add', {
    provider: { name: 'scale', authUrl: opts.authUrl, region: 'RegionOne', authDomains: [{ name: 'Default', userName: 'admin', password: 'admin-pass', defaultProject: 'admin' }] },
  });
  if (!added.ok) throw new Error(added.error.message);

  let t = performance.now();
  const rssBefore = process.memoryUsage().rss;
  let rssPeak = rssBefore;
  const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, process.memoryUsage().rss)), 50);
  const started = await core.api.invoke('inventory.startSync', { providerId: added.value.id });
  if (!started.ok) throw new Error(started.error.message);
  await core.jobs.whenIdle();
  clearInterval(sampler);
  const syncMs = performance.now() - t;
  const job = core.jobs.get(started.value.jobId);
  const log = await core.api.invoke('jobs.getLog', { id: started.value.jobId });
  const logText = log.ok ? log.value.items.map((e) => e.message).join('\n') : '';
  if (job.state !== 'succeeded') throw new Error(`sync ${job.state}: ${job.error?.message}`);

  // Peer: the SDK alone pages through every server and volume (no mapping, no catalog).
  t = performance.now();
  const peer = new ProviderClient(cloud.providerOptions());
  let counted = 0;
  for await (const page of listServers(await peer.compute(), { allTenants: true }).pages()) counted += page.length;
  for await (const page of listVolumes(await peer.blockStorage(), { allTenants: true }).pages()) counted += page.length;
  const sdkMs = performance.now() - t;
  await peer.close();

  // The UI: the console serves the real renderer over the synced catalog.
  const server = await startConsoleServer({ core, staticDir: path.join(root, 'out/renderer') });
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? chromiumLaunch.executablePath, args: chromiumLaunch.args });
  const page = await browser.newPage({ viewport: { width: 1360, height: 860 } });
  await page.goto(server.loginUrl);
  await page.getByTestId('nav-dashboard').waitFor();
  t = performance.now();
  await page.getByTestId('nav-inventory').click();
  await page
    .waitForFunction(
      (n: number) => {
        // A function, not a string: the page's CSP forbids eval.
        const doc = (globalThis as unknown as { document: MiniDocument }).document;
        // aria-rowcount counts the header row too.
        return Number(doc.querySelector('[data-testid="instances-table"]')?.getAttribute('aria-rowcount')) - 1 >= n && doc.querySelector('[data-testid="row"]') !== null;
      },
      spec.servers,
      { timeout: 30_000, polling: 'raf' },
    )
    .catch(async (e: unknown) => {
      await page.screenshot({ path: path.join(root, 'e2e/screenshots/bench-inventory-failed.png') });
      throw e;
    });
  const renderMs = performance.now() - t;
  // One keystroke in the search box, timed inside the page until the table shows the result.
  const filterMs = (await page.evaluate(IN_PAGE_FILTER_TIMING)) as number;
  const filtered = Number(await page.getByTestId('instances-table').getAttribute('aria-rowcount')) - 1;
  await page.screenshot({ path: path.join(root, 'e2e/screenshots/bench-inventory-10k.png') });
  await browser.close();
  await server.close();
  await core.close();
  await cloud.close();
  fs.rmSync(home, { recursive: true, force: true });

  return {
    syncMs, sdkMs, sdkItemsListed: counted, rssPeak, rssFixtures, rssSyncGrowth: rssPeak - rssBefore, jobSummary: job.summary,
    catalogWriteMs: Number(/Catalog updated in (\d+) ms/.exec(logText)?.[1] ?? -1), renderMs, filterMs, rowsAfterFilter: Number(filtered),
  };
}

function spawnRound(): Promise<RoundResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', __filename, '--round', ...process.argv.slice(2)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(JSON.parse(out.trim().split('\n').pop() as string) as RoundResult) : reject(new Error(`round exited ${code}`))));
  });
}

async function main() {
  if (process.argv.includes('--round')) {
    console.log(JSON.stringify(await oneRound()));
    return;
  }
  const plan = benchRounds();
  console.error(`[bench] ${plan.note}`);
  const rounds: RoundResult[] = [];
  for (let r = 0; r < plan.rounds; r++) {
    console.error(`[bench] round ${r + 1} of ${plan.rounds}`);
    rounds.push(await spawnRound());
  }
  const fig = (f: (r: RoundResult) => number) => figure(rounds.map(f));
  const sync = fig((r) => r.syncMs / 1000);
  const sdk = fig((r) => r.sdkMs / 1000);
  const first = rounds[0] as RoundResult;
  process.stdout.write(
    formatReport({
      bench: 'inventory',
      run: plan,
      spec: scaleSpec(),
      syncSeconds: rounded(sync, 1),
      syncTargetSeconds: 15,
      sdkListingSeconds: rounded(sdk, 1),
      syncToSdkRatio: ratioOfMedians(sync, sdk),
      sdkItemsListed: first.sdkItemsListed,
      rssPeakMiB: rounded(fig((r) => mib(r.rssPeak)), 0),
      rssFixturesMiB: rounded(fig((r) => mib(r.rssFixtures)), 0),
      rssSyncGrowthMiB: rounded(fig((r) => mib(r.rssSyncGrowth)), 0),
      rssTargetMiB: 300,
      jobSummary: first.jobSummary,
      // MockAgent answers in microtasks, so the listing itself never yields here; what a real
      // cloud leaves on the loop is the catalog write, done in 2,000-row transactions.
      catalogWriteMs: rounded(fig((r) => r.catalogWriteMs), 0),
      tableRenderMs: rounded(fig((r) => r.renderMs), 0),
      tableRenderTargetMs: 1000,
      filterKeystrokeMs: rounded(fig((r) => r.filterMs), 0),
      filterTargetMs: 100,
      rowsAfterFilter: first.rowsAfterFilter,
    }),
  );
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
