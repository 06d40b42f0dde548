import { afterEach, describe, expect, it } from 'vitest';
import { ForbiddenError, NotFoundError } from '../core/errors';
import { ProviderClient } from '../core/provider-client';
import { standardCloud } from '../testing/fixtures';
import type { MockCloud } from '../testing/mock-cloud';
import { getDomain, listAuthDomains, listDomains } from './domains';
import { getProject, listAuthProjects, listProjects, listUserProjects } from './projects';

let cloud: MockCloud;
afterEach(async () => {
  await cloud?.close();
});

describe('identity', () => {
  it('lists all domains and projects for an admin', async () => {
    cloud = standardCloud();
    const id = await new ProviderClient(cloud.providerOptions()).identity();
    expect((await listDomains(id).all()).map((d) => d.name)).toEqual(['Default', 'acme']);
    expect((await listProjects(id, { domainId: 'd-acme' }).all()).map((p) => p.name)).toEqual(['acme-prod', 'acme-dev']);
    expect((await getProject(id, 'p-prod')).domainId).toBe('d-acme');
    expect((await getDomain(id, 'd-acme')).name).toBe('acme');
    await expect(getProject(id, 'nope')).rejects.toBeInstanceOf(NotFoundError);
  });

  it('lists a member’s own projects through /v3/auth and /v3/users/{id}/projects, but not all projects', async () => {
    cloud = standardCloud();
    const p = new ProviderClient(cloud.providerOptions({ credentials: { kind: 'password', username: 'demo', userDomainName: 'Default', password: 'demo-pass' }, scope: { kind: 'unscoped' } }));
    const id = await p.identity();
    const info = await p.authenticate();
    expect((await listAuthProjects(id).all()).map((x) => x.name)).toEqual(['demo']);
    expect((await listUserProjects(id, info.userId).all()).map((x) => x.name)).toEqual(['demo']);
    expect(await listAuthDomains(id).all()).toEqual([]);
    await expect(listProjects(id).all()).rejects.toBeInstanceOf(ForbiddenError);
  });
});
