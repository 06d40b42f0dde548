/**
 * CLI start-up (targets: `backstack --version` < 0.15 s, `status --json` < 0.3 s, `instances list
 * --json` on a 10,000-server catalog < 0.6 s; medians of 10 runs, each a new process). The built
 * CLI runs as a user runs it: `node bin/backstack.cjs …`, its output read through a pipe. The
 * catalog is synced once from the MockAgent scale cloud of sync-fixtures.ts into a temp
 * BACKSTACK_HOME. Peer, measured in the same run: `node -e 0`, a bare Node start on this machine.
 *   npm run bench:cli                     (builds the CLI first)
 *   BENCH_ROUNDS=20 npx tsx e2e/bench/cli.bench.ts [--servers N]
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createCore } from '../../electron/core/create-core';
import { createLogger } from '../../electron/lib/logger';
import { keyFileProtector } from '../../electron/lib/secret-box';
import { buildScaleCloud, DEFAULT_SCALE } from './sync-fixtures';
import { median } from './stats';

const root = path.resolve(__dirname, '../..');
const rounds = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 10));
const arg = (name: string): number | undefined => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : undefined;
};
const log = (s: string): void => void process.stderr.write(`[bench] ${s}\n`);

const seconds = (ms: number): number => Math.round(ms) / 1000;
const summary = (ms: number[]) => ({ medianSeconds: seconds(median(ms)), minSeconds: seconds(Math.min(...ms)), maxSeconds: seconds(Math.max(...ms)) });

/** Wall time of one process, from spawn to exit, its stdout drained as a pipe reader would. */
function timeProcess(args: string[], env: NodeJS.ProcessEnv): Promise<{ ms: number; bytesOut: number }> {
  return new Promise((resolve, reject) => {
    const t = performance.now();
    const child = spawn(process.execPath, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let bytesOut = 0;
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (bytesOut += b.length));
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = performance.now() - t;
      if (code !== 0) reject(new Error(`${args.join(' ')} exited with ${code}: ${stderr}`));
      else resolve({ ms, bytesOut });
    });
  });
}

async function main(): Promise<void> {
  const bin = path.join(root, 'bin/backstack.cjs');
  if (!fs.existsSync(path.join(root, 'out/cli/backstack.js'))) throw new Error('The CLI is not built: run npm run build:cli (npm run bench:cli does).');
  const servers = arg('servers') ?? DEFAULT_SCALE.servers;
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'backstack-bench-cli-'));
  try {
    // The catalog, once: a real sync of the scale cloud (as inventory.bench.ts does).
    const t = performance.now();
    const cloud = buildScaleCloud({ servers, volumes: Math.max(servers, DEFAULT_SCALE.volumes * (servers / DEFAULT_SCALE.servers)) });
    const core = createCore({ dataDir: home, runtime: 'cli', version: 'bench', logger: createLogger(() => undefined), keyProtector: keyFileProtector(home), openstackDispatcher: cloud.agent });
    const opts = cloud.providerOptions();
    const added = await core.api.invoke('providers.add', {
      provider: { name: 'scale', authUrl: opts.authUrl, region: 'RegionOne', authDomains: [{ name: 'Default', userName: 'admin', password: 'admin-pass', defaultProject: 'admin' }] },
    });
    if (!added.ok) throw new Error(added.error.message);
    const started = await core.api.invoke('inventory.startSync', { providerId: added.value.id });
    if (!started.ok) throw new Error(started.error.message);
    await core.jobs.whenIdle();
    const job = core.jobs.get(started.value.jobId);
    if (job.state !== 'succeeded') throw new Error(`sync ${job.state}: ${job.error?.message}`);
    await core.close();
    await cloud.close();
    log(`catalog of ${servers} servers synced in ${Math.round(performance.now() - t)} ms`);

    const env = { ...process.env, BACKSTACK_HOME: home };
    const cases: Record<string, { args: string[]; targetSeconds?: number }> = {
      nodeBare: { args: ['-e', '0'] },
      version: { args: [bin, '--version'], targetSeconds: 0.15 },
      statusJson: { args: [bin, 'status', '--json'], targetSeconds: 0.3 },
      instancesListJson: { args: [bin, 'instances', 'list', '--json'], targetSeconds: 0.6 },
    };
    const results: Record<string, unknown> = {};
    let bareMs = 0;
    for (const [name, c] of Object.entries(cases)) {
      await timeProcess(c.args, env); // warm-up: page cache, not counted
      const ms: number[] = [];
      let bytesOut = 0;
      for (let i = 0; i < rounds; i++) {
        const r = await timeProcess(c.args, env);
        ms.push(r.ms);
        bytesOut = r.bytesOut;
      }
      const s = summary(ms);
      if (name === 'nodeBare') bareMs = median(ms);
      results[name] = {
        ...s,
        ...(c.targetSeconds ? { targetSeconds: c.targetSeconds, met: s.medianSeconds < c.targetSeconds, ratioToNodeBare: Math.round((median(ms) / bareMs) * 100) / 100 } : {}),
        stdoutBytes: bytesOut,
      };
      log(`${name}: median ${s.medianSeconds} s (${s.minSeconds}–${s.maxSeconds} s)`);
    }
    console.log(JSON.stringify({ bench: 'cli', rounds, servers, node: process.version, cpus: os.cpus().length, loadAverage1m: os.loadavg()[0], ...results }, null, 2));
  } finally {
    fs.rmSync(home, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
