/**
 * The closed set of error codes that cross the boundary. The UI acts on the code
 * (re-login, refresh, show request id, retry); the message is for people.
 * Kept free of zod: threads that only throw these (the disk reader) stay small.
 */
export const APP_ERROR_CODES = [
  'validation.invalidInput',
  'auth.failed',
  'auth.forbidden',
  'network.unreachable',
  'tls.untrusted',
  'tls.certificateChanged',
  'ssh.hostKeyChanged',
  'openstack.apiError',
  'resource.notFound',
  'resource.conflict',
  'destination.locked',
  'destination.corrupt',
  'destination.wrongPassphrase',
  'storage.full',
  'job.cancelled',
  'unsupported',
  'internal',
] as const;
export type AppErrorCode = (typeof APP_ERROR_CODES)[number];

export interface AppErrorPayload {
  code: AppErrorCode;
  message: string;
  retryable: boolean;
  requestId?: string | undefined;
  details?: Record<string, unknown> | undefined;
}

/** Thrown inside the core; turned into a payload at the boundary, never thrown across it. */
export class AppError extends Error {
  readonly code: AppErrorCode;
  readonly retryable: boolean;
  readonly requestId: string | undefined;
  readonly details: Record<string, unknown> | undefined;

  constructor(
    code: AppErrorCode,
    message: string,
    opts: { retryable?: boolean; requestId?: string; details?: Record<string, unknown>; cause?: unknown } = {},
  ) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'AppError';
    this.code = code;
    this.retryable = opts.retryable ?? false;
    this.requestId = opts.requestId;
    this.details = opts.details;
  }

  toPayload(): AppErrorPayload {
    return {
      code: this.code,
      message: this.message,
      retryable: this.retryable,
      ...(this.requestId === undefined ? {} : { requestId: this.requestId }),
      ...(this.details === undefined ? {} : { details: this.details }),
    };
  }

  static fromPayload(p: AppErrorPayload): AppError {
    return new AppError(p.code, p.message, {
      retryable: p.retryable,
      ...(p.requestId === undefined ? {} : { requestId: p.requestId }),
      ...(p.details === undefined ? {} : { details: p.details }),
    });
  }
}
