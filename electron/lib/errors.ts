import { AppError } from '../../shared/errors/codes';

/** Layer errors (OpenStack, engine, transfer) implement this to say what they mean at the boundary. */
export interface ConvertibleError {
  toAppError(): AppError;
}

type Converter = (e: unknown) => AppError | undefined;
const converters: Converter[] = [];

/** Layers whose errors cannot implement ConvertibleError themselves (the OpenStack SDK) register a mapping here. */
export function registerErrorConverter(c: Converter): void {
  if (!converters.includes(c)) converters.push(c);
}

const isConvertible = (e: unknown): e is ConvertibleError =>
  typeof e === 'object' && e !== null && typeof (e as Partial<ConvertibleError>).toAppError === 'function';

export function toAppError(e: unknown): AppError {
  if (e instanceof AppError) return e;
  if (isConvertible(e)) return e.toAppError();
  for (const c of converters) {
    const mapped = c(e);
    if (mapped) return mapped;
  }
  if (isAbort(e)) return new AppError('job.cancelled', 'Cancelled.');
  const errno = (e as NodeJS.ErrnoException | undefined)?.code;
  if (errno === 'ENOSPC')
    return new AppError('storage.full', 'The disk is full. Free some space or choose another destination, then retry.', { cause: e });
  if (errno === 'EACCES' || errno === 'EPERM') return new AppError('auth.forbidden', `Permission denied: ${(e as Error).message}`, { cause: e });
  const message = e instanceof Error ? e.message : String(e);
  return new AppError('internal', `Unexpected error: ${message}`, { cause: e });
}

export function isAbort(e: unknown): boolean {
  return e instanceof Error && (e.name === 'AbortError' || (e as NodeJS.ErrnoException).code === 'ABORT_ERR');
}

export function isRetryable(e: unknown): boolean {
  if (typeof e === 'object' && e !== null && 'retryable' in e) return Boolean((e as { retryable: unknown }).retryable);
  return toAppError(e).retryable;
}
