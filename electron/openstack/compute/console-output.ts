// A server's serial console log (Nova's os-getConsoleOutput action).
import { z } from 'zod';
import type { ServiceClient } from '../core/service-client';

const ConsoleOutput = z.looseObject({ output: z.string().nullable().default('') });

/** The last `lines` lines of what the server printed on its console (Nova keeps a bounded log). */
export async function getConsoleOutput(compute: ServiceClient, serverId: string, opts: { lines?: number; signal?: AbortSignal } = {}): Promise<string> {
  const res = await compute.post(
    `servers/${encodeURIComponent(serverId)}/action`,
    { 'os-getConsoleOutput': opts.lines ? { length: opts.lines } : {} },
    { ok: [200], schema: ConsoleOutput, signal: opts.signal },
  );
  return res.body.output ?? '';
}
