import { z } from 'zod';
import { APP_ERROR_CODES, type AppErrorPayload as Payload } from './app-error';

export { AppError } from './app-error';

/** The boundary's schemas for the error codes and payloads of app-error.ts. */
export const AppErrorCode = z.enum(APP_ERROR_CODES);
export type AppErrorCode = z.infer<typeof AppErrorCode>;

export const AppErrorPayload: z.ZodType<Payload> = z.object({
  code: AppErrorCode,
  message: z.string(),
  retryable: z.boolean(),
  requestId: z.string().optional(),
  details: z.record(z.string(), z.unknown()).optional(),
});
export type AppErrorPayload = Payload;
