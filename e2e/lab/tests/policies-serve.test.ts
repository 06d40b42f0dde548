// Policies that run by themselves (issue 13), against the lab: rules by tag and name pattern
// assign exactly the servers they match on a sync (and let go of one whose tag is removed);
// `backstack serve` — the built CLI, a separate process on the same catalog — runs an
// every-minute schedule, backs up the members and no one else, and retention keeps exactly the
// newest 2; a second `serve` is refused naming the first; a run missed while no scheduler ran is
// run once when serve starts again.
import { spawn, type ChildProcess } from 'node:child_process';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeInstallation, openInstallation, unwrap, type Installation } from './support/backstack';
import { loadCloud, Session } from './support/cloud';
import { createServer, deleteServer } from './support/guests';
import { until } from './support/lab';
import { COMPUTE_MICROVERSION, type Server } from './support/nova';
import { loadHypervisors } from './support/ssh';

const root = resolve(__dirname, '../../..');
let os: Session;
let A: Installation;
const suffix = Date.now().toString(36);
const tag = `bsk-pol-${suffix}`;
const servers: Record<'a' | 'b' | 'c', Server> = {} as never;
const serves: ChildProcess[] = [];

const setTag = (id: string, on: boolean) =>
  os.request('compute', `/servers/${id}/tags/${tag}`, { method: on ? 'PUT' : 'DELETE', microversion: COMPUTE_MICROVERSION, expect: on ? [201, 204] : [204] });
async function sync(): Promise<string[]> {
  const { jobId } = unwrap(await A.core.api.invoke('inventory.startSync', { providerId: A.providerId }));
  await until('sync', async () => ['succeeded', 'warning', 'failed'].includes(A.core.jobs.get(jobId).state), { timeoutMs: 300_000 });
  expect(A.core.jobs.get(jobId).state).not.toBe('failed');
  return unwrap(await A.core.api.invoke('jobs.getLog', { id: jobId })).items.map((e) => e.message);
}
const members = async () => unwrap(await A.core.api.invoke('policies.get', { id: 'lab-nightly' })).memberList.map((m) => m.instanceName).sort();
const runs = async () => unwrap(await A.core.api.invoke('policies.get', { id: 'lab-nightly' })).runs;
const restorePoints = async (id: string) => unwrap(await A.core.api.invoke('backups.list', { resourceId: id })).items;

/** `backstack serve` on A's catalog, as a user starts it; resolves once it says it serves (or exits). */
function serve(): { child: ChildProcess; out: () => string; exited: Promise<number> } {
  const child = spawn(process.execPath, [join(root, 'bin', 'backstack.cjs'), 'serve'], { cwd: root, env: { ...process.env, BACKSTACK_HOME: A.home }, stdio: ['ignore', 'pipe', 'pipe'] });
  serves.push(child);
  let text = '';
  child.stdout?.on('data', (b: Buffer) => (text += b.toString()));
  child.stderr?.on('data', (b: Buffer) => (text += b.toString()));
  const exited = new Promise<number>((r) => child.on('exit', (code) => r(code ?? -1)));
  return { child, out: () => text, exited };
}
async function stop(s: ReturnType<typeof serve>): Promise<number> {
  s.child.kill('SIGTERM');
  return s.exited;
}

beforeAll(async () => {
  const cloud = loadCloud();
  os = await Session.login(cloud);
  A = await openInstallation('P', cloud, loadHypervisors());
  const made = await Promise.all((['a', 'b', 'c'] as const).map((k) => createServer(os, { name: `bsk-pol-${suffix}-${k}`, image: 'labvm-busybox', flavor: 'm1.tiny', network: 'backstack-net' })));
  [servers.a, servers.b, servers.c] = made as [Server, Server, Server];
  await setTag(servers.a.id, true);
  await setTag(servers.b.id, true);
}, 900_000);

afterAll(async () => {
  for (const c of serves) if (c.exitCode === null) c.kill('SIGTERM');
  await Promise.all(serves.map((c) => (c.exitCode === null ? new Promise((r) => c.on('exit', r)) : undefined)));
  if (A && servers.a) await A.core.api.invoke('backups.releaseSnapshot', { providerId: A.providerId, instanceId: servers.a.id }).catch(() => undefined);
  const warn = (e: unknown) => console.warn(`cleanup: ${(e as Error).message}`);
  await Promise.all(Object.values(servers).map((s) => deleteServer(os, s.id).catch(warn)));
  await closeInstallation(A);
}, 900_000);

