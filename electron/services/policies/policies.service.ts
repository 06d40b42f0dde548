import { randomUUID } from 'node:crypto';
import type { KeepRules } from '../../../shared/domain/destinations';
import { PolicySpec, type PolicyDetail, type PolicyMember, type PolicyPreview, type PolicySpecInput, type PolicyView } from '../../../shared/domain/policies';
import { cronOf, nextRunsOf } from '../../../shared/domain/schedule-forms';
import { AppError } from '../../../shared/errors/codes';
import type { InventoryTable, PoliciesTable, StoredPolicy } from '../../catalog';
import type { BackupsService } from '../backup/backups.service';
import type { DestinationsService } from '../destinations/destinations.service';
import type { ProvidersService } from '../providers/providers.service';
import { evaluatePolicies, type Evaluation, type RulePolicy } from './rules';

type InstanceKey = { providerId: string; instanceId: string };
export interface RunResult {
  jobIds: string[];
  /** members not backed up, and why (vanished from the cloud, no SSH settings for their host …) */
  skipped: { name: string; reason: string }[];
}

/** "a, b, c and 7 more" */
const few = (xs: string[], n = 5): string => (xs.length <= n ? xs.join(', ') : `${xs.slice(0, n).join(', ')} and ${xs.length - n} more`);

const asRulePolicy = (p: StoredPolicy): RulePolicy => ({ id: p.id, name: p.spec.name, priority: p.spec.priority, rules: p.spec.rules, autoAssign: p.spec.autoAssign });

/**
 * Protection policies: which instances are members (by hand, or by rules on each sync), what a
 * run backs up, and the retention applied after each backup. Scheduling is the Scheduler's.
 */
export class PoliciesService {
  constructor(
    private readonly table: PoliciesTable,
    private readonly inventory: InventoryTable,
    private readonly destinations: DestinationsService,
    private readonly providers: ProvidersService,
    private readonly backups: BackupsService,
    /** the copy targets a policy may copy its restore points to */
    private readonly copyTargets: { target(idOrName: string): { id: string; name: string } },
    /** the running backup job of an instance, if any (a schedule does not stack a second one on it) */
    private readonly backupRunning: (instanceId: string) => string | null = () => null,
    private readonly now: () => Date = () => new Date(),
  ) {}

  list(): PolicyView[] {
    return this.table.list().map((p) => this.view(p));
  }

  get(idOrName: string): PolicyView {
    return this.view(this.stored(idOrName));
  }

  /** A policy with its members and its 50 most recent runs. */
  detail(idOrName: string): PolicyDetail {
    const p = this.stored(idOrName);
    return { ...this.view(p), memberList: this.table.members(p.id), runs: this.table.recentRuns({ policyId: p.id, limit: 50 }) };
  }

  stored(idOrName: string): StoredPolicy {
    const p = this.table.get(idOrName);
    if (!p) throw new AppError('resource.notFound', `No policy named "${idOrName}". See them with: backstack policy list`);
    return p;
  }

  create(input: PolicySpecInput): PolicyView {
    const spec = this.resolve(input);
    if (this.table.get(spec.name)) throw new AppError('resource.conflict', `A policy named "${spec.name}" already exists: choose another name.`);
    const at = this.now().toISOString();
    const p: StoredPolicy = { id: randomUUID(), spec, createdAt: at, updatedAt: at };
    this.table.insert(p);
    // Rules take effect on save (over the inventory as last synced), not only at the next sync.
    if (spec.enabled && spec.autoAssign !== 'off') this.applyRules();
    return this.view(p);
  }

  update(idOrName: string, input: PolicySpecInput): PolicyView {
    const current = this.stored(idOrName);
    const spec = this.resolve(input);
    const other = this.table.get(spec.name);
    if (other && other.id !== current.id) throw new AppError('resource.conflict', `A policy named "${spec.name}" already exists: choose another name.`);
    this.table.update(current.id, spec, this.now().toISOString());
    if (spec.enabled && spec.autoAssign !== 'off') this.applyRules();
    return this.get(current.id);
  }

  /** Removes the policy and its memberships; restore points it made stay in their destination. */
  remove(idOrName: string): void {
    this.table.remove(this.stored(idOrName).id);
  }

  members(idOrName: string): PolicyMember[] {
    return this.table.members(this.stored(idOrName).id);
  }

