import { z } from 'zod';
import { BackupVerification } from './restore-verify';
import { OfferedStrategy } from './providers';

/** Backups of instances (libvirt strategy over SSH, or image transfer through Glance) and their restores: job parameters and views. */

const Name = z.string().trim().min(1).max(255);
const Id = z.string().min(1).max(200);
/** a guest device name as libvirt reports it (vda, sdb …) */
const DiskTarget = z.string().regex(/^[a-z]{2,4}[a-z0-9]{0,4}$/, 'a device name such as vda');

export const SnapshotHook = z.object({
  where: z.enum(['hypervisor', 'guest']),
  /** argv: each word passed as one argument, never through a shell string */
  argv: z.array(z.string().max(4096)).min(1).max(64),
  timeoutSeconds: z.number().int().min(1).max(3600).default(60),
  /** pre command only: go on with the backup when it fails */
  continueOnError: z.boolean().default(false),
});
export type SnapshotHook = z.infer<typeof SnapshotHook>;

export const BackupInstanceParams = z
  .object({
    providerId: Id,
    instanceId: Id,
    /** auto: incremental when the snapshot kept by the last backup is usable, else full (and the log says why) */
    mode: z.enum(['full', 'incremental', 'auto']).default('auto'),
    excludeDisks: z.array(DiskTarget).max(64).default([]),
    /** the backup destination; default: the default one */
    destinationId: Id.optional(),
    /** keep this backup's snapshot on the hypervisor so the next one can be incremental */
    keepSnapshot: z.boolean().default(true),
    preSnapshot: SnapshotHook.optional(),
    postSnapshot: SnapshotHook.optional(),
    /** the policy that started it: its retention is applied after the backup succeeds */
    policyId: Id.optional(),
    /** how the disks are read, for this backup (default: the cloud's strategy) */
    strategy: OfferedStrategy.optional(),
    /** a scheduled backup not started by this time (its start window's end, ISO) is skipped */
    notAfter: z.iso.datetime().optional(),
  })
  .strict();
export type BackupInstanceParams = z.infer<typeof BackupInstanceParams>;

/** A Cinder volume backed up on its own (attached or not), read on the cloud's proxy VM (disk attachment). */
export const BackupVolumeParams = z
  .object({
    providerId: Id,
    volumeId: Id,
    /** auto and incremental: only blocks whose digests changed since the volume's last backup cross the network */
    mode: z.enum(['full', 'incremental', 'auto']).default('auto'),
    destinationId: Id.optional(),
  })
  .strict();
export type BackupVolumeParams = z.infer<typeof BackupVolumeParams>;

export const RestoreInstanceParams = z
  .object({
    backupId: z.string().min(1).max(400),
    /** where the restore point is; default: the destination the catalog indexes it in */
    destinationId: Id.optional(),
    /** nova: a new server through the APIs, its disks replaced by the backup; libvirt: define the domain on the hypervisor */
    target: z.enum(['nova', 'libvirt']).default('nova'),
    /** the new server's or domain's name (default: defaultRestoreName, e.g. web-1-restored-2026-12-01) */
    name: Name.optional(),
    /** flavor name or id (default: the original flavor) */
    flavor: Name.optional(),
    /** network name or id for every NIC (default: the original networks) */
    network: Name.optional(),
    /** per NIC: from the original network's name or the NIC's index (0 for the first), to a network name or id; before `network` */
    networks: z.array(z.object({ from: z.union([Name, z.number().int().min(0).max(63)]), to: Name }).strict()).max(64).optional(),
    /** key pair name (default: the original one); null: none */
    keypair: Name.nullable().optional(),
    /** security groups by name (default: the project's default group, as Nova gives) */
    securityGroups: z.array(Name).max(32).optional(),
    /** per restored volume: its disk (vdb) and the volume type of its new volume (default: the original's type) */
    volumeTypes: z.array(z.object({ disk: DiskTarget, type: Name }).strict()).max(64).optional(),
    /** the disks to restore (default: every disk the restore point holds); the boot disk is always among them */
    disks: z.array(DiskTarget).min(1).max(64).optional(),
    /** through Nova: the availability zone of the new server (default: the original's, when the target has it) */
    availabilityZone: Name.optional(),
    /** through Nova: on (ACTIVE) after the restore, or off (left SHUTOFF) */
    power: z.enum(['on', 'off']).default('on'),
    /** project id (default: the original project) */
    projectId: Id.optional(),
    /** the cloud (id or name) to restore into (default: the cloud the restore point was taken from, by its Keystone URL and region) */
    providerId: Name.optional(),
    /** libvirt: the compute host to define the domain on (default: the original one) */
    host: Name.optional(),
    /** hash each disk as written and compare with the image on the hypervisor before the instance starts */
    verify: z.boolean().default(false),
    /** image-transfer restore points: keep the image uploaded to Glance (default: deleted once the server is ACTIVE) */
    keepImage: z.boolean().default(false),
  })
  .strict();
