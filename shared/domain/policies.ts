import { z } from 'zod';
import { SnapshotHook } from './backups';
import { KeepRules } from './destinations';
import { OfferedStrategy } from './providers';
import { DEFAULT_NOTIFICATION_RULES, NotificationRules } from './notifications';
import { Schedule } from './schedules';

/**
 * Protection policies: which instances (members, by hand or by rules), when (schedules), where
 * (a destination) and how long (retention). Shared by the core, the renderer and the CLI.
 */

const Id = z.string().min(1).max(200);
const Name = z.string().trim().min(1).max(128);
const DiskTarget = z.string().regex(/^[a-z]{2,4}[a-z0-9]{0,4}$/, 'a device name such as vda');

/** A regular expression as typed by an admin; a bad one is an error at its field, never a crash. */
export const NamePattern = z
  .string()
  .min(1)
  .max(500)
  .superRefine((s, ctx) => {
    try {
      new RegExp(s, 'u');
    } catch (e) {
      ctx.addIssue({ code: 'custom', message: `Not a valid regular expression: ${(e as Error).message.replace(/^Invalid regular expression: /, '')}` });
    }
  });

export const AutoAssign = z.enum(['off', 'assign', 'assign-remove']);
export type AutoAssign = z.infer<typeof AutoAssign>;

/**
 * Which instances a policy's rules select: every filter given must hold (an empty list means
 * "any"), and at least one of names, tags, projects, domains or zones must be given — rules
 * that would select a whole cloud by accident select nothing.
 */
export const PolicyRules = z
  .object({
    includeNames: z.array(NamePattern).max(50).default([]),
    excludeNames: z.array(NamePattern).max(50).default([]),
    tags: z.array(z.string().trim().min(1).max(255)).max(50).default([]),
    tagMatch: z.enum(['any', 'all']).default('any'),
    /** project ids or names */
    projects: z.array(Name).max(200).default([]),
    /** domain ids or names */
    domains: z.array(Name).max(200).default([]),
    availabilityZones: z.array(Name).max(50).default([]),
    /** cloud ids; empty: every cloud */
    providerIds: z.array(Id).max(50).default([]),
  })
  .strict();
export type PolicyRules = z.infer<typeof PolicyRules>;

export { Schedule, type ScheduleInput } from './schedules';

export const PolicySpec = z
  .object({
    name: Name,
    description: z.string().max(1000).default(''),
    enabled: z.boolean().default(true),
    /** lower runs first when schedules coincide, and claims an instance two policies' rules match */
    priority: z.number().int().min(0).max(1000).default(100),
    /** destination id or name */
    destination: Name,
    rules: PolicyRules.default(PolicyRules.parse({})),
    autoAssign: AutoAssign.default('off'),
    schedules: z.array(Schedule).max(20).default([]),
    retention: KeepRules.default({}),
    /** when start finds runs missed while Backstack was not running: one catch-up run, or none */
    missedRuns: z.enum(['run-once', 'skip']).default('run-once'),
    excludeDisks: z.array(DiskTarget).max(64).default([]),
    /**
     * Verify by booting: after a backup, when no boot check of the instance ran for this many
     * days, its new restore point is booted in the cloud's sandbox project (null: never).
     */
    verifyEveryDays: z.number().int().min(1).max(365).nullable().default(null),
    /** how its backups read disks (null: each cloud's setting) */
    strategy: OfferedStrategy.nullable().default(null),
    /** a copy target (id or name; stored by id): each new restore point is copied there after its backup (null: no copy) */
    copyTo: z.string().trim().min(1).max(200).nullable().default(null),
    preSnapshot: SnapshotHook.optional(),
    postSnapshot: SnapshotHook.optional(),
    /** what is reported, and where (the desktop, e-mail) */
    notifications: NotificationRules.default(DEFAULT_NOTIFICATION_RULES),
  })
  .strict()
  .superRefine((p, ctx) => {
    const ids = new Set<string>();
    p.schedules.forEach((s, i) => {
      if (ids.has(s.id)) ctx.addIssue({ code: 'custom', path: ['schedules', i, 'id'], message: `Two schedules are named ${s.id}.` });
      ids.add(s.id);
    });
  });
