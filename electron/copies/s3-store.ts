import { createHash } from 'node:crypto';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  GetObjectLockConfigurationCommand,
  HeadObjectCommand,
  ListObjectVersionsCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  PutObjectRetentionCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';

/**
 * An S3 bucket (AWS, Ceph RGW, MinIO …) under a key prefix, as a copy of a repository sees it:
 * whole objects put, read, listed, locked. The AWS SDK signs, retries 5xx and SlowDown with
 * backoff (maxAttempts), and pages listings; what is ours is the prefix and the lock handling.
 */
export interface S3Target {
  endpoint: string;
  region: string;
  bucket: string;
  /** key prefix, without leading or trailing slash ('' for the bucket's root) */
  prefix: string;
  forcePathStyle: boolean;
  accessKeyId: string;
  secretAccessKey: string;
}

export type LockMode = 'governance' | 'compliance';
export interface Lock {
  mode: LockMode;
  until: Date;
}

export class S3StoreError extends Error {
  constructor(
    message: string,
    readonly code: string | null,
    readonly status: number | null,
  ) {
    super(message);
    this.name = 'S3StoreError';
  }
}

const MODE = { governance: 'GOVERNANCE', compliance: 'COMPLIANCE' } as const;
// The SDK warns on every process under Node 22 that later SDK releases will need it: a note for
// whoever upgrades the lock file, not for an admin running a copy (the version used is pinned).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

/** What a copy needs of a store (S3Store; the unit tests' in-memory one). */
export type ObjectStore = Pick<S3Store, 'where' | 'get' | 'put' | 'head' | 'list' | 'extendLock' | 'listData' | 'getData'>;

/** An object that holds data, and the version to read when a delete marker hides it (null: the current one). */
export interface DataObject {
  size: number;
  hiddenVersion: string | null;
}

export class S3Store {
  private readonly client: S3Client;

