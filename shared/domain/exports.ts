import { z } from 'zod';

/** Disks of restore points served to other programs (NBD): what to start, and what runs. */

/** ADDR:PORT, [IPv6]:PORT, ADDR alone (port 10809) or :PORT (on 127.0.0.1) */
export const ListenAddress = z
  .string()
  .trim()
  .min(1)
  .max(100)
  .regex(/^(\[[0-9a-fA-F:.]+\]|[0-9a-zA-Z.:-]*)(:\d{1,5})?$/, 'an address and port such as 127.0.0.1:10809');

export const ExportStartInput = z
  .object({
    backupId: z.string().min(1).max(400),
    /** where the restore point is; default: the destination the catalog indexes it in */
    destinationId: z.string().min(1).max(200).optional(),
    /** the disk of the restore point (vda …); may be left out when it has one */
    disk: z.string().min(1).max(128).optional(),
    /** default 127.0.0.1:10809 (another free port when that one is taken) */
    listen: ListenAddress.optional(),
    /** writes go to a temporary copy-on-write overlay, thrown away at stop; the restore point never changes */
    writable: z.boolean().default(false),
    /** TLS required (NBD_OPT_STARTTLS): PEM files on the machine Backstack runs on; clients verify the certificate */
    tls: z
      .object({ certFile: z.string().min(1).max(4096), keyFile: z.string().min(1).max(4096) })
      .strict()
      .optional(),
  })
  .strict();
export type ExportStartInput = z.infer<typeof ExportStartInput>;

export const ExportView = z.object({
  id: z.string(),
  /** the NBD export name (the last part of the URL) */
  name: z.string(),
  destinationId: z.string(),
  backupId: z.string(),
  resourceName: z.string(),
  disk: z.string(),
  size: z.number(),
  writable: z.boolean(),
  host: z.string(),
  port: z.number(),
  /** nbd://HOST:PORT/NAME (nbds:// with TLS) */
  url: z.string(),
  tls: z.boolean(),
  /** command lines of the usual clients, ready to paste */
  commands: z.object({ qemuNbd: z.string(), nbdClient: z.string(), qemuImg: z.string() }),
  /** clients connected now */
  connections: z.number(),
  startedAt: z.string(),
});
export type ExportView = z.infer<typeof ExportView>;
