import path from 'node:path';
import { AppError } from '../../../shared/errors/app-error';
import type { ProviderInput } from '../../../shared/domain/providers';
import type { ProviderDraft } from '../../../shared/providers/import';
import type { Core } from '../../core/create-core';
import { unwrap, UsageError } from '../output';
import { findCloudsYaml, readUserFile } from '../read-input';

/** Where `provider add` and `provider edit` read a cloud from. */
export interface CloudFileOpts {
  openrc?: string;
  cloud?: string;
  cloudsYaml?: string;
}

/** The cloud an openrc file or a clouds.yaml entry (with secure.yaml beside it) describes; null when neither is given. */
export async function readCloudFile(o: CloudFileOpts, env: NodeJS.ProcessEnv): Promise<ProviderDraft | null> {
  if (o.openrc && o.cloud) throw new UsageError('Give one of --openrc FILE or --cloud NAME, not both.');
  if (o.cloudsYaml && !o.cloud) throw new UsageError('--clouds-yaml goes with --cloud NAME (an entry of that file).');
  if (!o.openrc && !o.cloud) return null;
  const { parseCloudsYaml, parseOpenrc } = await import('../../../shared/providers/import');
  try {
    if (o.openrc) return parseOpenrc(readUserFile(o.openrc, 'openrc file'));
    const file = findCloudsYaml(o.cloudsYaml, env);
    let secure: string | undefined;
    try {
      secure = readUserFile(path.join(path.dirname(file), 'secure.yaml'), 'secure.yaml');
    } catch {
      secure = undefined;
    }
    return parseCloudsYaml(readUserFile(file, 'clouds.yaml'), o.cloud!, secure);
  } catch (e) {
    if (e instanceof AppError) throw e;
    throw new AppError('validation.invalidInput', (e as Error).message);
  }
}

/**
 * Trust on first use from the command line: looks at the certificate the endpoint presents and,
 * when no CA vouches for it and none is pinned, accepts exactly that one (named on stderr).
 * A changed pinned certificate is never accepted this way: it takes --accept-certificate.
 */
export async function firstUseFingerprint(
  core: Core,
  provider: ProviderInput,
  editing: string | undefined,
  err: (s: string) => void,
): Promise<string | undefined> {
  const probe = unwrap(await core.api.invoke('providers.test', { provider, ...(editing ? { id: editing } : {}) }));
  if (probe.error?.code !== 'tls.untrusted' || !probe.certificate) return undefined;
  err(`Trusting the certificate of ${provider.authUrl}:\n  subject ${probe.certificate.subject}\n  SHA-256 ${probe.certificate.fingerprint256}\n`);
  return probe.certificate.fingerprint256;
}

/** `--strategy`: how a cloud's (or one backup's) disks are read; "libvirt" is short for libvirt-ssh. */
export const STRATEGY_CHOICES = ['libvirt', 'disk-attachment', 'image-transfer'] as const;
export const strategyHelp =
  'how disks are read: libvirt (SSH to the hypervisors, incrementals), disk-attachment (Cinder volumes read on a proxy VM, see `backstack proxy`; incrementals) or image-transfer (a Nova snapshot downloaded from Glance; no hypervisor access, full every time)';
export function strategyOf(v: (typeof STRATEGY_CHOICES)[number]): 'libvirt-ssh' | 'disk-attachment' | 'image-transfer' {
  return v === 'libvirt' ? 'libvirt-ssh' : v;
}
