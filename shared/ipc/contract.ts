import { z } from 'zod';
import { AppStatus, CatalogTable, Settings } from '../domain/app';
import { ConnectionTest, ProviderInput, ProviderView } from '../domain/providers';
import { DestinationStats, DestinationView, KeepRules, PrunePreview } from '../domain/destinations';
import { CopyPullParams, CopyRunParams, CopyTargetInput, CopyTargetTest, CopyTargetView } from '../domain/copies';
import { ProxyInput, ProxyTest, ProxyView } from '../domain/proxies';
import { HypervisorItem, HypervisorSsh, HypervisorTest, Instance, InstanceSummary, InventoryNode, ResourceItem, ResourceKind } from '../domain/inventory';
import { Job, JobLogEntry, JobProgress, JobState } from '../domain/jobs';
import { PolicyAssignInput, PolicyDetail, PolicyPreview, PolicySpec, PolicyView, RetentionSimulation, Schedule, SchedulerStatus } from '../domain/policies';
import { Dashboard, MemberState } from '../domain/dashboard';
import { CreateSnapshotInput, DeleteSnapshotInput, SnapshotItem, SnapshotTarget } from '../domain/snapshots';
import { BackupInstanceParams, BackupView, BackupVolumeParams, HypervisorSshInput, ReleasedSnapshot, RestoreInPlaceParams, RestoreInstanceParams, RestorePointDisks, RestoreVolumeParams } from '../domain/backups';
import { PreflightReport } from '../domain/restore-preflight';
import { RestoreVerifyParams } from '../domain/restore-verify';
import { ExportStartInput, ExportView } from '../domain/exports';
import { EmailAddress, PostedNotification, SmtpInput, SmtpView } from '../domain/notifications';
import { FilesIndexInput, FilesSearchInput, FilesSearchOutput } from '../domain/files-search';
import { FileDisk, FileDownload, FileDragPrepared, FileEntry, FilePath, FilesDownloadInput, FilesRestoreParams, FilesRestoreToGuestParams, FilesTarget, FileVolume, MAX_PREVIEW_BYTES } from '../domain/files';

/**
 * The one contract between the renderer (or CLI, or tests) and the core. Types are derived
 * from these schemas and never written twice. Names: namespace.verbNoun.
 */
const req = <I extends z.ZodType, O extends z.ZodType>(input: I, output: O) => ({ input, output });
const Empty = z.object({}).strict();
const Id = z.string().min(1).max(200);
const Cursor = z.string().max(200).optional();

