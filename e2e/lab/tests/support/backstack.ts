// A Backstack installation for lab tests: its own BACKSTACK_HOME (catalog, key file, destination),
// the lab cloud and a KVM host's SSH settings, jobs run through the contract, restore points
// restored to local files and hashed.
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Job } from '../../../../shared/domain/jobs';
import { createCore, type Core } from '../../../../electron/core/create-core';
import { createLogger } from '../../../../electron/lib/logger';
import { keyFileProtector } from '../../../../electron/lib/secret-box';
import { fileSink, findBackup, restoreDisk, type Manifest } from '../../../../electron/engine';
import type { loadCloud } from './cloud';
import { until } from './lab';
import type { Hypervisor } from './ssh';

export const unwrap = <T>(r: { ok: true; value: T } | { ok: false; error: { code: string; message: string } }): T => {
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value;
};

export interface Installation {
  name: string;
  core: Core;
  home: string;
  providerId: string;
  id: string;
  figures: { job: string; seconds: number; summary: string | null }[];
}

/**
 * A new installation with the lab cloud and the hypervisors' SSH settings. Its destination is a new
 * folder in its home, or with `existingDestination` a folder another installation backed up to,
 * added (as after a lost workstation) before the cloud is.
 */
export async function openInstallation(
  name: string,
  cloud: ReturnType<typeof loadCloud>,
  hypervisors: Hypervisor[],
  o: { existingDestination?: string } = {},
): Promise<Installation> {
  const home = mkdtempSync(join(tmpdir(), `backstack-lab-${name}-`));
  const core = createCore({ dataDir: home, runtime: 'cli', version: 'lab', logger: createLogger(() => undefined), keyProtector: keyFileProtector(home) });
  if (o.existingDestination) unwrap(await core.api.invoke('destinations.add', { name: 'lab', path: o.existingDestination }));
  const providerId = unwrap(
    await core.api.invoke('providers.add', {
      provider: { name: 'lab', authUrl: cloud.authUrl, authDomains: [{ name: cloud.userDomain.name ?? 'Default', userName: cloud.username, password: cloud.password, ...(cloud.project.name ? { defaultProject: cloud.project.name } : {}) }] },
    }),
  ).id;
  if (!o.existingDestination) await core.services.destinations.create({ name: 'lab', path: join(home, 'repo') });
  for (const hv of hypervisors) {
    const hostKey = (hv.ssh as { hostKeyFingerprint?: string }).hostKeyFingerprint;
    unwrap(await core.api.invoke('hypervisors.setSsh', { providerId, hostname: hv.host, address: hv.ssh.address, port: hv.ssh.port, user: hv.ssh.user, privateKey: readFileSync(hv.ssh.keyPath, 'utf8'), ...(hostKey ? { hostKey } : {}) }));
  }
  const id = unwrap(await core.api.invoke('app.getStatus', {})).installationId;
  return { name, core, home, providerId, id, figures: [] };
}

export async function closeInstallation(i: Installation | undefined): Promise<void> {
  if (!i) return;
  await i.core.close();
  rmSync(i.home, { recursive: true, force: true });
}

/** Runs a backup or restore through the contract and waits for its end; its log comes back. */
export async function runJob(i: Installation, name: 'backups.start' | 'restore.start' | 'restore.volume', input: Record<string, unknown>): Promise<{ job: Job; log: string[] }> {
  const started = performance.now();
  const { jobId } = unwrap(await i.core.api.invoke(name, input as never));
  await until(`job ${jobId}`, async () => ['succeeded', 'warning', 'failed', 'cancelled'].includes(i.core.jobs.get(jobId).state), { timeoutMs: 900_000, intervalMs: 250 });
  const log = unwrap(await i.core.api.invoke('jobs.getLog', { id: jobId })).items.map((e) => e.message);
  const job = i.core.jobs.get(jobId);
  i.figures.push({ job: `${i.name} ${name} ${job.state}`, seconds: Math.round((performance.now() - started) / 100) / 10, summary: job.summary });
  return { job, log };
}

export async function manifestOf(i: Installation, jobSummary: string | null): Promise<Manifest> {
  const id = /backup (\S+\/\S+):/.exec(jobSummary ?? '')?.[1];
  if (!id) throw new Error(`no backup id in "${jobSummary}"`);
  const repo = await i.core.services.destinations.open(i.core.services.destinations.defaultDestination().id);
  try {
    return await findBackup(repo, id.slice(0, id.lastIndexOf('/')), id.slice(id.lastIndexOf('/') + 1));
  } finally {
    await repo.close();
  }
}

/** sha256 of a disk restored from the installation's destination to a local file. */
export async function restoredSha(i: Installation, m: Manifest, disk: string): Promise<string> {
  const repo = await i.core.services.destinations.open(i.core.services.destinations.defaultDestination().id);
  const file = join(i.home, `${disk}-${Date.now()}.raw`);
  try {
    await restoreDisk(repo, { group: m.group, backup: m.time, disk, sink: fileSink(file) });
    return createHash('sha256').update(readFileSync(file)).digest('hex');
  } finally {
    rmSync(file, { force: true });
    await repo.close();
  }
}