export type RestoreInstanceParams = z.infer<typeof RestoreInstanceParams>;

/** The disks of an instance's restore point as a restore chooses among them (`restore.describe`). */
export const RestorePointDisks = z.object({
  /** the project the instance was in (the default target) */
  projectId: z.string().nullable(),
  disks: z.array(
    z.object({
      name: z.string(),
      size: z.number(),
      /** volume: a Cinder volume (restored as a new one); local: the server's own disk, from its flavor */
      kind: z.enum(['volume', 'local']),
      /** the instance starts from it: always restored */
      boot: z.boolean(),
      /** the original volume's type (volumes only) */
      volumeType: z.string().nullable(),
    }),
  ),
});
export type RestorePointDisks = z.infer<typeof RestorePointDisks>;

/** One disk of an instance's restore point restored as a new Cinder volume, optionally attached to an instance. */
export const RestoreVolumeParams = z
  .object({
    backupId: z.string().min(1).max(400),
    destinationId: Id.optional(),
    /** the disk of the restore point (vdb) */
    disk: DiskTarget,
    /** project id (default: the original instance's project) */
    projectId: Id.optional(),
    /** the cloud (id or name; default: the one the restore point was taken from) */
    providerId: Name.optional(),
    /** the new volume's name (default: the original name + "-" + the disk + "-restored-" + the backup day) */
    name: Name.optional(),
    /** volume type name or id (default: the original volume's type, else the cloud's default) */
    volumeType: Name.optional(),
    /** an instance (id or name) of the project to attach the new volume to */
    attachTo: Name.optional(),
    /** hash the written disk on the hypervisor and compare with the backup */
    verify: z.boolean().default(false),
  })
  .strict();
export type RestoreVolumeParams = z.infer<typeof RestoreVolumeParams>;

/** A differential restore over an instance's existing disks (stopped through Nova first, started again after when it was running). */
export const RestoreInPlaceParams = z
  .object({
    backupId: z.string().min(1).max(400),
    destinationId: Id.optional(),
    /** the Nova server whose disks are overwritten */
    instanceId: Id,
    /** the disks to restore (default: every disk of the restore point) */
    disks: z.array(DiskTarget).min(1).max(26).optional(),
    /** the cloud (id or name; default: the one the restore point was taken from) */
    providerId: Name.optional(),
  })
  .strict();
export type RestoreInPlaceParams = z.infer<typeof RestoreInPlaceParams>;

