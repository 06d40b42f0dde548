import { AppError } from '../../shared/errors/app-error';
import type { ConvertibleError } from '../lib/errors';

/**
 * A structure on the backed-up disk that cannot be right (a crafted or damaged partition table,
 * superblock, directory, extent tree …). Parsers throw it with what is wrong; the layer that knows
 * the path (volume.ts) adds where, so the message names the file the admin asked for.
 */
export class DamagedError extends Error implements ConvertibleError {
  override readonly name = 'DamagedError';
  constructor(
    readonly what: string,
    readonly where?: string,
  ) {
    super(where ? `${where}: ${what}` : what);
  }

  at(where: string): DamagedError {
    return this.where ? this : new DamagedError(this.what, where);
  }

  toAppError(): AppError {
    return new AppError('unsupported', `The backed-up file system is damaged or not readable here — ${this.message}. Other files may still be readable; a full disk restore is not affected.`, {
      cause: this,
    });
  }
}

/** Throws a DamagedError unless `ok`: the parsers' one way to refuse a value. */
export function check(ok: boolean, what: string | (() => string)): asserts ok {
  if (!ok) throw new DamagedError(typeof what === 'string' ? what : what());
}

export const notFound = (what: string): AppError => new AppError('resource.notFound', what);
export const refused = (what: string): AppError => new AppError('validation.invalidInput', what);
