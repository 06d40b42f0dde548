import type { Command } from 'commander';
import type { BackupVerification } from '../../../shared/domain/restore-verify';
import type { Job } from '../../../shared/domain/jobs';
import type { Core } from '../../core/create-core';
import { withCore, type CliContext } from '../context';
import { printJson, unwrap } from '../output';
import { followJob } from '../wait-job';
import { destinationId } from './destination';

interface VerifyOptions {
  backup: string;
  sandboxProject?: string;
  provider?: string;
  destination?: string;
  json?: boolean;
}

/** The evidence as people read it: result, timings, the guest agent, what was removed, the console excerpt. */
export function printVerification(v: BackupVerification, out: (s: string) => void): void {
  const s = (n: number | null) => (n === null ? '–' : `${Math.round(n)} s`);
  out(`Result       ${v.result === 'passed' ? 'passed: verified bootable' : 'FAILED: boot check failed'} (${v.at})\n`);
  out(`Evidence     ${v.evidence}\n`);
  out(`Timings      restore ${s(v.seconds.restore)} · boot ${s(v.seconds.boot)} · total ${s(v.seconds.total)}\n`);
  out(`Guest agent  ${v.guestAgent.state}: ${v.guestAgent.detail}\n`);
  out(`Sandbox      project ${v.projectId}, server ${v.serverName}\n`);
  out(`Removed      ${v.removed.length ? v.removed.join(', ') : 'nothing was created'}\n`);
  if (v.console.length) out(`Console (last ${v.console.length} lines):\n${v.console.map((l) => `  | ${l}`).join('\n')}\n`);
}

async function evidenceOf(core: Core, backupId: string, destination: string | undefined): Promise<BackupVerification | null> {
  const items = unwrap(await core.api.invoke('backups.list', destination ? { destinationId: destination } : {})).items;
  return items.find((b) => b.id === backupId)?.verification ?? null;
}

export function registerVerify(restore: Command, ctx: CliContext): void {
  restore
    .command('verify')
    .description(
      "boot a restore point in the cloud's sandbox project (its own network, no floating IP), read its console for signs the OS came up, then remove everything created; the evidence is kept with the restore point",
    )
    .requiredOption('--backup <id>', 'restore point id (from backstack backup list)')
    .option('--sandbox-project <id>', "the project to boot it in; remembered as the cloud's sandbox (needed the first time)")
    .option('--provider <name>', 'the cloud to boot it in (default: the one the restore point was taken from)')
    .option('--destination <name>', 'the destination holding the restore point (default: where the catalog indexes it)')
    .option('--json', 'print JSON: the finished job and the evidence')
    .action(async (o: VerifyOptions) => {
      await withCore(ctx, {}, async (core) => {
        const destination = o.destination ? await destinationId(core, o.destination) : undefined;
        const { jobId } = unwrap(
          await core.api.invoke('restore.verify', {
            backupId: o.backup,
            ...(o.sandboxProject ? { sandboxProjectId: o.sandboxProject } : {}),
            ...(o.provider ? { providerId: o.provider } : {}),
            ...(destination ? { destinationId: destination } : {}),
          }),
        );
        let job: Job | undefined;
        try {
          job = await followJob(core, jobId, ctx);
        } finally {
          // a failed check has evidence too: printed before the failure is reported
          const v = job || core.jobs.get(jobId).state === 'failed' ? await evidenceOf(core, o.backup, destination) : null;
          const fresh = v && v.jobId === jobId ? v : null;
          if (o.json) printJson({ job: job ?? core.jobs.get(jobId), verification: fresh }, ctx.out);
          else if (fresh) printVerification(fresh, ctx.out);
        }
      });
    });
}
