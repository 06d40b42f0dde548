import type { ProviderInputParsed, ProviderView } from '../../../shared/domain/providers';
import { AppError } from '../../../shared/errors/codes';
import type { StoredAuthDomain } from '../../catalog';
import { normalizeAuthUrl, pinKey } from '../../openstack';
import { secretOf, type DomainSecret } from './clients';

/** An edit of a saved cloud, made whole: every authentication domain with its secret, and the pin that still applies. */
export interface ResolvedEdit {
  input: ProviderInputParsed;
  /** the saved cloud's pinned fingerprint when it still applies (same Keystone host and port, "Trust certificates" still on) */
  pinned: string | null;
}

const hostOf = (url: string): string => new URL(url).hostname.toLowerCase();

/**
 * Fills in the stored secret of each authentication domain sent with its id and without a
 * password or application credential ("leave empty to keep"). A stored secret only goes to the
 * Keystone host it was saved for: with another host, the admin enters it again.
 */
export function resolveEdit(
  saved: ProviderView,
  stored: readonly StoredAuthDomain[],
  readSecret: (d: StoredAuthDomain) => DomainSecret,
  input: ProviderInputParsed,
): ResolvedEdit {
  const authUrl = normalizeAuthUrl(input.authUrl);
  const sameHost = hostOf(authUrl) === hostOf(saved.authUrl);
  const authDomains = input.authDomains.map((d) => {
    if (d.id === undefined) return d;
    const s = stored.find((x) => x.id === d.id);
    if (!s)
      throw new AppError(
        'validation.invalidInput',
        `The authentication domain ${d.name} is no longer part of the cloud "${saved.name}" (changed meanwhile?): close the editor and open it again.`,
      );
    if (secretOf(d)) return d;
    if (!sameHost)
      throw new AppError(
        'validation.invalidInput',
        `The Keystone URL now points to another host (${hostOf(authUrl)} instead of ${hostOf(saved.authUrl)}): enter the ${s.authKind === 'password' ? 'password' : 'application credential'} of ${d.userName} in domain ${d.name} again. Stored secrets only go to the host they were saved for.`,
      );
    const secret = readSecret(s);
    return secret.kind === 'password'
      ? { ...d, password: secret.password }
      : { ...d, applicationCredential: { id: secret.id, secret: secret.secret } };
  });
  const pin = saved.pinnedCertificate;
  const pinned = pin && input.trustCertificates && pinKey(authUrl) === pinKey(saved.authUrl) ? pin.fingerprint256 : null;
  return { input: { ...input, authDomains }, pinned };
}
