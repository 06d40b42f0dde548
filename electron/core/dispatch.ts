import { z } from 'zod';
import { AppError } from '../../shared/errors/codes';
import { isRequestName, requests } from '../../shared/ipc/contract';
import { err, ok, type Result } from '../../shared/ipc/result';
import { toAppError } from '../lib/errors';
import type { Logger } from '../lib/logger';
import type { Handlers } from './handlers/types';

export type Dispatch = (name: unknown, input: unknown) => Promise<Result<unknown>>;

/**
 * The single entry every transport calls: checks the name, parses the input, runs the handler,
 * parses the output (which also strips anything the contract does not name, so internal
 * fields never leak to a client), and never throws.
 */
export function createDispatch(handlers: Handlers, logger: Logger): Dispatch {
  return async (name, input) => {
    if (!isRequestName(name)) return err(new AppError('validation.invalidInput', `Unknown request "${String(name)}".`).toPayload());
    const spec = requests[name];
    const parsed = spec.input.safeParse(input ?? {});
    if (!parsed.success) {
      return err(
        new AppError('validation.invalidInput', `Invalid input for ${name}: ${z.prettifyError(parsed.error)}`, {
          details: { issues: parsed.error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message })) },
        }).toPayload(),
      );
    }
    try {
      const handler = handlers[name] as (i: unknown) => unknown;
      const value = await handler(parsed.data);
      return ok(spec.output.parse(value));
    } catch (e) {
      const appError = toAppError(e);
      if (appError.code === 'internal') logger.error(`request ${name} failed`, e);
      return err(appError.toPayload());
    }
  };
}
