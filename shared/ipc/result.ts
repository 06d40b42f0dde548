import { z } from 'zod';
import { AppErrorPayload } from '../errors/codes';

/** Every request answers with this envelope; nothing is thrown across a transport. */
export type Result<T> = { ok: true; value: T } | { ok: false; error: AppErrorPayload };

export const resultSchema = <T extends z.ZodType>(value: T) =>
  z.discriminatedUnion('ok', [z.object({ ok: z.literal(true), value }), z.object({ ok: z.literal(false), error: AppErrorPayload })]);

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });
export const err = (error: AppErrorPayload): Result<never> => ({ ok: false, error });