describe('policies run by backstack serve', () => {
  it('rules assign exactly the tagged servers on a sync, and let go of one whose tag was removed', async () => {
    unwrap(
      await A.core.api.invoke('policies.create', {
        spec: { name: 'lab-nightly', destination: 'lab', rules: { tags: [tag], includeNames: [`^bsk-pol-${suffix}-`] }, autoAssign: 'assign-remove' },
      }),
    );
    const preview = unwrap(await A.core.api.invoke('policies.preview', { spec: unwrap(await A.core.api.invoke('policies.get', { id: 'lab-nightly' })).spec }));
    expect(preview.matches).toEqual([]); // the inventory does not know the new servers yet
    expect((await sync()).join('\n')).toContain('Policy lab-nightly: 2 instance(s) assigned; 2 member(s).');
    expect(await members()).toEqual([servers.a.name, servers.b.name]);
    await setTag(servers.b.id, false);
    expect((await sync()).join('\n')).toContain(`1 removed (${servers.b.name}) as they no longer match`);
    expect(await members()).toEqual([servers.a.name]);
  }, 900_000);

  it('serve runs an every-minute schedule for the members only, and retention keeps the newest 2', async () => {
    const p = unwrap(await A.core.api.invoke('policies.get', { id: 'lab-nightly' }));
    unwrap(await A.core.api.invoke('policies.update', { id: p.id, spec: { ...p.spec, schedules: [{ id: 'every-minute', form: 'cron', expression: '* * * * *' }], retention: { last: 2 } } }));
    const first = serve();
    await until('serve to start', async () => first.out().includes('Backstack is serving: scheduler running'), { timeoutMs: 60_000, intervalMs: 250 });
    const second = serve();
    expect(await second.exited).toBe(1);
    expect(second.out()).toContain(`The scheduler of this catalog already runs in backstack serve (pid ${first.child.pid} on`);

    // three scheduled backups of a end well (a run due while a backup still runs skips it, saying so)
    const done = await until(
      'three scheduled backups',
      async () => {
        const jobs = (await runs()).flatMap((r) => r.jobIds).map((id) => A.core.jobs.get(id));
        for (const j of jobs) if (j.state === 'failed') throw new Error(`scheduled backup failed: ${j.error?.message}`);
        const ok = jobs.filter((j) => j.state === 'succeeded' || j.state === 'warning');
        return ok.length >= 3 && jobs.every((j) => j.state !== 'running' && j.state !== 'queued') ? ok : undefined;
      },
      { timeoutMs: 900_000, intervalMs: 2_000 },
    );
    expect(done.every((j) => j.target.includes(servers.a.name))).toBe(true);
    expect(first.out()).toMatch(/started: every-minute \(cron "\* \* \* \* \*" UTC\): 1 backup\(s\) queued\./);
    expect(await stop(first)).toBe(0);
    // retention after each backup: exactly the newest 2 of a (a run that began as serve stopped was cancelled and left none)
    const made = (await runs())
      .flatMap((r) => r.jobIds)
      .map((id) => A.core.jobs.get(id))
      .filter((j) => j.state === 'succeeded' || j.state === 'warning')
      .map((j) => /backup (\S+):/.exec(j.summary ?? '')?.[1] as string)
      .sort();
    expect(made.length).toBeGreaterThanOrEqual(3);
    const kept = await restorePoints(servers.a.id);
    expect(kept.map((k) => k.id).sort()).toEqual(made.slice(-2));
    expect(await restorePoints(servers.b.id)).toEqual([]);
    expect(await restorePoints(servers.c.id)).toEqual([]);
  }, 1_200_000);

  it('a run missed while no scheduler ran is run once when serve starts again, and the history says so', async () => {
    const before = (await runs()).length;
    const stoppedAt = new Date();
    // two runs fall due while nothing runs the schedule (one due a moment ago would just be on time)
    await until('two runs to be missed', async () => Date.now() >= Math.floor(stoppedAt.getTime() / 60_000) * 60_000 + 2 * 60_000 + 5_000, { timeoutMs: 200_000, intervalMs: 1_000 });
    const again = serve();
    const caughtUp = await until('the catch-up run', async () => (await runs()).slice(0, (await runs()).length - before).find((r) => r.outcome === 'caught-up'), { timeoutMs: 120_000, intervalMs: 500 });
    expect(caughtUp.message).toMatch(/^[23] run\(s\) of every-minute .* missed while no scheduler ran .*; ran once now: 1 backup\(s\) queued/);
    await until('the catch-up backup', async () => ['succeeded', 'warning', 'failed'].includes(A.core.jobs.get(caughtUp.jobIds[0]!).state), { timeoutMs: 600_000, intervalMs: 2_000 });
    expect(await stop(again)).toBe(0);
    expect(A.core.jobs.get(caughtUp.jobIds[0]!).state).not.toBe('failed');
  }, 900_000);
});
