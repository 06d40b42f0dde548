import { z } from 'zod';

/**
 * The closed set of error codes that cross the boundary. The UI acts on the code
 * (re-login, refresh, show request id, retry); the message is for people.
 */
export const AppErrorCode = z.enum([
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
  'repository.locked',
  'repository.corrupt',
  'repository.wrongPassphrase',
  'storage.full',
  'job.cancelled',
  'unsupported',
  'internal',
]);
export type AppErrorCode = z.infer<typeof AppErrorCode>;

export const AppErrorPayload = z.object({
  code: AppErrorCode,
  message: z.string(),
  retryable: z.boolean(),
  requestId: z.string().optional(),
  details: z.record(z.string(), z.unknown()).optional(),
});
export type AppErrorPayload = z.infer<typeof AppErrorPayload>;

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
