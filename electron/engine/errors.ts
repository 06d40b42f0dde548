import { AppError, type AppErrorCode } from '../../shared/errors/codes';
import type { ConvertibleError } from '../lib/errors';

/**
 * Typed engine errors. Each says what happened in words a person can act on and maps to one
 * boundary code; `details` carries the machine-readable facts (digest, path, backup ids).
 */
export abstract class EngineError extends Error implements ConvertibleError {
  abstract readonly code: AppErrorCode;
  readonly retryable: boolean = false;
  readonly details: Record<string, unknown>;

  constructor(message: string, details: Record<string, unknown> = {}, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = new.target.name;
    this.details = details;
  }

  toAppError(): AppError {
    return new AppError(this.code, this.message, { retryable: this.retryable, details: this.details, cause: this });
  }
}

export class RepositoryNotFoundError extends EngineError {
  readonly code = 'resource.notFound';
  constructor(readonly dir: string) {
    super(`${dir} is not a Backstack destination (its config.json is missing).`, { dir });
  }
}

export class RepositoryExistsError extends EngineError {
  readonly code = 'resource.conflict';
  constructor(readonly dir: string) {
    super(`${dir} already holds a destination or other files; choose an empty folder.`, { dir });
  }
}

export class UnsupportedFormatError extends EngineError {
  readonly code = 'unsupported';
}

export class WrongPassphraseError extends EngineError {
  readonly code = 'destination.wrongPassphrase';
  constructor(what: 'passphrase' | 'recovery key' = 'passphrase') {
    super(`Wrong ${what}: the destination's key could not be unlocked. Nothing was changed.`);
  }
}

export class PassphraseRequiredError extends EngineError {
  readonly code = 'destination.wrongPassphrase';
  constructor(readonly dir: string) {
    super(`The destination at ${dir} is encrypted: give its passphrase or recovery key.`, { dir });
  }
}

export class RepositoryLockedError extends EngineError {
  readonly code = 'destination.locked';
  override readonly retryable = true;
  constructor(what: string, holder: Partial<Record<'kind' | 'host' | 'pid' | 'startedAt', unknown>>) {
    super(`The destination is locked: ${what} is running (${describeHolder(holder)}). Retry when it has finished.`, { holder });
  }
}

export class StorageFullError extends EngineError {
  readonly code = 'storage.full';
  constructor(readonly dir: string, cause: unknown, activity: 'backup' | 'restore' = 'backup') {
    super(
      activity === 'backup'
        ? `The backup destination is full (${dir}): free some space or choose another destination, then retry. ` +
            'Earlier backups are intact; the unfinished one was discarded.'
        : `The restore target is full (${dir}): free some space or choose another target, then retry. The partial file was removed.`,
      { dir },
      cause,
    );
  }
}

export class CorruptChunkError extends EngineError {
  readonly code = 'destination.corrupt';
  constructor(readonly digest: string, reason: string) {
    super(`Chunk ${digest} is corrupt (${reason}). Run verify to see which backups are affected.`, { digest, reason });
  }
}

export class MissingChunkError extends EngineError {
  readonly code = 'destination.corrupt';
  constructor(readonly digest: string, context = '') {
    super(`Chunk ${digest} is missing from the destination${context ? ` (${context})` : ''}. Run verify to see which backups are affected.`, { digest });
  }
}

/** An index or manifest that fails its checksum, authentication or parse. */
export class CorruptMetadataError extends EngineError {
  readonly code = 'destination.corrupt';
  constructor(readonly path: string, reason: string) {
    super(`${path} is corrupt (${reason}).`, { path, reason });
  }
}

export class BackupNotFoundError extends EngineError {
  readonly code = 'resource.notFound';
  constructor(ref: string, disk?: string) {
    super(disk === undefined ? `No backup ${ref} in this destination.` : `Backup ${ref} has no disk named ${disk}.`, { ref, disk });
  }
}

export class InvalidArgumentError extends EngineError {
  readonly code = 'validation.invalidInput';
}

/** The source broke its contract (extents out of order, beyond the disk, missing required data). */
export class SourceError extends EngineError {
  readonly code = 'validation.invalidInput';
}

/** Verify found problems; the report is in `details.report`. */
export class VerifyFailedError extends EngineError {
  readonly code = 'destination.corrupt';
}

export function isErrno(e: unknown, ...codes: string[]): e is NodeJS.ErrnoException {
  return typeof e === 'object' && e !== null && codes.includes((e as NodeJS.ErrnoException).code ?? '');
}

function describeHolder(h: Partial<Record<'kind' | 'host' | 'pid' | 'startedAt', unknown>>): string {
  const parts = [h.kind, h.host, h.pid === undefined ? undefined : `pid ${String(h.pid)}`, h.startedAt === undefined ? undefined : `since ${String(h.startedAt)}`];
  return parts.filter((p) => p !== undefined).join(', ');
}