  constructor(readonly target: S3Target) {
    this.client = new S3Client({
      endpoint: target.endpoint,
      region: target.region || 'us-east-1',
      forcePathStyle: target.forcePathStyle,
      credentials: { accessKeyId: target.accessKeyId, secretAccessKey: target.secretAccessKey },
      maxAttempts: 5,
      // Trailing checksums (the SDK's default) are not understood by every S3 implementation
      // (older RGW, MinIO); every put carries Content-MD5 instead, which all of them verify.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
  }

  /** `where` for messages: endpoint, bucket and prefix. */
  get where(): string {
    return `${this.target.endpoint} bucket ${this.target.bucket}${this.target.prefix ? ` prefix ${this.target.prefix}/` : ''}`;
  }

  key(rel: string): string {
    return this.target.prefix ? `${this.target.prefix}/${rel}` : rel;
  }

  private async call<T>(what: string, f: () => Promise<T>): Promise<T> {
    try {
      return await f();
    } catch (e) {
      throw this.explain(what, e);
    }
  }

  private explain(what: string, e: unknown): S3StoreError {
    if (e instanceof S3ServiceException) {
      const status = e.$metadata.httpStatusCode ?? null;
      const hint =
        e.name === 'AccessDenied' || status === 403
          ? ' Check the access key, the secret key and what the key may do in that bucket.'
          : e.name === 'NoSuchBucket'
            ? ' Create the bucket first (with Object Lock enabled, if the copy is to be immutable).'
            : e.name === 'SignatureDoesNotMatch'
              ? ' The secret key is wrong, or the region does not match the endpoint.'
              : '';
      return new S3StoreError(
        `${what} at ${this.where} failed: ${e.name}${e.message && e.message !== e.name ? ` (${e.message})` : ''}.${hint}`,
        e.name,
        status,
      );
    }
    const err = e as NodeJS.ErrnoException;
    const why = err.code && !err.message.includes(err.code) ? `${err.code} ${err.message}` : err.message;
    return new S3StoreError(
      `${what} at ${this.where} failed: ${why}. Check the endpoint address and that it is reachable from here.`,
      err.code ?? null,
      null,
    );
  }

  async put(rel: string, body: Buffer, lock?: Lock): Promise<void> {
    await this.call(`Writing ${rel}`, () =>
      this.client.send(
        new PutObjectCommand({
          Bucket: this.target.bucket,
          Key: this.key(rel),
          Body: body,
          ContentMD5: createHash('md5').update(body).digest('base64'),
          ...(lock ? { ObjectLockMode: MODE[lock.mode], ObjectLockRetainUntilDate: lock.until } : {}),
        }),
      ),
    );
  }

  async get(rel: string): Promise<Buffer | null> {
    try {
      const r = await this.client.send(new GetObjectCommand({ Bucket: this.target.bucket, Key: this.key(rel) }));
      return Buffer.from(await r.Body!.transformToByteArray());
    } catch (e) {
      if (e instanceof S3ServiceException && (e.name === 'NoSuchKey' || e.$metadata.httpStatusCode === 404)) return null;
      throw this.explain(`Reading ${rel}`, e);
    }
  }

  /** size and lock of an object, or null when there is none */
  async head(rel: string): Promise<{ size: number; lockedUntil: Date | null } | null> {
    try {
      const r = await this.client.send(new HeadObjectCommand({ Bucket: this.target.bucket, Key: this.key(rel) }));
      return { size: r.ContentLength ?? 0, lockedUntil: r.ObjectLockRetainUntilDate ?? null };
    } catch (e) {
      if (e instanceof S3ServiceException && (e.name === 'NotFound' || e.$metadata.httpStatusCode === 404)) return null;
      throw this.explain(`Looking up ${rel}`, e);
    }
  }

  /** Every key under `rel` (relative to the prefix), with sizes; the SDK pages through. */
  async list(rel: string): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    const base = this.key(rel);
    const strip = this.target.prefix ? this.target.prefix.length + 1 : 0;
    let token: string | undefined;
    do {
      const r = await this.call(`Listing ${rel}`, () =>
        this.client.send(new ListObjectsV2Command({ Bucket: this.target.bucket, Prefix: base, ...(token ? { ContinuationToken: token } : {}) })),
      );
      for (const o of r.Contents ?? []) if (o.Key) out.set(o.Key.slice(strip), o.Size ?? 0);
      token = r.IsTruncated ? r.NextContinuationToken : undefined;
    } while (token);
    return out;
  }

  /**
   * Every key under `rel` that still holds data, a key "deleted" by a delete marker included: in a
   * versioned bucket (Object Lock needs one) a delete without a version id only adds a marker,
   * which a lock does not prevent; the locked version is still there and is what a pull reads.
   */
  async listData(rel: string): Promise<Map<string, DataObject>> {
    const base = this.key(rel);
    const strip = this.target.prefix ? this.target.prefix.length + 1 : 0;
    const newest = new Map<string, { at: number; versionId: string; size: number; latest: boolean }>();
    let keyMarker: string | undefined;
    let versionMarker: string | undefined;
    try {
      do {
        const r = await this.client.send(
          new ListObjectVersionsCommand({
            Bucket: this.target.bucket,
            Prefix: base,
            ...(keyMarker ? { KeyMarker: keyMarker } : {}),
            ...(versionMarker ? { VersionIdMarker: versionMarker } : {}),
          }),
        );
        for (const v of r.Versions ?? []) {
          if (!v.Key) continue;
          const at = v.LastModified?.getTime() ?? 0;
          const seen = newest.get(v.Key);
          if (!seen || at > seen.at || (v.IsLatest && at === seen.at))
            newest.set(v.Key, { at, versionId: v.VersionId ?? 'null', size: v.Size ?? 0, latest: v.IsLatest === true });
        }
        keyMarker = r.IsTruncated ? r.NextKeyMarker : undefined;
        versionMarker = r.IsTruncated ? r.NextVersionIdMarker : undefined;
      } while (keyMarker);
    } catch (e) {
      // a store without versions: its plain listing is all there is
      if (e instanceof S3ServiceException && (e.name === 'NotImplemented' || e.$metadata.httpStatusCode === 501)) {
        return new Map([...(await this.list(rel))].map(([k, size]) => [k, { size, hiddenVersion: null }]));
      }
      throw this.explain(`Listing ${rel}`, e);
    }
    return new Map([...newest].map(([k, v]) => [k.slice(strip), { size: v.size, hiddenVersion: v.latest ? null : v.versionId }]));
  }

  /** An object's data, from the version a delete marker hides when one does (see listData); null when it has none. */
  async getData(rel: string): Promise<{ body: Buffer; hidden: boolean } | null> {
    const body = await this.get(rel);
    if (body) return { body, hidden: false };
    const version = (await this.listData(rel)).get(rel)?.hiddenVersion;
    if (!version) return null;
    try {
      const r = await this.client.send(new GetObjectCommand({ Bucket: this.target.bucket, Key: this.key(rel), VersionId: version }));
      return { body: Buffer.from(await r.Body!.transformToByteArray()), hidden: true };
    } catch (e) {
      throw this.explain(`Reading ${rel} (version ${version})`, e);
    }
  }

  /** Extends an existing object's lock (never shortens it: compliance mode refuses, and it would weaken the copy). */
  async extendLock(rel: string, lock: Lock): Promise<void> {
    await this.call(`Locking ${rel}`, () =>
      this.client.send(
        new PutObjectRetentionCommand({
          Bucket: this.target.bucket,
          Key: this.key(rel),
          Retention: { Mode: MODE[lock.mode], RetainUntilDate: lock.until },
        }),
      ),
    );
  }

  async delete(rel: string): Promise<void> {
    await this.call(`Deleting ${rel}`, () => this.client.send(new DeleteObjectCommand({ Bucket: this.target.bucket, Key: this.key(rel) })));
  }

  /** Whether the bucket has Object Lock enabled (a lock asked for on a bucket without it is refused up front). */
  async objectLockEnabled(): Promise<boolean> {
    try {
      const r = await this.client.send(new GetObjectLockConfigurationCommand({ Bucket: this.target.bucket }));
      return r.ObjectLockConfiguration?.ObjectLockEnabled === 'Enabled';
    } catch (e) {
      if (e instanceof S3ServiceException && (e.name === 'ObjectLockConfigurationNotFoundError' || e.$metadata.httpStatusCode === 404)) return false;
      throw this.explain('Reading the Object Lock setting', e);
    }
  }

  close(): void {
    this.client.destroy();
  }
}