export const requests = {
  'app.getStatus': req(Empty, AppStatus),
  'settings.get': req(Empty, Settings),
  'settings.update': req(Settings.partial().strict(), Settings),
  'providers.list': req(Empty, z.object({ items: z.array(ProviderView) })),
  /**
   * Checks a cloud before it is saved: certificate, each authentication domain, each service.
   * With `id`, an edit of that saved cloud: its stored secrets and pinned certificate apply.
   */
  'providers.test': req(
    z.object({ provider: ProviderInput, acceptFingerprint: z.string().max(200).optional(), id: Id.optional() }).strict(),
    ConnectionTest,
  ),
  /** Tests, then saves; refused when the test fails. Passwords go in, never come back out. */
  'providers.add': req(z.object({ provider: ProviderInput, acceptFingerprint: z.string().max(200).optional() }).strict(), ProviderView),
  /**
   * Tests, then saves the changes to a saved cloud, which keeps its id (inventory, hypervisors and
   * restore points stay attached). An authentication domain sent with its id and no secret keeps
   * its stored one. Refused, with nothing changed, when the test fails.
   */
  'providers.update': req(z.object({ id: Id, provider: ProviderInput, acceptFingerprint: z.string().max(200).optional() }).strict(), ProviderView),
  'providers.retest': req(z.object({ id: Id }).strict(), ConnectionTest),
  'providers.remove': req(z.object({ id: Id }).strict(), z.object({ removed: z.literal(true) })),
  'jobs.list': req(
    z.object({ states: z.array(JobState).optional(), limit: z.number().int().min(1).max(1000).default(200), cursor: Cursor }).strict(),
    z.object({ items: z.array(Job), nextCursor: z.string().nullable() }),
  ),
  'jobs.get': req(z.object({ id: Id }).strict(), Job),
  'jobs.getLog': req(
    z.object({ id: Id, afterSeq: z.number().int().min(-1).default(-1), limit: z.number().int().min(1).max(5000).default(1000) }).strict(),
    z.object({ items: z.array(JobLogEntry) }),
  ),
  'jobs.cancel': req(z.object({ id: Id }).strict(), Job),
  'jobs.retry': req(z.object({ id: Id }).strict(), z.object({ jobId: z.string() })),
  'inventory.startSync': req(z.object({ providerId: Id }).strict(), z.object({ jobId: z.string() })),
  /** One level of the tree (provider → domain → project), loaded lazily. */
  'inventory.listChildren': req(
    z
      .object({
        providerId: Id,
        parent: z.discriminatedUnion('kind', [
          z.object({ kind: z.literal('provider') }),
          z.object({ kind: z.literal('domain'), id: Id }),
          z.object({ kind: z.literal('project'), id: Id }),
        ]),
      })
      .strict(),
    z.object({ items: z.array(InventoryNode) }),
  ),
  'inventory.listInstances': req(
    z.object({ providerId: Id.optional(), domainId: Id.optional(), projectId: Id.optional(), includeVanished: z.boolean().default(false) }).strict(),
    z.object({ items: z.array(InstanceSummary) }),
  ),
  'inventory.getInstance': req(
    z.object({ providerId: Id, id: Id }).strict(),
    Instance.extend({ providerId: z.string(), providerName: z.string(), vanishedAt: z.string().nullable(), seenAt: z.string() }),
  ),
  /** Flavors, keypairs, networks … of a cloud, for pickers (restore) and detail views. */
  'inventory.listResources': req(
    z.object({ providerId: Id, kind: ResourceKind, projectId: Id.optional(), includeVanished: z.boolean().default(false) }).strict(),
    z.object({ items: z.array(ResourceItem) }),
  ),
  'hypervisors.list': req(
    z.object({ providerId: Id }).strict(),
    z.object({ items: z.array(HypervisorItem) }),
  ),
  /** Connects to a hypervisor with its saved SSH settings (pinning its key on first use) and checks what backups need there. */
  'hypervisors.test': req(z.object({ providerId: Id, hostname: z.string().trim().min(1).max(255) }).strict(), HypervisorTest),
  /** Per-host SSH settings for the libvirt strategy; the key or password is sealed, never returned. */
  'hypervisors.setSsh': req(HypervisorSshInput, z.object({ hostname: z.string(), ssh: HypervisorSsh })),
  /** Proxy VMs of the disk-attachment strategy (the key or password sealed, never returned). */
  'proxies.list': req(z.object({ providerId: Id }).strict(), z.object({ items: z.array(ProxyView) })),
  /** Saves a proxy once its instance is found in the cloud. */
  'proxies.add': req(ProxyInput, ProxyView),
  'proxies.remove': req(z.object({ id: Id }).strict(), z.object({ removed: z.literal(true) })),
  /** Connects (pinning the host key on first use), checks python3 there and the instance in Nova. */
  'proxies.test': req(z.object({ id: Id }).strict(), ProxyTest),
  /** Backs up an instance with its cloud's strategy, or the one asked for: from its hypervisor over SSH (libvirt: full, incremental or auto), or through a Nova snapshot downloaded from Glance (image transfer, full). */
  'backups.start': req(BackupInstanceParams, z.object({ jobId: z.string() })),
  /** Backs up a Cinder volume on its own (attached or not) through the cloud's proxy VM (disk attachment). */
  'backups.startVolume': req(BackupVolumeParams, z.object({ jobId: z.string() })),
  /** Restore points, newest first; of one instance or volume when resourceId is given. */
  'backups.list': req(
    z.object({ resourceId: Id.optional(), destinationId: Id.optional(), providerId: Id.optional() }).strict(),
    z.object({ items: z.array(BackupView) }),
  ),
  /** Protects a restore point from pruning (or lifts it); written into the destination, so every workstation honours it. */
  'backups.setProtected': req(
    z.object({ destinationId: Id, backupId: z.string().min(1).max(400), protected: z.boolean() }).strict(),
    BackupView,
  ),
  /**
   * Merges back (or removes, for RBD) the snapshot this installation keeps on the hypervisor for
   * incrementals of an instance, and its leftovers; another installation's are left alone. The
   * next backup of the instance is full. Refused while a backup of the instance runs here.
   */
  'backups.releaseSnapshot': req(z.object({ providerId: Id, instanceId: Id }).strict(), ReleasedSnapshot),
  /** Finds the temporary Glance images this installation's image-transfer jobs left (killed mid-way) in a cloud, and deletes them unless dryRun; a job. */
  'backups.cleanup': req(z.object({ providerId: Id, dryRun: z.boolean().default(false) }).strict(), z.object({ jobId: z.string() })),
  /** Brings an instance back from a backup: a new server through Nova, or the domain defined on a hypervisor. */
  'restore.start': req(RestoreInstanceParams, z.object({ jobId: z.string() })),
  /** What a restore with these options would run into (quota, names, flavor, networks …), checked before anything is created; restore.start refuses the blockers. */
  'restore.preflight': req(RestoreInstanceParams, PreflightReport),
  /** The disks of an instance's restore point (local or volume, the boot disk, each volume's type), for choosing what to restore. */
  'restore.describe': req(z.object({ backupId: z.string().min(1).max(400), destinationId: Id.optional() }).strict(), RestorePointDisks),
  /** Restores one disk of an instance's restore point as a new volume (optionally attached to an instance); refused with every pre-flight blocker. */
  'restore.volume': req(RestoreVolumeParams, z.object({ jobId: z.string() })),
  /** What a volume restore would run into (disk, volume type, quota, the instance to attach to); creates nothing. */
  'restore.volumePreflight': req(RestoreVolumeParams, PreflightReport),
  /** Restores over an instance's existing disks (libvirt strategy): it is stopped through Nova, only the blocks that differ from the restore point are written and checked, and it is started again when it was running. */
  'restore.inPlace': req(RestoreInPlaceParams, z.object({ jobId: z.string() })),
  /** Boots the restore point in the cloud's sandbox project (a project given is saved as that sandbox), reads its console, removes everything created; the evidence is kept with the restore point. */
  'restore.verify': req(RestoreVerifyParams, z.object({ jobId: z.string(), sandboxProjectId: z.string() })),
  /** The sandbox project a cloud's boot checks run in (null: none chosen yet). */
  'restore.verifySandbox': req(z.object({ providerId: Id }).strict(), z.object({ providerId: z.string(), projectId: z.string().nullable() })),
  /**
   * Serves a disk of a restore point over NBD until exports.stop (or Backstack stops): read-only,
   * or writable through a temporary copy-on-write overlay; the restore point never changes.
   */
  'exports.start': req(ExportStartInput, ExportView),
  /** The exports this process serves, with their clients connected now. */
  'exports.list': req(Empty, z.object({ items: z.array(ExportView) })),
  /** Disconnects the export's clients and throws its overlay away. */
  'exports.stop': req(z.object({ id: Id }).strict(), z.object({ stopped: z.literal(true) })),
  'destinations.list': req(Empty, z.object({ items: z.array(DestinationView) })),
  /** Usage of a destination: stored vs logical bytes, reduction ratio, growth per backup. */
  'destinations.getStats': req(z.object({ id: Id }).strict(), DestinationStats),
  /** Creates a destination in an empty folder; an encrypted one returns its recovery key, shown once. */
  'destinations.create': req(
    z
      .object({
        name: z.string().trim().min(1).max(128),
        path: z.string().min(1).max(4096),
        passphrase: z.string().min(8).max(1024).optional(),
        compressionLevel: z.number().int().min(1).max(19).optional(),
      })
      .strict(),
    z.object({ destination: DestinationView, recoveryKey: z.string().nullable() }),
  ),
  /** Adds an existing destination (another workstation's, or after a reinstall) and indexes its restore points. */
  'destinations.add': req(
    z
      .object({ name: z.string().trim().min(1).max(128), path: z.string().min(1).max(4096), passphrase: z.string().min(1).max(1024).optional() })
      .strict(),
    DestinationView,
  ),
  /** Forgets a destination; what it holds on disk is left as it is. */
  'destinations.remove': req(z.object({ id: Id }).strict(), z.object({ removed: z.literal(true) })),
  'destinations.setDefault': req(z.object({ id: Id }).strict(), DestinationView),
  'destinations.startVerify': req(z.object({ id: Id, backupId: z.string().max(400).optional() }).strict(), z.object({ jobId: z.string() })),
  /** What a prune would keep and remove, and why; changes nothing. */
  'destinations.previewPrune': req(z.object({ id: Id, keep: KeepRules }).strict(), PrunePreview),
  'destinations.startPrune': req(z.object({ id: Id, keep: KeepRules }).strict(), z.object({ jobId: z.string() })),
  'destinations.startGc': req(z.object({ id: Id }).strict(), z.object({ jobId: z.string() })),
  /** When unused chunks are removed by themselves (null: only by hand); the scheduler queues them. */
  'destinations.setGcSchedule': req(z.object({ id: Id, schedule: Schedule.nullable() }).strict(), DestinationView),
  /** Rebuilds the catalog's index of a destination's restore points from what it holds. */
  'destinations.startReindex': req(z.object({ id: Id }).strict(), z.object({ jobId: z.string() })),
  /** Where restore points are copied: S3-compatible buckets (secret keys sealed, never returned). */
  'copies.listTargets': req(Empty, z.object({ items: z.array(CopyTargetView) })),
  'copies.addTarget': req(CopyTargetInput, CopyTargetView),
  'copies.removeTarget': req(z.object({ id: Id }).strict(), z.object({ removed: z.literal(true) })),
  /** Writes, reads and deletes a probe object; says whether Object Lock is on and which repository the prefix holds. */
  'copies.testTarget': req(z.object({ id: Id }).strict(), CopyTargetTest),
  /** Copies restore points of a destination to a target, as a job. */
  'copies.start': req(CopyRunParams, z.object({ jobId: z.string() })),
  /** Pulls restore points of a target into a folder, as a job; a folder that is a destination is re-indexed after. */
  'copies.startPull': req(CopyPullParams, z.object({ jobId: z.string() })),
  'policies.list': req(Empty, z.object({ items: z.array(PolicyView) })),
  /** A policy with its members and its recent runs (scheduled, caught up or skipped, with why). */
  'policies.get': req(z.object({ id: Id }).strict(), PolicyDetail),
  'policies.create': req(z.object({ spec: PolicySpec }).strict(), PolicyView),
  'policies.update': req(z.object({ id: Id, spec: PolicySpec }).strict(), PolicyView),
  /** Removes a policy and its memberships; its restore points stay in their destination. */
  'policies.remove': req(z.object({ id: Id }).strict(), z.object({ removed: z.literal(true) })),
  /** The instances a policy's rules (saved, or a draft) select now, those that would leave, and conflicts with other policies. */
  'policies.preview': req(z.object({ spec: PolicySpec, id: Id.optional() }).strict(), PolicyPreview),
  /** Which restore points schedules and retention would leave over the next days; changes nothing. */
  'policies.simulate': req(
    z.object({ schedules: z.array(Schedule).max(20), retention: KeepRules, days: z.number().int().min(1).max(400).default(35) }).strict(),
    RetentionSimulation,
  ),
  /** Adds instances (or every instance of projects) by hand; one in another policy is refused by name. */
  'policies.assign': req(PolicyAssignInput, z.object({ assigned: z.number().int(), conflicts: z.array(z.string()) })),
  'policies.unassign': req(
    z.object({ id: Id, instances: z.array(z.object({ providerId: Id, instanceId: Id }).strict()).min(1).max(10_000) }).strict(),
    z.object({ removed: z.number().int() }),
  ),
  /** Backs up every member now; members that cannot be backed up are named with the reason. */
  'policies.run': req(
    z.object({ id: Id, backupType: z.enum(['full', 'incremental', 'auto']).default('auto') }).strict(),
    z.object({ jobIds: z.array(z.string()), skipped: z.array(z.object({ name: z.string(), reason: z.string() })) }),
  ),
  /** Whether this process runs the schedules (one process per catalog does), the next runs and the recent ones. */
  'scheduler.status': req(Empty, SchedulerStatus),
  /** The mail server notifications go through (null: none set up); never its password, only whether one is stored. */
  'notifications.getSmtp': req(Empty, z.object({ smtp: SmtpView.nullable() })),
  /** Saves the mail server; the password is sealed (absent: the stored one is kept). Trusting a certificate pins the one the server presents now. */
  'notifications.setSmtp': req(SmtpInput, SmtpView),
  /** Sends a test message with the saved settings; a refusal says what to do (check host/port, user/password, trust the certificate). */
  'notifications.sendTest': req(z.object({ to: z.array(EmailAddress).min(1).max(20) }).strict(), z.object({ to: z.array(z.string()), response: z.string() })),
  /** Protection per policy, RPO compliance, next runs, storage per destination, the last 24 h of jobs: counted over the catalog. */
  /** Instance snapshots (Glance images of it) and snapshots of its volumes, newest first, each marked when Backstack made it. */
  'snapshots.list': req(SnapshotTarget, z.object({ items: z.array(SnapshotItem) })),
  /** Takes a snapshot of the instance, or of one of its volumes, as a job that waits until it is usable. */
  'snapshots.create': req(CreateSnapshotInput, z.object({ jobId: z.string() })),
  'snapshots.delete': req(DeleteSnapshotInput, z.object({ deleted: z.string() })),
  'dashboard.get': req(Empty, Dashboard),
  'dashboard.memberStatus': req(z.object({ policyId: Id.optional() }).strict(), z.object({ items: z.array(MemberState) })),
  /** The disks of a restore point: partition tables and what each partition holds (file-level restore). */
  'files.volumes': req(
    FilesTarget.omit({ disk: true, partition: true, lv: true }),
    z.object({ backupId: z.string(), disks: z.array(FileDisk) }),
  ),
  /** A folder of a restore point's file system (or the one entry a file path names); symlinks are shown, never followed. */
  'files.list': req(FilesTarget.extend({ path: FilePath }).strict(), z.object({ volume: FileVolume, path: z.string(), entries: z.array(FileEntry) })),
  /** The first bytes of a file, for a preview (base64). */
  'files.read': req(
    FilesTarget.extend({ path: z.string().min(1).max(8192), maxBytes: z.number().int().min(1).max(MAX_PREVIEW_BYTES).default(64 * 1024) }).strict(),
    z.object({ path: z.string(), size: z.number(), data: z.base64(), truncated: z.boolean() }),
  ),
  /** Checks files and folders of one folder can be read and names the download; console mode then streams it from /api/files/download/TICKET. */
  'files.prepareDownload': req(FilesDownloadInput, FileDownload),
  /** the desktop app's drag to restore: the selection copied out first, then dragged by main (electron/main/drag.ts) */
  'files.prepareDrag': req(FilesDownloadInput, FileDragPrepared),
  /** Copies files and folders of a restore point into a folder of the machine Backstack runs on, as a job. */
  'files.startRestore': req(FilesRestoreParams, z.object({ jobId: z.string() })),
  /** Writes files and folders of a restore point into a running instance through its QEMU guest agent, as a job. */
  'files.startRestoreToGuest': req(FilesRestoreToGuestParams, z.object({ jobId: z.string() })),
  /** Finds files by name, glob or path fragment in the file indexes of every restore point of an instance, a project or all; each path once, its versions side by side. */
  'files.search': req(FilesSearchInput, FilesSearchOutput),
  /** Indexes restore points' files now (a `files.index` job each): those made before indexing, or whose index was lost. */
  'files.startIndex': req(FilesIndexInput, z.object({ jobIds: z.array(z.string()) })),
  /** Copies the catalog to a file: a real job (consistent online backup of the SQLite catalog). */
  'catalog.startBackup': req(z.object({ file: z.string().min(1).max(4096) }).strict(), z.object({ jobId: z.string() })),
} as const;

export const events = {
  'jobs.changed': Job,
  'jobs.progressed': z.object({ id: z.string(), progress: JobProgress }),
  'jobs.logged': z.object({ id: z.string(), entry: JobLogEntry }),
  'catalog.changed': z.object({ tables: z.array(CatalogTable) }),
  /** a desktop notification a policy's rules asked for: the desktop app shows it with the system's, console mode with the browser's */
  'notifications.posted': PostedNotification,
} as const;

export type Requests = typeof requests;
export type RequestName = keyof Requests;
export type EventName = keyof typeof events;
export type InputOf<N extends RequestName> = z.input<Requests[N]['input']>;
export type ParsedInputOf<N extends RequestName> = z.output<Requests[N]['input']>;
export type OutputOf<N extends RequestName> = z.output<Requests[N]['output']>;
export type PayloadOf<E extends EventName> = z.output<(typeof events)[E]>;

export const requestNames = Object.keys(requests) as RequestName[];
export const eventNames = Object.keys(events) as EventName[];
export const isRequestName = (n: unknown): n is RequestName => typeof n === 'string' && Object.hasOwn(requests, n);
export const isEventName = (n: unknown): n is EventName => typeof n === 'string' && Object.hasOwn(events, n);
