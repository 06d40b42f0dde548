import { randomUUID } from 'node:crypto';
import { AppError } from '../../../shared/errors/codes';
import type { ProviderInput, ProviderView } from '../../../shared/domain/providers';
import { ProviderInput as ProviderInputSchema } from '../../../shared/domain/providers';
import type { ProvidersTable, SecretsTable, StoredAuthDomain } from '../../catalog';
import { normalizeAuthUrl, type AuthScope, type Clock, type ProviderClient } from '../../openstack';
import type { Dispatcher } from 'undici';
import { openClient, secretOf, type DomainSecret } from './clients';
import { identityOf, testConnection, type TestOptions, type TestOutcome } from './connection-test';

const secretId = (authDomainId: string) => `auth-domain:${authDomainId}`;

/** Adding, testing and removing clouds; the only place that turns stored secrets into clients. */
export class ProvidersService {
  constructor(
    private readonly repo: ProvidersTable,
    private readonly secrets: () => SecretsTable,
    /** replaces the network for every client (scale benchmarks over a MockAgent cloud) */
    private readonly dispatcher?: Dispatcher,
    /** the time of those clients' waits and retries (a MockAgent cloud's virtual clock in tests) */
    private readonly clock?: Clock,
  ) {}

  list(): ProviderView[] {
    return this.repo.listViews();
  }

  /** A cloud by id or name, or undefined (for naming things, where a missing cloud is no error). */
  find(idOrName: string): ProviderView | undefined {
    return this.repo.get(idOrName);
  }

  get(idOrName: string): ProviderView {
    const p = this.find(idOrName);
    if (!p) throw new AppError('resource.notFound', `No cloud named or with id "${idOrName}". List them with: backstack provider list`);
    return p;
  }

  test(input: ProviderInput, opts: TestOptions = {}): Promise<TestOutcome> {
    return testConnection(ProviderInputSchema.parse(input), { ...opts, dispatcher: this.dispatcher });
  }

  /** Tests the connection first: a cloud is saved only when it answers (and its certificate is trusted). */
  async add(raw: ProviderInput, opts: TestOptions = {}): Promise<{ provider: ProviderView; test: TestOutcome }> {
    const input = ProviderInputSchema.parse(raw);
    const authUrl = normalizeAuthUrl(input.authUrl);
    // The rules between scoped authorization and authentication domains are the schema's (shared/domain/providers.ts).
    const existing = this.repo.listViews();
    if (existing.some((p) => p.name === input.name))
      throw new AppError('resource.conflict', `A cloud named "${input.name}" exists already. Choose another name.`);
    const twin = existing.find((p) => p.authUrl === authUrl && p.region === input.region);
    if (twin)
      throw new AppError(
        'resource.conflict',
        `"${twin.name}" already connects to ${authUrl} in region ${input.region}: add one provider per region.`,
      );
    const test = await testConnection(input, { ...opts, dispatcher: this.dispatcher });
    if (!test.ok)
      throw new AppError(
        (test.error?.code as AppError['code'] | undefined) ?? 'openstack.apiError',
        test.error?.message ?? 'The connection test failed.',
        { details: { test } },
      );
    const id = randomUUID();
    const domains: StoredAuthDomain[] = input.authDomains.map((d) => {
      const secret = secretOf(d)!;
      const adId = randomUUID();
      this.secrets().put(secretId(adId), JSON.stringify(secret));
      return { id: adId, ...identityOf(d), authKind: secret.kind === 'password' ? 'password' : 'application-credential', secretId: secretId(adId) };
    });
    this.repo.save({
      id,
      name: input.name,
      authUrl,
      region: input.region,
      endpointInterface: input.endpointInterface,
      strategy: input.strategy,
      trustCertificates: input.trustCertificates,
      caFile: input.caFile ?? null,
      scoped: input.scoped,
      pinned: test.pin,
      authDomains: domains,
    });
    return { provider: this.get(id), test };
  }

  remove(idOrName: string): void {
    const p = this.get(idOrName);
    for (const d of this.repo.authDomains(p.id)) this.secrets().delete(d.secretId);
    this.repo.remove(p.id);
  }

  /** Re-tests a saved cloud with its stored secrets and pinned certificate. */
  async retest(idOrName: string, signal?: AbortSignal): Promise<TestOutcome> {
    const p = this.get(idOrName);
    const authDomains = this.repo.authDomains(p.id).map((d) => {
      const s = this.secret(d);
      return {
        name: d.name,
        userName: d.userName,
        ...(d.domainId ? { domainId: d.domainId } : {}),
        ...(d.userDomain ? { userDomain: d.userDomain } : {}),
        ...(d.defaultProject ? { defaultProject: d.defaultProject } : {}),
        ...(s.kind === 'password' ? { password: s.password } : { applicationCredential: { id: s.id, secret: s.secret } }),
      };
    });
    const input = ProviderInputSchema.parse({
      name: p.name,
      authUrl: p.authUrl,
      region: p.region,
      endpointInterface: p.endpointInterface,
      trustCertificates: p.trustCertificates,
      scoped: p.scoped,
      ...(p.caFile ? { caFile: p.caFile } : {}),
      authDomains,
    });
    return testConnection(input, { pinnedFingerprint: p.pinnedCertificate?.fingerprint256, signal, dispatcher: this.dispatcher });
  }

  /** One client per authentication domain, for sync and backups. The caller closes them. */
  clients(
    idOrName: string,
    scope?: (d: StoredAuthDomain) => AuthScope,
  ): { provider: ProviderView; domain: StoredAuthDomain; client: ProviderClient }[] {
    const p = this.get(idOrName);
    const settings = {
      authUrl: p.authUrl,
      region: p.region,
      endpointInterface: p.endpointInterface,
      caFile: p.caFile,
      pinnedFingerprint: p.pinnedCertificate?.fingerprint256 ?? null,
    };
    return this.repo
      .authDomains(p.id)
      .map((d) => ({ provider: p, domain: d, client: openClient(settings, d, this.secret(d), scope?.(d), this.dispatcher, this.clock) }));
  }

  private secret(d: StoredAuthDomain): DomainSecret {
    const text = this.secrets().get(d.secretId);
    if (!text)
      throw new AppError(
        'auth.failed',
        `The password of ${d.userName} in domain ${d.name} is missing from the catalog. Edit the cloud and enter it again.`,
      );
    return JSON.parse(text) as DomainSecret;
  }
}