  /** What a policy's rules (saved, or a draft being edited) select now: members, leavers, conflicts. */
  preview(input: PolicySpecInput, id?: string): PolicyPreview {
    const spec = PolicySpec.parse(input);
    const draft: RulePolicy = { id: id ?? 'draft', name: spec.name, priority: spec.priority, rules: spec.rules, autoAssign: spec.autoAssign };
    const others = this.table.list().filter((p) => p.id !== draft.id && p.spec.autoAssign !== 'off').map(asRulePolicy);
    return this.evaluate([...others, draft]).get(draft.id) as Evaluation;
  }

  /**
   * Hand assignment: instances, or every instance a project has now. An instance that belongs
   * to another policy is refused by name (one policy per instance), never moved silently.
   */
  assign(idOrName: string, target: { instances?: InstanceKey[]; projects?: { providerId: string; project: string }[] }): { assigned: number; conflicts: string[] } {
    const policy = this.stored(idOrName);
    const wanted: InstanceKey[] = [...(target.instances ?? [])];
    for (const { providerId, project } of target.projects ?? []) {
      const provider = this.providers.get(providerId);
      const rows = this.table.candidates([provider.id]).filter((c) => c.projectId === project || c.projectName === project);
      if (rows.length === 0) throw new AppError('resource.notFound', `Project "${project}" of ${provider.name} has no instances in the inventory: sync the cloud, or check the name.`);
      wanted.push(...rows.map((c) => ({ providerId: c.providerId, instanceId: c.id })));
    }
    const conflicts: string[] = [];
    const add: (InstanceKey & { source: 'manual' })[] = [];
    for (const w of wanted) {
      const providerId = this.providers.get(w.providerId).id;
      const name = this.inventory.get(providerId, 'instance', w.instanceId)?.name ?? w.instanceId;
      const held = this.table.memberOf(providerId, w.instanceId);
      if (held && held.policyId !== policy.id) conflicts.push(`${name} belongs to policy "${this.table.get(held.policyId)?.spec.name ?? held.policyId}"`);
      else add.push({ providerId, instanceId: w.instanceId, source: 'manual' });
    }
    if (add.length === 0 && conflicts.length) throw new AppError('resource.conflict', `${conflicts.join('; ')}: an instance belongs to one policy at most. Remove it from that policy first.`);
    this.table.applyMembers(policy.id, add, [], this.now().toISOString());
    return { assigned: add.length, conflicts };
  }

  unassign(idOrName: string, instances: InstanceKey[]): { removed: number } {
    const policy = this.stored(idOrName);
    return { removed: this.table.applyMembers(policy.id, [], instances, this.now().toISOString()) };
  }

  /**
   * After a sync: auto-assigning policies take the instances their rules match (assign), and
   * let go of rule members that no longer match (assign-remove). Returns lines for the sync log.
   */
  applyRules(): { added: number; removed: number; lines: string[] } {
    const auto = this.table.list().filter((p) => p.spec.enabled && p.spec.autoAssign !== 'off');
    const result = this.evaluate(auto.map(asRulePolicy));
    let added = 0;
    let removed = 0;
    const lines: string[] = [];
    const at = this.now().toISOString();
    for (const p of auto) {
      const e = result.get(p.id) as Evaluation;
      const leave = p.spec.autoAssign === 'assign-remove' ? e.leaving : [];
      const n = this.table.applyMembers(p.id, e.matches.map((m) => ({ providerId: m.providerId, instanceId: m.instanceId, source: 'rule' as const })), leave, at);
      const after = this.table.countMembers(p.id);
      if (n > 0 || leave.length) lines.push(`Policy ${p.spec.name}: ${n - leave.length} instance(s) assigned${leave.length ? `, ${leave.length} removed (${few(leave.map((l) => l.name))}) as they no longer match` : ''}; ${after} member(s).`);
      added += n - leave.length;
      removed += leave.length;
      // One line per policy, not per instance: overlapping rules over a large cloud would flood the log.
      if (e.conflicts.length)
        lines.push(`Policy ${p.spec.name}: ${e.conflicts.length} instance(s) match its rules but belong to another policy and stay there (${few(e.conflicts.map((c) => `${c.name} → ${c.policyName}`))}); its preview lists them all.`);
    }
    return { added, removed, lines };
  }

