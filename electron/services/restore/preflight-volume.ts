import type { RestoreVolumeParams } from '../../../shared/domain/backups';
import type { PreflightItem } from '../../../shared/domain/restore-preflight';
import * as os from '../../openstack';
import type { VolumeSourceMetadata } from './backup-metadata';
import { overQuota, volumeTypeItem } from './preflight';
import { blocker, info, settle, unreadItem, warning } from './preflight-items';
import { diskOf, findAttachTarget, volumePlan } from './volume-restore';

/** Nova attaches a volume to a server in these states (not one building, in error, shelved …). */
const ATTACHABLE = ['ACTIVE', 'SHUTOFF', 'PAUSED', 'SUSPENDED'];

/** The pre-flight of a volume restore: the disk, the volume type, the project's volume quota, the instance to attach to. Reads only. */
export async function preflightVolume(i: {
  client: os.ProviderClient;
  backup: VolumeSourceMetadata;
  params: RestoreVolumeParams;
  signal?: AbortSignal;
}): Promise<PreflightItem[]> {
  const { backup: b, params: p, signal } = i;
  const d = diskOf(b, p.disk);
  if (typeof d === 'string') return [blocker('disks', `Disk ${p.disk}`, d)];
  const plan = volumePlan(b, p, d);
  const opt = signal ? { signal } : {};
  const [compute, bs] = await Promise.all([i.client.compute(signal), i.client.blockStorage(signal)]);
  const [types, limits, volumes, target] = await Promise.all([
    settle(os.listVolumeTypes(bs, opt).all()),
    settle(os.getVolumeLimits(bs, opt)),
    settle(os.listVolumes(bs, opt).all()),
    settle(p.attachTo ? findAttachTarget(compute, p.attachTo, signal) : Promise.resolve(null)),
  ]);
  const items: PreflightItem[] = [info('disks', `Size ${plan.sizeGiB} GiB`, `The new volume holds disk ${d.target} (${plan.sizeGiB} GiB: the original volume's size, or the disk's in whole GiB).`)];

  if ('error' in volumes) items.push(unreadItem('name', 'Name', volumes.error));
  else if (volumes.value.some((v) => v.name === plan.name))
    items.push(warning('name', `Name ${plan.name}`, `The project already has a volume named "${plan.name}": choose another name to tell them apart.`));
  else items.push(info('name', `Name ${plan.name}`, `The volume is created as "${plan.name}".`));

  if ('error' in types) items.push(unreadItem('volumeType', 'Volume type', types.error));
  else items.push(volumeTypeItem(types.value, d.target, plan.type, p.volumeType !== undefined));

  if ('error' in limits) items.push(unreadItem('quota', 'Volume quota', limits.error));
  else items.push(...overQuota('volumes', limits.value.volumes, 1), ...overQuota('gigabytes', limits.value.gigabytes, plan.sizeGiB));

  if ('error' in target) items.push(unreadItem('attachTo', 'Instance', target.error));
  else if (typeof target.value === 'string') items.push(blocker('attachTo', `Instance ${p.attachTo}`, target.value));
  else if (target.value) {
    const s = target.value;
    items.push(
      ATTACHABLE.includes(s.status)
        ? info('attachTo', `Instance ${s.name}`, `The volume is attached to ${s.name} (${s.id}) once written.`)
        : blocker('attachTo', `Instance ${s.name}`, `${s.name} is ${s.status}: Nova attaches volumes to an ACTIVE or SHUTOFF instance. Wait, or choose another.`),
    );
  } else items.push(info('attachTo', 'Instance', 'Not attached: the volume stays available in the project.'));
  return items;
}
