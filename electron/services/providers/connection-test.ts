import {
  inspectCertificate,
  listAuthProjects,
  normalizeAuthUrl,
  probeServices,
  type InspectedCertificate,
  type ProviderClient,
} from '../../openstack';
import type { Dispatcher } from 'undici';
import type { ConnectionTest, ProviderInputParsed } from '../../../shared/domain/providers';
import { toAppError } from '../../lib/errors';
import { decideTrust } from './certificate-trust';
import { openClient, secretOf, type ConnectionSettings, type DomainIdentity } from './clients';

export interface TestOptions {
  /** the SHA-256 fingerprint the user accepted after seeing the certificate (a first one, or a changed one) */
  acceptFingerprint?: string | undefined;
  /** the fingerprint already pinned for this provider (and still applying to its URL) */
  pinnedFingerprint?: string | undefined;
  signal?: AbortSignal | undefined;
  dispatcher?: Dispatcher | undefined;
}

export interface TestOutcome extends ConnectionTest {
  /** set when the certificate is to be pinned (trust on first use, accepted by the user) */
  pin: { subject: string; fingerprint256: string } | null;
}

const failure = (e: unknown) => {
  const a = toAppError(e);
  return { code: a.code, message: a.message };
};

const certView = (c: InspectedCertificate) => ({ subject: c.subject, issuer: c.issuer, fingerprint256: c.fingerprint256, validTo: c.validTo });

export const identityOf = (d: ProviderInputParsed['authDomains'][number]): DomainIdentity => ({
  name: d.name,
  domainId: d.domainId ?? null,
  userName: d.userName,
  userDomain: d.userDomain ?? null,
  defaultProject: d.defaultProject ?? null,
});

/**
 * "Test connection": the certificate (and whether to trust it), each authentication domain's
 * login and reachable projects, and each service with its endpoint and maximum microversion.
 * It explains failures instead of throwing them.
 */
export async function testConnection(input: ProviderInputParsed, opts: TestOptions = {}): Promise<TestOutcome> {
  const out: TestOutcome = { ok: false, certificate: null, authDomains: [], services: [], error: null, pin: null };
  let authUrl: string;
  try {
    authUrl = normalizeAuthUrl(input.authUrl);
  } catch (e) {
    return { ...out, error: failure(e) };
  }
  let pinned = opts.pinnedFingerprint ?? null;
  if (authUrl.startsWith('https:')) {
    let cert: InspectedCertificate;
    try {
      cert = await inspectCertificate(authUrl, { tls: input.caFile ? { caFile: input.caFile } : {}, signal: opts.signal });
    } catch (e) {
      return { ...out, error: failure(e) };
    }
    out.certificate = certView(cert);
    const trust = decideTrust(authUrl, cert, { pinned, accepted: opts.acceptFingerprint, trustCertificates: input.trustCertificates });
    if (!trust.ok) return { ...out, error: trust.error };
    out.pin = trust.pin;
    pinned = trust.pinned;
  }

  const settings: ConnectionSettings = {
    authUrl,
    region: input.region,
    endpointInterface: input.endpointInterface,
    caFile: input.caFile ?? null,
    pinnedFingerprint: pinned,
  };
  let catalogClient: ProviderClient | undefined;
  const clients: ProviderClient[] = [];
  try {
    for (const d of input.authDomains) {
      const secret = secretOf(d);
      if (!secret) {
        out.authDomains.push({ name: d.name, ok: false, message: `Enter the password of ${d.userName} in domain ${d.name}.`, projects: null });
        continue;
      }
      const client = openClient(settings, identityOf(d), secret, undefined, opts.dispatcher);
      clients.push(client);
      try {
        const info = await client.authenticate(opts.signal);
        const projects = await listAuthProjects(await client.identity(opts.signal), { signal: opts.signal }).all();
        out.authDomains.push({
          name: d.name,
          ok: true,
          message: info.isAdmin ? 'admin role: every project can be scanned' : null,
          projects: projects.length,
        });
        if (!catalogClient) {
          const first = projects[0];
          if (info.scope.kind === 'project') catalogClient = client;
          else if (first) {
            catalogClient = client.withScope({ kind: 'project', id: first.id });
          }
        }
      } catch (e) {
        out.authDomains.push({ name: d.name, ok: false, message: failure(e).message, projects: null });
      }
    }
    if (!catalogClient) {
      const firstError = out.authDomains.find((d) => !d.ok)?.message;
      return {
        ...out,
        error: {
          code: 'auth.failed',
          message: firstError ?? 'No authentication domain could log in to a project, so no service catalog is available.',
        },
      };
    }
    const probes = await probeServices(catalogClient, opts.signal);
    out.services = probes.map((p) => ({
      type: p.type,
      name: p.displayName,
      endpoint: p.url ?? null,
      maxMicroversion: p.maxMicroversion ?? null,
      ok: p.error === undefined,
      message: p.error?.message ?? null,
    }));
    out.ok = out.authDomains.every((d) => d.ok) && out.services.every((s) => s.ok || s.type === 'network');
    if (!out.ok) {
      const bad = out.services.find((s) => !s.ok) ?? out.authDomains.find((d) => !d.ok);
      out.error = { code: 'openstack.apiError', message: bad?.message ?? 'Some checks failed.' };
    }
    return out;
  } catch (e) {
    return { ...out, error: failure(e) };
  } finally {
    await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
  }
}
