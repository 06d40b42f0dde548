/**
 * Policies at scale (issue 13 targets: the rules of 50 policies over 10,000 instances evaluated
 * in < 200 ms; an idle scheduler < 1% of a core).
 *  - rules: `evaluatePolicies` alone (after one cold run, reported apart), and a whole `applyRules` (the SQL read of the inventory, the
 *    evaluation, the members written) on a catalog of 10,000 instances; peer, measured in the same
 *    run: one pass over the same instances testing one precompiled regular expression per policy
 *    (the least any evaluation must do).
 *  - idle: the CPU time a core with its scheduler running (50 policies, each with schedules, none
 *    due) uses over 10 s, as a share of one core; peer: the same process with no scheduler.
 *   npx tsx e2e/bench/policies.bench.ts          (BENCH_ROUNDS=N, default 3)
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PolicySpec } from '../../shared/domain/policies';
import { PoliciesTable, type RuleCandidate } from '../../electron/catalog';
import { createCore } from '../../electron/core/create-core';
import { createLogger } from '../../electron/lib/logger';
import { keyFileProtector } from '../../electron/lib/secret-box';
import { evaluatePolicies, type RulePolicy } from '../../electron/services/policies/rules';
import { benchRounds, figure, formatReport, ratioOfMedians, rounded } from './stats';

const plan = benchRounds();
const INSTANCES = 10_000;
const POLICIES = 50;
const log = (s: string): void => void process.stderr.write(`[bench] ${s}\n`);

const tiers = ['web', 'db', 'cache', 'batch', 'api'];
function instance(i: number): RuleCandidate {
  return {
    providerId: 'p1',
    id: `i-${i}`,
    name: `${tiers[i % 5]}-${String(i).padStart(5, '0')}${i % 17 === 0 ? '-test' : ''}`,
    projectId: `proj-${i % 40}`,
    projectName: `project-${i % 40}`,
    domainId: `d-${i % 4}`,
    availabilityZone: `az-${i % 3}`,
    tags: [`tier-${tiers[i % 5]}`, ...(i % 7 === 0 ? ['gold'] : []), ...(i % 11 === 0 ? ['pci'] : [])],
  };
}
function policySpec(k: number) {
  return PolicySpec.parse({
    name: `policy-${k}`,
    destination: 'local',
    priority: k,
    autoAssign: k % 2 ? 'assign' : 'assign-remove',
    rules:
      k % 3 === 0
        ? { includeNames: [`^${tiers[k % 5]}-0\\d*${k % 10}$`], excludeNames: ['-test$'] }
        : k % 3 === 1
          ? { tags: [`tier-${tiers[k % 5]}`, 'gold'], tagMatch: 'all', availabilityZones: [`az-${k % 3}`] }
          : { projects: [`project-${k % 40}`], tags: ['pci', 'gold'] },
    schedules: [
      { id: 'nightly', form: 'daily', at: `0${k % 6}:${String(k % 60).padStart(2, '0')}`, timeZone: 'Europe/Berlin' },
      { id: 'weekly', form: 'weekly', at: '03:00', days: [0], backupType: 'full' },
    ],
    retention: { daily: 7, weekly: 4 },
  });
}

const candidates = Array.from({ length: INSTANCES }, (_, i) => instance(i));
const rulePolicies: RulePolicy[] = Array.from({ length: POLICIES }, (_, k) => {
  const s = policySpec(k);
  return { id: `pol-${k}`, name: s.name, priority: s.priority, rules: s.rules, autoAssign: s.autoAssign };
});
const names = { domains: new Map<string, string>(), policies: new Map(rulePolicies.map((p) => [p.id, p.name])) };

function timeMs(fn: () => void): number {
  const t = performance.now();
  fn();
  return performance.now() - t;
}

function peerPass(): number {
  const res = rulePolicies.map((p) => new RegExp(p.rules.includeNames[0] ?? p.rules.tags[0] ?? 'x', 'u'));
  let n = 0;
  for (const c of candidates) for (const re of res) if (re.test(c.name)) n++;
  return n;
}

async function main(): Promise<void> {
  log(plan.note);
  const evalMs: number[] = [];
  const peerMs: number[] = [];
  // The first evaluation in a process (before the JIT has compiled it) is reported on its own.
  const coldEvalMs = timeMs(() => evaluatePolicies(rulePolicies, candidates, [], names));
  for (let r = 0; r < plan.rounds; r++) {
    peerMs.push(timeMs(() => peerPass()));
    evalMs.push(timeMs(() => evaluatePolicies(rulePolicies, candidates, [], names)));
  }
  const assigned = [...evaluatePolicies(rulePolicies, candidates, [], names).values()].reduce((n, e) => n + e.matches.length, 0);

  // applyRules end to end, and the idle scheduler, on a real catalog
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'backstack-bench-policies-'));
  const home = path.join(dir, 'home');
  const core = createCore({ dataDir: home, runtime: 'cli', version: 'bench', logger: createLogger(() => undefined), keyProtector: keyFileProtector(home) });
  const now = new Date().toISOString();
  core.catalog.db.prepare(`INSERT INTO providers(id, name, auth_url, region, created_at) VALUES ('p1', 'bench', 'http://x/v3', 'RegionOne', ?)`).run(now);
  await core.services.destinations.create({ name: 'local', path: path.join(dir, 'dest') });
  const insert = core.catalog.db.prepare(`INSERT INTO resources(provider_id, kind, id, project_id, name, data, seen_at) VALUES ('p1', 'instance', ?, ?, ?, ?, ?)`);
  core.catalog.db.transaction(() => {
    for (const c of candidates) insert.run(c.id, c.projectId, c.name, JSON.stringify({ projectName: c.projectName, domainId: c.domainId, availabilityZone: c.availabilityZone, tags: c.tags }), now);
  })();
  const table = new PoliciesTable(core.catalog.db, () => undefined);
  for (let k = 0; k < POLICIES; k++) core.services.policies.create({ ...policySpec(k) });
  const applyMs: number[] = [];
  core.services.policies.applyRules(); // warm-up, as a long-running core is after its first sync
  for (let r = 0; r < plan.rounds; r++) {
    core.catalog.db.prepare('DELETE FROM policy_members').run();
    applyMs.push(timeMs(() => core.services.policies.applyRules()));
  }
  const members = table.allMembers().length;

  const IDLE_MS = 10_000;
  const idle = async (withScheduler: boolean): Promise<number> => {
    if (withScheduler) core.services.scheduler.start();
    const before = process.cpuUsage();
    const t = performance.now();
    await new Promise((r) => setTimeout(r, IDLE_MS));
    const used = process.cpuUsage(before);
    const wall = performance.now() - t;
    if (withScheduler) core.services.scheduler.stop();
    return (100 * (used.user + used.system)) / 1000 / wall;
  };
  const idleSched: number[] = [];
  const idlePeer: number[] = [];
  for (let r = 0; r < plan.rounds; r++) {
    idlePeer.push(await idle(false));
    idleSched.push(await idle(true));
  }
  await core.close();
  fs.rmSync(dir, { recursive: true, force: true });

  const evaluation = figure(evalMs);
  const peer = figure(peerMs);
  const apply = figure(applyMs);
  const sched = figure(idleSched);
  process.stdout.write(
    formatReport({
      benchmark: 'policies',
      judged: plan.judged,
      note: plan.note,
      instances: INSTANCES,
      policies: POLICIES,
      matched: assigned,
      membersWritten: members,
      evaluateMs: rounded(evaluation),
      evaluateColdMs: Math.round(coldEvalMs),
      applyRulesMs: rounded(apply),
      peerOneRegexPassMs: rounded(peer),
      evaluateVsPeer: ratioOfMedians(evaluation, peer),
      targetMs: 200,
      idleSchedulerCorePercent: rounded(sched, 3),
      idleNoSchedulerCorePercent: rounded(figure(idlePeer), 3),
      targetIdleCorePercent: 1,
    }),
  );
}

void main().catch((e: unknown) => {
  process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
  process.exitCode = 1;
});
