/**
 * Event-loop delay of the core, idle and under load (issue: "p99 under 50 ms while idle and
 * while a test load runs"). Starts the real console server, drives it over HTTP with
 * concurrent clients while catalog-backup jobs run, and reads the p99 the core reports.
 * Each figure is the median of the rounds (each with a fresh console process) with its spread
 * (min–max, stats.ts); the ratios to the target are taken on the medians.
 * Run: npx tsx e2e/bench/responsiveness.bench.ts   (BENCH_SECONDS, BENCH_CLIENTS to change the load;
 * BENCH_ROUNDS, default 3, the least for a judged run)
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { benchRounds, figure, formatReport, round, rounded } from './stats';

const root = path.resolve(__dirname, '../..');
const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const clients = Number(process.env.BENCH_CLIENTS ?? 16);

async function withConsole<T>(fn: (url: string, token: string, home: string) => Promise<T>): Promise<T> {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'backstack-bench-'));
  const child = spawn(process.execPath, [path.join(root, 'bin/backstack.cjs'), 'console', '--print-json'], { env: { ...process.env, BACKSTACK_HOME: home }, stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await new Promise<string>((resolve, reject) => {
    readline.createInterface({ input: child.stdout }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`the console exited (${code}) before it was ready`)));
  });
  const { url, token } = JSON.parse(line) as { url: string; token: string };
  try {
    return await fn(url, token, home);
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    fs.rmSync(home, { recursive: true, force: true });
  }
}

const invoke = async (url: string, token: string, name: string, input: unknown) => {
  const res = await fetch(`${url}/api/invoke/${name}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(input) });
  const body = (await res.json()) as { ok: boolean; value?: unknown; error?: { message: string } };
  if (!body.ok) throw new Error(`${name}: ${body.error?.message}`);
  return body.value;
};

const p99 = async (url: string, token: string) => ((await invoke(url, token, 'app.getStatus', {})) as { eventLoopDelayP99Ms: number }).eventLoopDelayP99Ms;

async function idleRound(): Promise<number> {
  return withConsole(async (url, token) => {
    await new Promise((r) => setTimeout(r, seconds * 1000));
    return p99(url, token);
  });
}

async function loadedRound() {
  return withConsole(async (url, token, home) => {
    const deadline = Date.now() + seconds * 1000;
    let requests = 0;
    let jobs = 0;
    const latencies: number[] = [];
    const worker = async (i: number) => {
      while (Date.now() < deadline) {
        const t = performance.now();
        if (i === 0) {
          await invoke(url, token, 'catalog.startBackup', { file: path.join(home, `copy-${jobs++}.sqlite`) });
        } else {
          await invoke(url, token, i % 2 ? 'jobs.list' : 'app.getStatus', i % 2 ? { limit: 500 } : {});
        }
        latencies.push(performance.now() - t);
        requests++;
      }
    };
    await Promise.all(Array.from({ length: clients }, (_, i) => worker(i)));
    latencies.sort((a, b) => a - b);
    return { p99: await p99(url, token), requests, jobs, requestP99Ms: latencies[Math.floor(latencies.length * 0.99)] ?? 0 };
  });
}

async function main() {
  const plan = benchRounds();
  console.error(`[bench] ${plan.note}`);
  const idle: number[] = [];
  const loaded: Awaited<ReturnType<typeof loadedRound>>[] = [];
  for (let r = 0; r < plan.rounds; r++) {
    console.error(`[bench] round ${r + 1} of ${plan.rounds}`);
    idle.push(await idleRound());
    loaded.push(await loadedRound());
  }
  const idleP99 = figure(idle);
  const loadedP99 = figure(loaded.map((l) => l.p99));
  const target = 50;
  process.stdout.write(
    formatReport({
      bench: 'responsiveness',
      run: plan,
      seconds,
      clients,
      idleEventLoopDelayP99Ms: rounded(idleP99),
      loadedEventLoopDelayP99Ms: rounded(loadedP99),
      requestsServed: rounded(figure(loaded.map((l) => l.requests)), 0),
      requestsPerSecond: rounded(figure(loaded.map((l) => l.requests / seconds)), 0),
      requestLatencyP99Ms: rounded(figure(loaded.map((l) => l.requestP99Ms)), 0),
      catalogBackupJobs: rounded(figure(loaded.map((l) => l.jobs)), 0),
      targetMs: target,
      idleRatioToTarget: round(idleP99.median / target),
      loadedRatioToTarget: round(loadedP99.median / target),
    }),
  );
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