  /** Queues a backup of every member now (a schedule's run, or "run now"); members that cannot be backed up are named. */
  run(idOrName: string, opts: { backupType?: 'full' | 'incremental' | 'auto'; notAfter?: string } = {}): RunResult {
    const policy = this.stored(idOrName);
    const destination = this.destinations.get(policy.spec.destination);
    const result: RunResult = { jobIds: [], skipped: [] };
    for (const m of this.table.members(policy.id)) {
      const name = m.instanceName ?? m.instanceId;
      const row = this.inventory.get(m.providerId, 'instance', m.instanceId);
      if (!row || row.vanishedAt) {
        result.skipped.push({ name, reason: 'no longer in the cloud (vanished at the last sync); remove it from the policy or restore it' });
        continue;
      }
      const running = this.backupRunning(m.instanceId);
      if (running) {
        result.skipped.push({ name, reason: `its previous backup (job ${running}) is still running` });
        continue;
      }
      try {
        const { jobId } = this.backups.start({
          providerId: m.providerId,
          instanceId: m.instanceId,
          mode: opts.backupType ?? 'auto',
          destinationId: destination.id,
          excludeDisks: policy.spec.excludeDisks,
          ...(policy.spec.strategy ? { strategy: policy.spec.strategy } : {}),
          ...(policy.spec.preSnapshot ? { preSnapshot: policy.spec.preSnapshot } : {}),
          ...(policy.spec.postSnapshot ? { postSnapshot: policy.spec.postSnapshot } : {}),
          policyId: policy.id,
          ...(opts.notAfter ? { notAfter: opts.notAfter } : {}),
        });
        result.jobIds.push(jobId);
      } catch (e) {
        result.skipped.push({ name, reason: (e as Error).message });
      }
    }
    return result;
  }

  /** "Run now": a run by hand, recorded in the policy's history like a scheduled one. */
  runByHand(idOrName: string, backupType: 'full' | 'incremental' | 'auto'): RunResult {
    const policy = this.stored(idOrName);
    const r = this.run(policy.id, { backupType });
    const at = this.now().toISOString();
    const skipped = r.skipped.map((x) => `${x.name}: ${x.reason}`).join('; ');
    this.table.addRun({
      policyId: policy.id,
      scheduleId: null,
      dueAt: at,
      at,
      outcome: 'started',
      message: `Run by hand (${backupType}): ${r.jobIds.length ? `${r.jobIds.length} backup(s) queued` : 'no member to back up'}${skipped ? `; not backed up: ${skipped}` : ''}.`,
      jobIds: r.jobIds,
    });
    return r;
  }

  /** The keep rules a backup started by this policy applies afterwards; null when the policy is gone or keeps everything. */
  retentionFor(policyId: string): KeepRules | null {
    const p = this.table.get(policyId);
    return p && Object.values(p.spec.retention).some((n) => (n ?? 0) > 0) ? p.spec.retention : null;
  }

  private evaluate(policies: RulePolicy[]): Map<string, Evaluation> {
    const domains = new Map(this.inventory.list({ kind: 'domain', includeVanished: true }).map((d) => [`${d.providerId}/${d.id}`, d.name]));
    const names = new Map(this.table.list().map((p) => [p.id, p.spec.name]));
    return evaluatePolicies(policies, this.table.candidates(), this.table.allMembers(), { domains, policies: names });
  }

  /** Checks the input and stores the destination by id (a renamed destination keeps its policies). */
  private resolve(input: PolicySpecInput): PolicySpec {
    const parsed = PolicySpec.safeParse(input);
    if (!parsed.success) {
      const i = parsed.error.issues[0];
      throw new AppError('validation.invalidInput', `${i?.path.join('.') || 'policy'}: ${i?.message ?? 'invalid'}`, { details: { issues: parsed.error.issues.map((x) => ({ path: x.path.join('.'), message: x.message })) } });
    }
    const spec = parsed.data;
    const destination = this.destinations.get(spec.destination);
    const providerIds = spec.rules.providerIds.map((id) => this.providers.get(id).id);
    const copyTo = spec.copyTo === null ? null : this.copyTargets.target(spec.copyTo).id;
    return { ...spec, destination: destination.id, copyTo, rules: { ...spec.rules, providerIds } };
  }

  private view(p: StoredPolicy): PolicyView {
    let destinationName: string | null = null;
    try {
      destinationName = this.destinations.get(p.spec.destination).name;
    } catch {
      destinationName = null; // removed since: the view says so, a run refuses with a message
    }
    let copyTargetName: string | null = null;
    try {
      copyTargetName = p.spec.copyTo === null ? null : this.copyTargets.target(p.spec.copyTo).name;
    } catch {
      copyTargetName = null; // removed since: a backup says so in its log
    }
    const now = this.now();
    return {
      id: p.id,
      spec: p.spec,
      destinationName,
      copyTargetName,
      members: this.table.countMembers(p.id),
      nextRuns: p.spec.schedules.map((s) => ({ scheduleId: s.id, cron: cronOf(s), at: p.spec.enabled ? (nextRunsOf(s, now, 1)[0]?.toISOString() ?? null) : null })),
      createdAt: p.createdAt,
      updatedAt: p.updatedAt,
    };
  }
}
