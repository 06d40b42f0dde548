import { randomUUID } from 'node:crypto';
import { AppError } from '../../../shared/errors/codes';
import { savedAsEdit, type ProviderInput, type ProviderInputParsed, type ProviderView } from '../../../shared/domain/providers';
import { ProviderInput as ProviderInputSchema } from '../../../shared/domain/providers';
import type { ProvidersTable, SecretsTable, StoredAuthDomain } from '../../catalog';
import { normalizeAuthUrl, type AuthScope, type Clock, type ProviderClient } from '../../openstack';
import type { Dispatcher } from 'undici';
import { openClient, secretOf, type DomainSecret } from './clients';
import { identityOf, testConnection, type TestOptions, type TestOutcome } from './connection-test';
import { resolveEdit, type ResolvedEdit } from './provider-edit';

const secretId = (authDomainId: string) => `auth-domain:${authDomainId}`;

/** Adding, testing, editing and removing clouds; the only place that turns stored secrets into clients. */
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

  /** Tests a cloud before it is saved; with `editing`, an edit of that saved cloud (its stored secrets and pin apply). */
  test(raw: ProviderInput, opts: TestOptions & { editing?: string | undefined } = {}): Promise<TestOutcome> {
    const input = ProviderInputSchema.parse(raw);
    if (!opts.editing) return testConnection(input, { ...opts, dispatcher: this.dispatcher });
    const edit = this.resolve(this.get(opts.editing), input);
    return testConnection(edit.input, { ...opts, pinnedFingerprint: edit.pinned ?? undefined, dispatcher: this.dispatcher });
  }

  /** Tests the connection first: a cloud is saved only when it answers (and its certificate is trusted). */
  async add(raw: ProviderInput, opts: TestOptions = {}): Promise<{ provider: ProviderView; test: TestOutcome }> {
    const input = ProviderInputSchema.parse(raw);
    // The rules between scoped authorization and authentication domains are the schema's (shared/domain/providers.ts).
    this.refuseConflicts(input, null);
    const test = await this.testOrRefuse(input, opts);
    const id = randomUUID();
    this.store(id, input, test.pin, []);
    return { provider: this.get(id), test };
  }

  /**
   * Tests, then saves the changes to a saved cloud under the same id, so its inventory, hypervisor
   * settings and restore points stay attached. A failing test changes nothing.
   */
  async update(idOrName: string, raw: ProviderInput, opts: TestOptions = {}): Promise<{ provider: ProviderView; test: TestOutcome }> {
    const saved = this.get(idOrName);
    const input = ProviderInputSchema.parse(raw);
    this.refuseConflicts(input, saved.id);
    const edit = this.resolve(saved, input);
    const test = await this.testOrRefuse(edit.input, { ...opts, pinnedFingerprint: edit.pinned ?? undefined });
    // A new certificate the admin trusted, else the pin that still applies (none once "Trust certificates" is off).
    const pin = test.pin ?? (edit.pinned ? saved.pinnedCertificate : null);
    this.store(saved.id, edit.input, pin, this.repo.authDomains(saved.id));
    return { provider: this.get(saved.id), test };
  }

  remove(idOrName: string): void {
    const p = this.get(idOrName);
    for (const d of this.repo.authDomains(p.id)) this.secrets().delete(d.secretId);
    // Restore points are not the cloud's to delete: the catalog's index of them has no tie to it (migration 0003),
    // and they follow the same cloud (Keystone URL + region) when it is added again (services/providers/cloud-identity.ts).
    this.repo.remove(p.id);
  }

  /** Re-tests a saved cloud with its stored secrets and pinned certificate. */
  retest(idOrName: string, signal?: AbortSignal): Promise<TestOutcome> {
    const p = this.get(idOrName);
    return this.test(savedAsEdit(p), { editing: p.id, signal });
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

  private resolve(saved: ProviderView, input: ProviderInputParsed): ResolvedEdit {
    return resolveEdit(saved, this.repo.authDomains(saved.id), (d) => this.secret(d), input);
  }

  private refuseConflicts(input: ProviderInputParsed, self: string | null): void {
    const authUrl = normalizeAuthUrl(input.authUrl);
    const others = this.repo.listViews().filter((p) => p.id !== self);
    if (others.some((p) => p.name === input.name))
      throw new AppError('resource.conflict', `A cloud named "${input.name}" exists already. Choose another name.`);
    const twin = others.find((p) => p.authUrl === authUrl && p.region === input.region);
    if (twin)
      throw new AppError(
        'resource.conflict',
        `"${twin.name}" already connects to ${authUrl} in region ${input.region}: add one provider per region.`,
      );
  }

  private async testOrRefuse(input: ProviderInputParsed, opts: TestOptions): Promise<TestOutcome> {
    const test = await testConnection(input, { ...opts, dispatcher: this.dispatcher });
    if (!test.ok)
      throw new AppError(
        (test.error?.code as AppError['code'] | undefined) ?? 'openstack.apiError',
        test.error?.message ?? 'The connection test failed.',
        { details: { test } },
      );
    return test;
  }

  /**
   * Seals each authentication domain's secret and saves the cloud; an edited domain keeps its id
   * and secret slot, and the secrets of domains the edit dropped are deleted.
   */
  private store(id: string, input: ProviderInputParsed, pin: ProviderView['pinnedCertificate'], before: StoredAuthDomain[]): void {
    const domains: StoredAuthDomain[] = input.authDomains.map((d) => {
      const secret = secretOf(d)!;
      const kept = before.find((b) => b.id === d.id);
      const adId = kept?.id ?? randomUUID();
      const slot = kept?.secretId ?? secretId(adId);
      this.secrets().put(slot, JSON.stringify(secret));
      return { id: adId, ...identityOf(d), authKind: secret.kind === 'password' ? 'password' : 'application-credential', secretId: slot };
    });
    this.repo.save({
      id,
      name: input.name,
      authUrl: normalizeAuthUrl(input.authUrl),
      region: input.region,
      endpointInterface: input.endpointInterface,
      strategy: input.strategy,
      trustCertificates: input.trustCertificates,
      caFile: input.caFile ?? null,
      scoped: input.scoped,
      pinned: pin,
      authDomains: domains,
    });
    for (const b of before) if (!domains.some((d) => d.id === b.id)) this.secrets().delete(b.secretId);
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
