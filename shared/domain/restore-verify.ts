import { z } from 'zod';

/**
 * Verified restores: a restore point restored into a sandbox project, booted, its console read
 * for signs the OS came up, then everything created removed. The evidence is kept with the
 * restore point (a note in its destination) and in the catalog's row of it.
 */

const Id = z.string().min(1).max(200);

/** `restore.verify`: which restore point, and where to boot it (default: the sandbox project saved for its cloud). */
export const RestoreVerifyParams = z
  .object({
    backupId: z.string().min(1).max(400),
    destinationId: Id.optional(),
    /** the cloud (id or name) to boot it in (default: the cloud it was taken from) */
    providerId: z.string().trim().min(1).max(255).optional(),
    /** the project to boot it in; saved as the cloud's sandbox project for the next checks */
    sandboxProjectId: Id.optional(),
  })
  .strict();
export type RestoreVerifyParams = z.infer<typeof RestoreVerifyParams>;

/** The most console lines kept as evidence. */
export const CONSOLE_EXCERPT_LINES = 20;

export const BackupVerification = z.object({
  /** passed: the console showed the OS came up; failed: the server did not become ACTIVE or showed no sign in time */
  result: z.enum(['passed', 'failed']),
  /** when the check ended */
  at: z.string(),
  /** the job that ran it (null when the note came from another installation's destination) */
  jobId: z.string().nullable(),
  providerId: z.string(),
  projectId: z.string(),
  /** the throw-away server's name */
  serverName: z.string(),
  seconds: z.object({
    /** until the restored server was ACTIVE */
    restore: z.number().nonnegative(),
    /** from ACTIVE until the console showed the OS up (null: it never did) */
    boot: z.number().nonnegative().nullable(),
    /** the whole check, clean-up included */
    total: z.number().nonnegative(),
  }),
  /** what showed the OS came up ("login prompt"), or why the check failed */
  evidence: z.string().max(2000),
  /** the last console lines (at most CONSOLE_EXCERPT_LINES; lines that may hold a secret withheld) */
  console: z.array(z.string().max(400)).max(CONSOLE_EXCERPT_LINES),
  /** the QEMU guest agent: answered, did not answer, or not asked (and why) */
  guestAgent: z.object({ state: z.enum(['answered', 'no answer', 'not asked']), detail: z.string().max(500) }),
  /** what was created and then removed, one line each */
  removed: z.array(z.string().max(400)).max(64),
});
export type BackupVerification = z.infer<typeof BackupVerification>;

/** "verified bootable on 2026-12-03" / "boot check failed on 2026-12-03": the timeline's words. */
export function verificationLabel(v: Pick<BackupVerification, 'result' | 'at'>): string {
  const day = v.at.slice(0, 10);
  return v.result === 'passed' ? `verified bootable on ${day}` : `boot check failed on ${day}`;
}