export type PolicySpec = z.infer<typeof PolicySpec>;
export type PolicySpecInput = z.input<typeof PolicySpec>;

export const MemberSource = z.enum(['manual', 'rule']);
export const PolicyMember = z.object({
  providerId: z.string(),
  instanceId: z.string(),
  instanceName: z.string().nullable(),
  projectName: z.string().nullable(),
  source: MemberSource,
  assignedAt: z.string(),
  /** the newest restore point of the instance this installation indexes, any policy */
  lastBackupAt: z.string().nullable(),
});
export type PolicyMember = z.infer<typeof PolicyMember>;

export const PolicyView = z.object({
  id: z.string(),
  spec: PolicySpec,
  destinationName: z.string().nullable(),
  /** the copy target's name (null: no copy, or the target was removed since) */
  copyTargetName: z.string().nullable().default(null),
  members: z.number().int().nonnegative(),
  /** when each schedule runs next (null: the policy is paused or has no schedule) */
  nextRuns: z.array(z.object({ scheduleId: z.string(), at: z.string().nullable(), cron: z.string() })),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type PolicyView = z.infer<typeof PolicyView>;

const InstanceRef = z.object({ providerId: z.string(), instanceId: z.string(), name: z.string(), projectName: z.string().nullable() });
export const PolicyPreview = z.object({
  /** instances the rules match now and that would belong to this policy */
  matches: z.array(InstanceRef),
  /** rule members that no longer match (removed in assign-remove mode) */
  leaving: z.array(InstanceRef),
  /** instances the rules match that belong to another policy: shown, never moved silently */
  conflicts: z.array(InstanceRef.extend({ policyName: z.string() })),
});
export type PolicyPreview = z.infer<typeof PolicyPreview>;

export const PolicyRun = z.object({
  id: z.number().int(),
  policyId: z.string(),
  scheduleId: z.string().nullable(),
  dueAt: z.string(),
  at: z.string(),
  outcome: z.enum(['started', 'skipped', 'caught-up']),
  message: z.string(),
  jobIds: z.array(z.string()),
});
export type PolicyRun = z.infer<typeof PolicyRun>;

export const SchedulerStatus = z.object({
  /** this process runs the scheduler */
  running: z.boolean(),
  /** who holds the catalog's scheduler (this process or another), when one does */
  holder: z.object({ pid: z.number().int(), hostname: z.string(), runtime: z.string(), since: z.string(), heartbeatAt: z.string() }).nullable(),
  nextRuns: z.array(z.object({ policyId: z.string(), policyName: z.string(), scheduleId: z.string(), at: z.string() })),
  recent: z.array(PolicyRun),
});
export type SchedulerStatus = z.infer<typeof SchedulerStatus>;

export const RetentionSimulation = z.object({
  /** restore points that exist at the end, newest first, with the schedule that made each and why it is kept */
  kept: z.array(z.object({ at: z.string(), scheduleId: z.string(), backupType: z.string(), reasons: z.array(z.string()) })),
  /** backups the schedules take over the period */
  taken: z.number().int(),
  /** the most restore points that exist at any one time */
  peak: z.number().int(),
});
export type RetentionSimulation = z.infer<typeof RetentionSimulation>;

const InstanceKey = z.object({ providerId: Id, instanceId: Id }).strict();
export const PolicyAssignInput = z
  .object({
    id: Id,
    instances: z.array(InstanceKey).max(10_000).optional(),
    /** every instance a project has now (by project id or name) */
    projects: z.array(z.object({ providerId: Id, project: Name }).strict()).max(200).optional(),
  })
  .strict();
export const PolicyDetail = PolicyView.extend({ memberList: z.array(PolicyMember), runs: z.array(PolicyRun) });
export type PolicyDetail = z.infer<typeof PolicyDetail>;
