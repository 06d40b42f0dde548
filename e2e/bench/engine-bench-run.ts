import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * Runs a command under /usr/bin/time: wall time and CPU time (user + system, all threads; ms), peak RSS (KiB), stdout.
 * Dirty pages are flushed first (untimed): otherwise a run pays for the writeback of whatever
 * ran before it (the previous tool's repository, the changed image), and the order decides.
 * Then the page cache is dropped (as root; BENCH_WARM=1 keeps it): Backstack writes its chunk
 * files past the page cache, borg and restic through it, so a warm cache would time their
 * restores and incrementals from memory and ours from disk. On a workstation, backups and
 * restores run hours apart: every tool starts cold.
 */
export async function timed(
  cmd: string,
  args: string[],
  opts: { env?: NodeJS.ProcessEnv; cwd?: string; flushFirst?: boolean } = {},
): Promise<{ wallMs: number; cpuMs: number; maxRssKiB: number; stdout: string }> {
  if (opts.flushFirst !== false) {
    spawnSync('sync');
    if (process.env.BENCH_WARM !== '1') dropCaches();
  }
  const timeFile = path.join(os.tmpdir(), `bench-time-${process.pid}-${Math.random().toString(16).slice(2)}`);
  const started = performance.now();
  const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn('/usr/bin/time', ['-f', '%M %U %S', '-o', timeFile, cmd, ...args], { env: { ...process.env, ...opts.env }, cwd: opts.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr.on('data', (b: Buffer) => (err += b.toString()));
    child.on('error', reject);
    child.on('close', (c) => resolve({ code: c, stdout: out, stderr: err }));
  });
  const wallMs = performance.now() - started;
  const [rss, user, sys] = (fs.readFileSync(timeFile, 'utf8').trim().split('\n').pop() ?? '').split(' ').map(Number);
  fs.rmSync(timeFile, { force: true });
  if (code !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${code}): ${stderr.slice(-2000)}`);
  return { wallMs, cpuMs: ((user ?? 0) + (sys ?? 0)) * 1000, maxRssKiB: rss ?? 0, stdout };
}

let cannotDrop = false;
function dropCaches(): void {
  if (cannotDrop) return;
  try {
    fs.writeFileSync('/proc/sys/vm/drop_caches', '3');
  } catch {
    cannotDrop = true;
    process.stderr.write('[bench] cannot drop the page cache (not root?): timings start warm\n');
  }
}

/** Sum of file sizes under a folder (what the repository occupies, holes aside). */
export function treeBytes(dir: string): number {
  let sum = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    sum += e.isDirectory() ? treeBytes(p) : fs.statSync(p).size;
  }
  return sum;
}

export function findFile(dir: string, name: string): string {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) {
      const found = findFile(p, name);
      if (found) return found;
    } else if (e.name === name) return p;
  }
  return '';
}
