import { z } from 'zod';

/**
 * Copies of restore points in S3-compatible object storage (AWS S3, Ceph RGW, MinIO …): the same
 * repository, byte for byte, sealed files sealed (engine/FORMAT.md, "Copies in object storage").
 * A copy target names the bucket; the secret key is sealed in the catalog and never leaves the core.
 */

export const LockMode = z.enum(['governance', 'compliance']);
export type LockMode = z.infer<typeof LockMode>;

/** Object Lock: every object of a copied restore point locked for `days` after its copy. */
export const CopyLock = z.object({ mode: LockMode, days: z.number().int().min(1).max(36500) }).strict();
export type CopyLock = z.infer<typeof CopyLock>;

const Name = z.string().trim().min(1).max(128);
/** S3 bucket names: 3–63 of lower-case letters, digits, '.', '-' */
const Bucket = z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'a bucket name is 3–63 lower-case letters, digits, dots and dashes');
/** key prefix: words of letters, digits, '.', '_', '-' separated by '/', no '..' */
const Prefix = z
  .string()
  .max(512)
  .regex(
    /^(?:[A-Za-z0-9_-][A-Za-z0-9._-]*(?:\/[A-Za-z0-9_-][A-Za-z0-9._-]*)*)?$/,
    'a prefix is words of letters, digits, ".", "_" and "-" separated by "/", without a leading or trailing "/"',
  );
const Endpoint = z
  .string()
  .url()
  .max(2048)
  .refine((u) => /^https?:\/\//.test(u), 'the endpoint is an http:// or https:// address');

export const CopyTargetInput = z
  .object({
    name: Name,
    endpoint: Endpoint,
    region: z.string().trim().max(64).default('us-east-1'),
    bucket: Bucket,
    prefix: Prefix.default(''),
    /** path-style addressing (endpoint/bucket/key): Ceph RGW and MinIO usually need it */
    forcePathStyle: z.boolean().default(true),
    accessKeyId: z.string().trim().min(1).max(256),
    secretAccessKey: z.string().min(1).max(1024),
    lock: CopyLock.nullable().default(null),
  })
  .strict();
export type CopyTargetInput = z.input<typeof CopyTargetInput>;

export const CopyTargetView = z.object({
  id: z.string(),
  name: z.string(),
  kind: z.literal('s3'),
  endpoint: z.string(),
  region: z.string(),
  bucket: z.string(),
  prefix: z.string(),
  forcePathStyle: z.boolean(),
  accessKeyId: z.string(),
  lock: CopyLock.nullable(),
  createdAt: z.string(),
});
export type CopyTargetView = z.infer<typeof CopyTargetView>;

/** What a test of a target found: a probe object written, read back and deleted; whether Object Lock is on. */
export const CopyTargetTest = z.object({
  ok: z.boolean(),
  message: z.string(),
  objectLock: z.boolean().nullable(),
  /** the repository already in the bucket under the prefix, if any */
  repositoryId: z.string().nullable(),
});
export type CopyTargetTest = z.infer<typeof CopyTargetTest>;

const BackupIds = z.array(z.string().min(1).max(400)).max(10000);

/** Copies restore points of a destination to a target: those named, those of a resource, or all (default). */
export const CopyRunParams = z
  .object({
    destinationId: z.string().min(1).max(200),
    targetId: z.string().min(1).max(200),
    backupIds: BackupIds.optional(),
    resourceId: z.string().min(1).max(200).optional(),
  })
  .strict();
/** Pulls restore points of a target into a folder (a new destination, or the one they came from). */
export const CopyPullParams = z
  .object({ targetId: z.string().min(1).max(200), path: z.string().min(1).max(4096), backupIds: BackupIds.optional() })
  .strict();
