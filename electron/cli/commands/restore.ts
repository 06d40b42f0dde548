import type { Command } from 'commander';
import type { RestoreInstanceParams } from '../../../shared/domain/backups';
import type { PreflightReport } from '../../../shared/domain/restore-preflight';
import { AppError } from '../../../shared/errors/app-error';
import { withCore, type CliContext } from '../context';
import { printJson, table, unwrap, UsageError } from '../output';
import { followJob } from '../wait-job';
import { destinationId } from './destination';
import { registerVerify } from './restore-verify';
import { registerInPlace } from './restore-in-place';

interface RunOptions {
  backup: string;
  name?: string;
  flavor?: string;
  network: string[];
  /** a name, or false for --no-keypair */
  keypair?: string | false;
  securityGroup: string[];
  volumeType: string[];
  disk: string[];
  az?: string;
  power?: string;
  project?: string;
  provider?: string;
  destination?: string;
  libvirt?: boolean;
  host?: string;
  verify?: boolean;
  keepImage?: boolean;
  dryRun?: boolean;
  json?: boolean;
}

const collect = (v: string, all: string[]) => [...all, v];

/** What each target uses: Nova picks the host itself; a domain defined on a hypervisor has no flavor, network, key pair, security group, project or power choice. */
function checkTarget(o: RunOptions): void {
  if (!o.libvirt && o.host) throw new UsageError('--host goes with --libvirt (through Nova, the scheduler picks the host).');
  const used = {
    flavor: o.flavor !== undefined,
    network: o.network.length > 0,
    keypair: o.keypair !== undefined,
    'security-group': o.securityGroup.length > 0,
    'volume-type': o.volumeType.length > 0,
    disk: o.disk.length > 0,
    az: o.az !== undefined,
    project: o.project !== undefined,
    power: o.power !== undefined,
    'keep-image': o.keepImage === true,
  };
  const novaOnly = Object.entries(used)
    .filter(([, v]) => v)
    .map(([k]) => k);
  if (o.libvirt && novaOnly.length)
    throw new UsageError(
      `${novaOnly.map((k) => `--${k}`).join(', ')} ${novaOnly.length > 1 ? 'go' : 'goes'} with a restore through Nova, not --libvirt (the domain keeps its definition).`,
    );
  if (o.power !== undefined && o.power !== 'on' && o.power !== 'off') throw new UsageError(`--power is on or off, not "${o.power}".`);
}

/** --network NET (every NIC) or --network FROM=NET (FROM: the original network's name, or the NIC's index from 0), repeatable. */
function networkOptions(values: string[]): Pick<RestoreInstanceParams, 'network' | 'networks'> {
  const plain = values.filter((v) => !v.includes('='));
  const mapped = values.filter((v) => v.includes('='));
  if (plain.length > 1) throw new UsageError('Give one --network NET for every NIC, or map each with --network FROM=NET.');
  const networks = mapped.map((v) => {
    const [from = '', to = ''] = [v.slice(0, v.indexOf('=')), v.slice(v.indexOf('=') + 1)];
    if (!from.trim() || !to.trim())
      throw new UsageError(`--network ${v}: give FROM=NET (the original network's name or the NIC's index, and the network to put it on).`);
    return { from: /^\d+$/.test(from) ? Number(from) : from, to };
  });
  return { ...(plain[0] ? { network: plain[0] } : {}), ...(networks.length ? { networks } : {}) };
}

/** --volume-type DISK=TYPE, repeatable: the new volume of one restored disk. */
function volumeTypeOptions(values: string[]): Pick<RestoreInstanceParams, 'volumeTypes'> {
  const volumeTypes = values.map((v) => {
    const at = v.indexOf('=');
    const disk = at > 0 ? v.slice(0, at).trim() : '';
    const type = at > 0 ? v.slice(at + 1).trim() : '';
    if (!disk || !type) throw new UsageError(`--volume-type ${v}: give DISK=TYPE (the disk of the restore point, such as vdb, and the volume type of its new volume).`);
    return { disk, type };
  });
  const twice = volumeTypes.find((m, i) => volumeTypes.findIndex((x) => x.disk === m.disk) !== i);
  if (twice) throw new UsageError(`--volume-type names disk ${twice.disk} twice: give one type per disk.`);
  return volumeTypes.length ? { volumeTypes } : {};
}