/** One restore point as the catalog indexes it (the manifest in the repository is the truth). */
export const BackupView = z.object({
  id: z.string(),
  destinationId: z.string(),
  providerId: z.string().nullable(),
  resourceKind: z.enum(['instance', 'volume', 'disk']),
  resourceId: z.string(),
  resourceName: z.string(),
  kind: z.enum(['full', 'incremental']),
  parentId: z.string().nullable(),
  createdAt: z.string(),
  sizeBytes: z.number(),
  newBytes: z.number(),
  storedBytes: z.number(),
  disks: z.array(z.object({ name: z.string(), size: z.number() })),
  jobId: z.string().nullable(),
  /** kept by prune whatever the keep rules say (stored in the destination itself) */
  protected: z.boolean(),
  /**
   * an incremental that wrote several times the instance's usual new data (its policy's factor):
   * possibly ransomware encrypting the disk. Derived from the catalog's rows when listed.
   */
  unusualChange: z.object({ factor: z.number(), medianNewBytes: z.number() }).nullable().optional(),
  /** the last boot check of this restore point (restore.verify), kept in its destination too */
  verification: BackupVerification.nullable().optional(),
});
export type BackupView = z.infer<typeof BackupView>;

/** What releasing this installation's kept snapshot of an instance did (`backups.releaseSnapshot`). */
export const ReleasedSnapshot = z.object({
  instanceId: z.string(),
  instanceName: z.string(),
  /** the compute host the instance runs on */
  host: z.string(),
  /** overlays merged and RBD snapshots removed, one line each, for people */
  released: z.array(z.string()),
  /** snapshots left alone: another installation's, or a running job's of this one */
  others: z.array(z.string()),
  /** an RBD snapshot was released: the next backup reads those Ceph disks in full (file disks are tracked by block digests, kept in the destination) */
  nextBackupFull: z.boolean(),
  message: z.string(),
});
export type ReleasedSnapshot = z.infer<typeof ReleasedSnapshot>;

/**
 * The name a restored server gets unless the admin gives one: distinct from the original (which
 * may still run beside it) and telling which restore point it came from.
 */
/** "web-1-vdb-restored-2026-12-01": a volume restored from one disk. */
export function defaultVolumeRestoreName(originalName: string, disk: string, restorePointCreatedAt: string): string {
  return defaultRestoreName(`${originalName}-${disk}`, restorePointCreatedAt);
}

export function defaultRestoreName(originalName: string, restorePointCreatedAt: string): string {
  const day = restorePointCreatedAt.slice(0, 10);
  return `${originalName}-restored-${day}`.slice(0, 255);
}

/** Per-host SSH settings given by an admin. The key or password goes in and never comes back out; left out, the stored one is kept. */
/** How Backstack logs in to a host over SSH (a hypervisor, a proxy VM): the secret travels one way, to the core. */
export const SshLoginFields = {
  address: z.string().trim().min(1).max(255),
  port: z.number().int().min(1).max(65535).default(22),
  user: z.string().trim().min(1).max(64),
  privateKey: z.string().min(1).max(64 * 1024).optional(),
  passphrase: z.string().max(1024).optional(),
  password: z.string().min(1).max(1024).optional(),
  /** pin this host key now ("ssh-ed25519 SHA256:…"); else the first connection pins what it sees */
  hostKey: z.string().max(200).optional(),
};

export const HypervisorSshInput = z
  .object({
    providerId: Id,
    hostname: Name,
    ...SshLoginFields,
    /** how disks travel: through SSH (default), or directly over TLS (qemu-nbd on a port of `transferPorts`) */
    transfer: z.enum(['ssh', 'direct']).default('ssh'),
    /** the host's address for direct transfers (default: the SSH address) */
    transferAddress: z.string().trim().min(1).max(255).optional(),
    transferPorts: z.tuple([z.number().int().min(1024).max(65535), z.number().int().min(1024).max(65535)]).default([16000, 16999]),
  })
  .strict()
  // Neither: the stored key or password is kept (it is write-only, so an edit cannot send it back).
  .refine((v) => !(v.privateKey && v.password), { message: 'Give either a private key or a password, not both.' })
  .refine((v) => !v.passphrase || Boolean(v.privateKey), {
    message: 'A passphrase goes with the private key it opens: give the key again with it.',
    path: ['passphrase'],
  })
  .refine((v) => v.transferPorts[0] <= v.transferPorts[1], { message: 'The transfer port range must go from low to high.', path: ['transferPorts'] });
export type HypervisorSshInput = z.infer<typeof HypervisorSshInput>;
