/**
 * Event-loop delay of the core, idle and under load (issue: "p99 under 50 ms while idle and
 * while a test load runs"). Starts the real console server, drives it over HTTP with
 * concurrent clients while catalog-backup jobs run, and reads the p99 the core reports.
 * Run: npx tsx e2e/bench/responsiveness.bench.ts   (BENCH_SECONDS, BENCH_CLIENTS to change the load)
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';

const root = path.resolve(__dirname, '../..');
const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const clients = Number(process.env.BENCH_CLIENTS ?? 16);

async function withConsole<T>(fn: (url: string, token: string, home: string) => Promise<T>): Promise<T> {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'backstack-bench-'));
  const child = spawn(process.execPath, [path.join(root, 'bin/backstack.cjs'), 'console', '--print-json'], { env: { ...process.env, BACKSTACK_HOME: home }, stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await new Promise<string>((resolve) => readline.createInterface({ input: child.stdout }).once('line', resolve));
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

async function main() {
  const idle = await withConsole(async (url, token) => {
    await new Promise((r) => setTimeout(r, seconds * 1000));
    return p99(url, token);
  });

  const loaded = await withConsole(async (url, token, home) => {
    const deadline = Date.now() + seconds * 1000;
    let requests = 0;
    let jobs = 0;
    const latencies: number[] = [];
    const worker = async (i: number) => {
      while (Date.now() < deadline) {
        const t = performance.now();
        if (i === 0) {
          await invoke(url, token, 'catalog.startBackup', { destination: path.join(home, `copy-${jobs++}.sqlite`) });
        } else {
          await invoke(url, token, i % 2 ? 'jobs.list' : 'app.getStatus', i % 2 ? { limit: 500 } : {});
        }
        latencies.push(performance.now() - t);
        requests++;
      }
    };
    await Promise.all(Array.from({ length: clients }, (_, i) => worker(i)));
    latencies.sort((a, b) => a - b);
    return { p99: await p99(url, token), requests, jobs, requestP99Ms: Math.round(latencies[Math.floor(latencies.length * 0.99)] ?? 0) };
  });

  console.log(
    JSON.stringify(
      {
        bench: 'responsiveness',
        seconds,
        clients,
        idleEventLoopDelayP99Ms: idle,
        loadedEventLoopDelayP99Ms: loaded.p99,
        requestsServed: loaded.requests,
        requestsPerSecond: Math.round(loaded.requests / seconds),
        requestLatencyP99Ms: loaded.requestP99Ms,
        catalogBackupJobs: loaded.jobs,
        targetMs: 50,
        idleRatioToTarget: Math.round((idle / 50) * 100) / 100,
        loadedRatioToTarget: Math.round((loaded.p99 / 50) * 100) / 100,
      },
      null,
      2,
    ),
  );
}

void main();
