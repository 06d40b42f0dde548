import { RestoreInstanceParams } from '../../../shared/domain/backups';
import { blockersMessage, preflightReport } from '../../../shared/domain/restore-preflight';
import type { BackupVerification } from '../../../shared/domain/restore-verify';
import { AppError } from '../../../shared/errors/codes';
import type { JobKind } from '../../jobs/types';
import * as os from '../../openstack';
import type { StrategyDeps } from '../strategy';
import { readInstanceBackup } from './backup-metadata';
import { bootDisk, type InstanceBackupMetadata } from './backup-metadata';
import { bootEvidence, consoleExcerpt } from './boot-evidence';
import { restoreThroughNova } from './nova-restore';
import { preflightNova } from './preflight';
import { describeRestorePoint, inProject, withRestorePoint } from './restore.job';
import { cleanUp, type Created } from './verify-cleanup';
import { restoreMarks } from './restore-cleanup';
import { writeVerification } from './verification-note';

/** The evidence before the clean-up adds what it removed and the total time. */
type Outcome = Omit<BackupVerification, 'at' | 'removed' | 'seconds'> & { seconds: Omit<BackupVerification['seconds'], 'total'> };

/** How long a booted server may take to show on its console that the OS came up. */
const BOOT_TIMEOUT_MS = 5 * 60_000;
const CONSOLE_POLL_MS = 5_000;

/** "bsk-verify-web-1-20261203-0905": the throw-away server's name, telling what and when. */
export function verifyServerName(serverName: string, now: Date): string {
  const at = now.toISOString().slice(0, 16).replace(/[-:]/g, '').replace('T', '-');
  return `bsk-verify-${serverName.replace(/[^A-Za-z0-9-]+/g, '-').slice(0, 40)}-${at}`;
}

/** The network the check boots on: the sandbox project's own (no router or floating IP needed), else a shared one. */
function sandboxNetwork(networks: os.Network[], projectId: string): os.Network {
  const usable = networks.filter((n) => !n.external && n.adminStateUp);
  const n = usable.find((x) => x.projectId === projectId) ?? usable.find((x) => x.shared);
  if (!n) throw new AppError('resource.notFound', `The sandbox project ${projectId} has no network to boot on: create one in it (no router or floating IP needed), or choose another sandbox project.`);
  return n;
}

/**
 * `restore.verify`: the restore point restored into the cloud's sandbox project through Nova (pre-flight
 * first), booted, its console read for signs the OS came up and its guest agent asked; then everything
 * it created removed, also on failure or cancel. The evidence is kept with the restore point.
 */