/** The pre-flight as a table: severity, item, what happens or what to do. */
function printPreflight(r: PreflightReport, out: (s: string) => void): void {
  table([['SEVERITY', 'ITEM', 'WHAT HAPPENS / WHAT TO DO'], ...r.items.map((i) => [i.severity, i.item, i.message])], out);
  const n = r.items.filter((i) => i.severity === 'blocker').length;
  out(n ? `\n${n} blocker${n > 1 ? 's' : ''}: the restore would be refused.\n` : `\nNothing blocks the restore of ${r.name}.\n`);
}

/** A dry run's output: the pre-flight, and exit 3 when something blocks (scripts test the dry run's status). */
function dryRun(report: PreflightReport, o: { json?: boolean }, ctx: CliContext): void {
  if (o.json) printJson(report, ctx.out);
  else printPreflight(report, ctx.out);
  if (report.blocked) throw new AppError('validation.invalidInput', 'The pre-flight found blockers: the restore would be refused (nothing was created).');
}

interface VolumeOptions {
  backup: string;
  disk: string;
  project?: string;
  name?: string;
  volumeType?: string;
  attachTo?: string;
  provider?: string;
  destination?: string;
  verify?: boolean;
  dryRun?: boolean;
  json?: boolean;
}

export function register(program: Command, ctx: CliContext): void {
  const restore = program.command('restore').description('bring instances and volumes back from restore points');
  restore
    .command('run')
    .description(
      'restore an instance: a new server through Nova (default), or the domain defined on a hypervisor (--libvirt); checked first (--dry-run shows the check)',
    )
    .requiredOption('--backup <id>', 'restore point id (from backstack backup list)')
    .option('--name <name>', 'name of the restored instance (default: the original name + "-restored-" + the backup day)')
    .option('--flavor <flavor>', 'through Nova: flavor name or id (default: the original)')
    .option(
      '--network <[from=]network>',
      'through Nova: network name or id for every NIC, or FROM=NET for one NIC (FROM: its original network name or index, 0 for the first); repeatable',
      collect,
      [],
    )
    .option('--keypair <name>', 'through Nova: key pair (default: the original)')
    .option('--no-keypair', 'through Nova: restore without a key pair')
    .option('--security-group <name>', "through Nova: a security group by name (default: the project's default group); repeatable", collect, [])
    .option('--volume-type <disk=type>', "through Nova: the volume type of a restored disk's new volume (default: the original's); repeatable", collect, [])
    .option('--disk <disk>', 'through Nova: restore this disk (vda …), leaving out the others; the boot disk is always restored; repeatable', collect, [])
    .option('--az <zone>', "through Nova: the new server's availability zone (default: the original's, when the target has it)")
    .option('--power <on|off>', 'through Nova: on after the restore (default), or off: left SHUTOFF')
    .option('--project <id>', 'through Nova: project to restore into (default: the original)')
    .option('--provider <name>', 'the cloud to restore into (default: the one the restore point was taken from, found by its Keystone URL and region)')
    .option('--destination <name>', 'the destination holding the restore point (default: where the catalog indexes it)')
    .option('--libvirt', 'define the domain on the hypervisor instead of creating a server through Nova')
    .option('--host <host>', 'with --libvirt: the compute host (default: the original)')
    .option('--verify', 'check every restored disk on the hypervisor against the backup before the instance starts')
    .option('--keep-image', 'image-transfer restore points: keep the image uploaded to Glance (default: deleted once the server is ACTIVE)')
    .option('--dry-run', 'only check: print every conflict and what will happen, create nothing (exit 3 when something blocks)')
    .option('--json', 'print JSON (the pre-flight with --dry-run, else the finished job)')
    .action(async (o: RunOptions) => {
      checkTarget(o);
      await withCore(ctx, {}, async (core) => {
        const params = {
          backupId: o.backup,
          target: o.libvirt ? ('libvirt' as const) : ('nova' as const),
          ...(o.name ? { name: o.name } : {}),
          ...(o.flavor ? { flavor: o.flavor } : {}),
          ...networkOptions(o.network),
          ...(o.keypair === false ? { keypair: null } : o.keypair ? { keypair: o.keypair } : {}),
          ...(o.securityGroup.length ? { securityGroups: o.securityGroup } : {}),
          ...volumeTypeOptions(o.volumeType),
          ...(o.disk.length ? { disks: [...new Set(o.disk)] } : {}),
          ...(o.az ? { availabilityZone: o.az } : {}),
          ...(o.power ? { power: o.power as 'on' | 'off' } : {}),
          ...(o.project ? { projectId: o.project } : {}),
          ...(o.provider ? { providerId: o.provider } : {}),
          ...(o.host ? { host: o.host } : {}),
          ...(o.destination ? { destinationId: await destinationId(core, o.destination) } : {}),
          verify: Boolean(o.verify),
          keepImage: Boolean(o.keepImage),
        };
        if (o.dryRun) return dryRun(unwrap(await core.api.invoke('restore.preflight', params)), o, ctx);
        const { jobId } = unwrap(await core.api.invoke('restore.start', params));
        const job = await followJob(core, jobId, ctx);
        if (o.json) printJson(job, ctx.out);
        else ctx.out(`${job.summary ?? 'Restore done.'}\n`);
      });
    });

  restore
    .command('volume')
    .description('restore one disk of an instance restore point as a new volume in a project, optionally attached to an instance; checked first')
    .requiredOption('--backup <id>', 'restore point id (from backstack backup list)')
    .requiredOption('--disk <disk>', 'the disk of the restore point (vdb …)')
    .option('--project <id>', 'project to create the volume in (default: the original instance\'s)')
    .option('--name <name>', 'name of the new volume (default: the instance name + the disk + "-restored-" + the backup day)')
    .option('--volume-type <type>', "volume type name or id (default: the original volume's, else the cloud's default)")
    .option('--attach-to <instance>', 'attach the new volume to this instance of the project (id or name)')
    .option('--provider <name>', 'the cloud to restore into (default: the one the restore point was taken from)')
    .option('--destination <name>', 'the destination holding the restore point (default: where the catalog indexes it)')
    .option('--verify', 'check the written volume on the hypervisor against the backup')
    .option('--dry-run', 'only check: print every conflict and what will happen, create nothing (exit 3 when something blocks)')
    .option('--json', 'print JSON (the pre-flight with --dry-run, else the finished job)')
    .action(async (o: VolumeOptions) => {
      await withCore(ctx, {}, async (core) => {
        const params = {
          backupId: o.backup,
          disk: o.disk,
          ...(o.project ? { projectId: o.project } : {}),
          ...(o.name ? { name: o.name } : {}),
          ...(o.volumeType ? { volumeType: o.volumeType } : {}),
          ...(o.attachTo ? { attachTo: o.attachTo } : {}),
          ...(o.provider ? { providerId: o.provider } : {}),
          ...(o.destination ? { destinationId: await destinationId(core, o.destination) } : {}),
          verify: Boolean(o.verify),
        };
        if (o.dryRun) return dryRun(unwrap(await core.api.invoke('restore.volumePreflight', params)), o, ctx);
        const { jobId } = unwrap(await core.api.invoke('restore.volume', params));
        const job = await followJob(core, jobId, ctx);
        if (o.json) printJson(job, ctx.out);
        else ctx.out(`${job.summary ?? 'Restore done.'}\n`);
      });
    });

  registerInPlace(restore, ctx);
  registerVerify(restore, ctx);
}
