import { AppError } from '../../../shared/errors/codes';
import { formatBytes } from '../../../shared/format';
import type { JobKind } from '../../jobs/types';
import { GuestAgent } from '../../transfer/libvirt-ssh';
import { findServer } from '../backup/metadata';
import { describeInstance, type StrategyDeps } from '../strategy';
import type { FilesService } from './files.service';
import { restoreIntoGuest, selectionBytes } from './guest-restore';

/** The guest agent of a running instance, and how to let go of what reaches it. */
export interface OpenedGuest {
  agent: GuestAgent;
  /** where it runs, for the log */
  where: string;
  close(): void;
}

/** Reaches an instance's guest agent: through its hypervisor over SSH in the app, a fake guest in tests. */
export type GuestAgents = (o: { providerId: string; instanceId: string; signal: AbortSignal }) => Promise<OpenedGuest>;

/**
 * The instance's guest agent through libvirt on its hypervisor, found as the libvirt backups find
 * it: Nova says where it runs now (host, instance_name), the catalog has that host's SSH settings.
 */
export function sshGuestAgents(d: Pick<StrategyDeps, 'providers' | 'hypervisors'>): GuestAgents {
  return async ({ providerId, instanceId, signal }) => {
    const entries = d.providers.clients(providerId);
    try {
      const { server } = await findServer(entries, instanceId, signal);
      if (!server.instanceName || !server.host)
        throw new AppError('auth.forbidden', `Nova does not tell where ${server.name} runs: writing into an instance needs an admin account (OS-EXT-SRV-ATTR attributes).`);
      if (server.status !== 'ACTIVE') throw new AppError('resource.conflict', `${server.name} is ${server.status}, not running: start it, then restore into it again.`);
      const hv = d.hypervisors.forServer(providerId, server.host, server.hypervisorHostname);
      const ssh = await d.hypervisors.connect(hv, signal);
      return {
        agent: new GuestAgent((argv, o) => ssh.run(argv, { ...o, label: 'virsh qemu-agent-command' }), server.instanceName, server.name),
        where: `${server.name} runs on ${hv.hostname} as ${server.instanceName}; its guest agent is reached over SSH (${hv.ssh.user}@${hv.ssh.address}:${hv.ssh.port}).`,
        close: () => ssh.close(),
      };
    } finally {
      await Promise.all(entries.map((e) => e.client.close().catch(() => undefined)));
    }
  };
}

/** The cloud of the instance: the one named, else the restore point's, else the one whose inventory has the instance. */
function cloudOf(d: Pick<StrategyDeps, 'providers' | 'inventory' | 'backups'>, p: { providerId?: string | undefined; instanceId: string; backupId: string; destinationId?: string | undefined }): string {
  if (p.providerId) return d.providers.get(p.providerId).id;
  const own = d.backups.get(p.backupId, p.destinationId)?.providerId;
  if (own && d.providers.find(own)) return own;
  const found = d.providers.list().find((c) => d.inventory.get(c.id, 'instance', p.instanceId) !== undefined);
  if (found) return found.id;
  throw new AppError('resource.notFound', `No cloud's inventory has the instance ${p.instanceId}: sync its cloud, or name the cloud.`);
}

/**
 * `files.restoreToGuest`: files and folders of a restore point written into a running instance
 * through its QEMU guest agent (guest-restore.ts says how), with progress in bytes; a cancel
 * removes the file being written and leaves the ones already in place.
 */
export function guestRestoreJob(d: Pick<StrategyDeps, 'providers' | 'inventory' | 'backups'>, files: FilesService, agents: GuestAgents): JobKind<'files.restoreToGuest'> {
  return {
    kind: 'files.restoreToGuest',
    describeTarget: (p) => `${p.paths.length === 1 ? p.paths[0] : `${p.paths.length} entries`} of ${p.backupId} → ${describeInstance(d, p.providerId ?? null, p.instanceId)}`,
    // a second attempt would find the first one's files and keep them as .orig: the user decides
    maxAttempts: 1,
    async run(ctx) {
      const { instanceId, providerId: named, guestPath, overwrite, paths, ...target } = ctx.params;
      const providerId = cloudOf(d, { ...ctx.params, providerId: named });
      ctx.progress({ phase: 'Reaching the guest agent', unit: 'bytes', bytesDone: 0, bytesTotal: null });
      const guest = await agents({ providerId, instanceId, signal: ctx.signal });
      try {
        ctx.log('info', guest.where);
        const into = guestPath ? `${guestPath} of ${guest.agent.label}` : `${guest.agent.label}, each back into the folder it was in`;
        ctx.log('info', `Writing ${paths.join(', ')} into ${into} (what is in the way: ${overwrite ? 'replaced' : 'kept as NAME.orig'}).`);
        const r = await files.withTree({ ...target }, async (tree) => {
          const total = await selectionBytes(tree, paths);
          ctx.progress({ phase: `Writing into ${guest.agent.label}`, bytesDone: 0, bytesTotal: total });
          return restoreIntoGuest(tree, paths, guest.agent, { guestPath: guestPath ?? null, overwrite, signal: ctx.signal, onBytes: (n) => ctx.progress({ bytesDone: n }) });
        });
        for (const k of r.kept) ctx.log('info', `${k.path} was in the way: kept as ${k.as}.`);
        for (const s of r.skipped) ctx.log('warn', `${s.path} not restored: ${s.reason}.`);
        for (const m of r.metadata) ctx.log('warn', `${m.path}: ${m.reason}.`);
        ctx.progress({ phase: 'Restored', bytesDone: r.bytes, bytesTotal: r.bytes });
        const notes = [
          r.kept.length ? `${r.kept.length} existing kept as .orig` : '',
          r.skipped.length ? `${r.skipped.length} not restored (see the log)` : '',
          r.metadata.length ? `owner, mode or time not applied to ${r.metadata.length} (see the log)` : '',
        ].filter(Boolean);
        return {
          summary: `${r.files} file${r.files === 1 ? '' : 's'} (${formatBytes(r.bytes)}), ${r.folders} folder${r.folders === 1 ? '' : 's'} and ${r.symlinks} link${r.symlinks === 1 ? '' : 's'} written into ${guest.agent.label}${notes.length ? `; ${notes.join('; ')}` : ''}`,
        };
      } finally {
        guest.close();
      }
    },
  };
}