export function restoreVerifyJob(d: StrategyDeps): JobKind<'restore.verify'> {
  return {
    kind: 'restore.verify',
    describeTarget: (p) => describeRestorePoint(d, p.backupId, p.destinationId),
    maxAttempts: 1,
    run: (ctx) =>
      withRestorePoint(d, ctx, ctx.params, readInstanceBackup, ({ repo, backup, ref, cloudId, progress }) => {
        const p = ctx.params;
        const log = (level: 'info' | 'warn', m: string) => ctx.log(level, m);
        return inProject(d, cloudId, p.sandboxProjectId, ctx.signal, progress, async (client, projectId) => {
          const clock = client.clock;
          const started = clock.now();
          const compute = await client.compute(ctx.signal);
          // names and dates on the wall clock; durations on the client's (virtual in tests)
          const name = verifyServerName(backup.serverName, new Date());
          progress('Pre-flight in the sandbox project');
          const network = sandboxNetwork(await os.listNetworks(await client.network(ctx.signal), { signal: ctx.signal }).all(), projectId);
          const params = RestoreInstanceParams.parse({ backupId: p.backupId, destinationId: p.destinationId, projectId, name, network: network.id, keypair: null });
          const report = preflightReport(name, await preflightNova({ client, backup, params, projectId, signal: ctx.signal }));
          if (report.blocked) throw new AppError('resource.conflict', blockersMessage(report).replace('The restore was not started', 'The boot check was not started'));
          log('info', `Booting ${backup.serverName} as ${name} in project ${projectId} on network ${network.name || network.id}, without a floating IP.`);

          const created: Created[] = [];
          let removed: Created[] = [];
          let outcome: Outcome | undefined;
          try {
            const hosts = d.restoreHosts({ hypervisors: d.hypervisors, providerId: cloudId, repo, ref, verify: false, signal: ctx.signal, log });
            let restoreEnd = clock.now();
            const base = { jobId: ctx.jobId, providerId: cloudId, projectId, serverName: name };
            try {
              const r = await restoreThroughNova({
                params, backup, backupRef: ref, providerId: cloudId, marks: restoreMarks(d.installation.id, ctx.jobId), signal: ctx.signal, log, progress, client, projectId, hosts,
                created: (x) => created.push(x),
              });
              restoreEnd = clock.now();
              progress('Waiting for the OS to come up');
              const boot = await watchConsole(compute, r.serverId, clock, ctx.signal);
              const restoreSeconds = (restoreEnd - started) / 1000;
              progress('Asking the guest agent');
              const guestAgent = await askGuestAgent(compute, backup, hosts, r.serverId, ctx.signal);
              outcome = {
                ...base,
                result: boot.evidence ? 'passed' : 'failed',
                evidence: boot.evidence ?? `The console showed no sign the OS came up within ${BOOT_TIMEOUT_MS / 60_000} minutes of the server being ACTIVE (no login prompt, cloud-init, systemd target or READY line).`,
                console: consoleExcerpt(boot.text),
                guestAgent,
                seconds: { restore: restoreSeconds, boot: boot.evidence ? (boot.at - restoreEnd) / 1000 : null },
              };
            } catch (e) {
              // A server that was created and then failed (ERROR, a disk that would not write) is a failed check; nothing created: no evidence.
              if (ctx.signal.aborted || !created.some((c) => c.kind === 'server')) throw e;
              const message = e instanceof Error ? e.message : String(e);
              outcome = { ...base, result: 'failed', evidence: `The restore did not end ACTIVE: ${message}`.slice(0, 2000), console: [], guestAgent: { state: 'not asked', detail: 'the server did not come up' }, seconds: { restore: (clock.now() - started) / 1000, boot: null } };
              throw e;
            }
          } finally {
            // Always, also on failure or cancel: the sandbox keeps nothing of the check.
            progress('Removing what the check created');
            removed = await cleanUp(client, created, log);
            if (outcome) {
              const evidence: BackupVerification = { ...outcome, at: new Date().toISOString(), removed: removed.map((c) => `${c.kind} ${c.name} (${c.id})`), seconds: { ...outcome.seconds, total: (clock.now() - started) / 1000 } };
              d.backups.setVerification(p.destinationId, p.backupId, evidence);
              // a destination that refuses the note does not hide how the check went
              await writeVerification(repo, ref, evidence).catch((e: unknown) =>
                log('warn', `The evidence could not be written into the destination (${e instanceof Error ? e.message : String(e)}): the catalog keeps it, a re-index would not find it.`),
              );
            }
          }
          const v = outcome!;
          const removedText = removed.length ? ` Removed ${removed.map((c) => `${c.kind} ${c.name}`).join(', ')}.` : '';
          if (v.result === 'failed') throw new AppError('openstack.apiError', `Boot check failed: ${v.evidence}${removedText}`);
          progress('Verified');
          return { summary: `Verified bootable: ${v.evidence}, ${v.seconds.boot?.toFixed(0)} s after ACTIVE (restore ${v.seconds.restore.toFixed(0)} s); guest agent ${v.guestAgent.state}.${removedText}` };
        });
      }),
  };
}

/** Polls the console until it shows the OS came up or the time is over. */
async function watchConsole(compute: os.ServiceClient, serverId: string, clock: os.Clock, signal: AbortSignal): Promise<{ evidence: string | null; text: string; at: number }> {
  const deadline = clock.now() + BOOT_TIMEOUT_MS;
  for (;;) {
    const text = await os.getConsoleOutput(compute, serverId, { lines: 200, signal });
    const evidence = bootEvidence(text);
    if (evidence || clock.now() >= deadline) return { evidence, text, at: clock.now() };
    await clock.sleep(CONSOLE_POLL_MS, signal);
  }
}

/** The QEMU guest agent asked through libvirt on the server's host, when the image declares one; else why it was not asked. */
async function askGuestAgent(
  compute: os.ServiceClient,
  b: InstanceBackupMetadata,
  hosts: ReturnType<StrategyDeps['restoreHosts']>,
  serverId: string,
  signal: AbortSignal,
): Promise<BackupVerification['guestAgent']> {
  if (bootDisk(b).kind === 'rbd' || !b.image)
    return { state: 'not asked', detail: 'the server boots from a restored volume: Nova gives it no guest agent channel' };
  if (b.image.properties.hw_qemu_guest_agent !== 'yes') return { state: 'not asked', detail: `the image ${b.image.name} does not declare a guest agent (hw_qemu_guest_agent)` };
  const server = await os.getServer(compute, serverId, { signal });
  if (!server.host || !server.instanceName) return { state: 'not asked', detail: 'Nova does not say where the server runs (admin attributes needed)' };
  const host = await hosts.open(server.host, server.hypervisorHostname).catch((e: unknown) => (signal.aborted ? Promise.reject(e) : e instanceof Error ? e : new Error(String(e))));
  if (host instanceof Error) return { state: 'not asked', detail: `the host ${server.host} could not be reached: ${host.message}`.slice(0, 500) };
  try {
    const r = await host.guestAgentPing(server.instanceName);
    return { state: r.answered ? 'answered' : 'no answer', detail: r.detail };
  } finally {
    host.close();
  }
}
