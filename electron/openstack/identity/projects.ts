// Keystone projects: all of them (admin), those the token's user can reach, or a user's.
import { z } from 'zod';
import { Pager } from '../core/pager';
import type { ServiceClient } from '../core/service-client';

export const RawProject = z.looseObject({
  id: z.string(),
  name: z.string(),
  domain_id: z.string(),
  enabled: z.boolean().default(true),
  description: z.string().nullish(),
  parent_id: z.string().nullish(),
  is_domain: z.boolean().optional(),
  tags: z.array(z.string()).optional(),
});
export type RawProject = z.infer<typeof RawProject>;

export interface Project {
  id: string;
  name: string;
  domainId: string;
  enabled: boolean;
  description: string | undefined;
  /** The parent project, or undefined when the parent is the domain itself. */
  parentId: string | undefined;
  tags: string[];
}

export function toProject(raw: RawProject): Project {
  return {
    id: raw.id,
    name: raw.name,
    domainId: raw.domain_id,
    enabled: raw.enabled,
    description: raw.description || undefined,
    parentId: raw.parent_id && raw.parent_id !== raw.domain_id ? raw.parent_id : undefined,
    tags: raw.tags ?? [],
  };
}

export interface ListProjectsOptions {
  domainId?: string;
  name?: string;
  enabled?: boolean;
  signal?: AbortSignal;
}

/** GET /v3/projects: every project (in a domain), for admins. Domains themselves are left out. */
export function listProjects(identity: ServiceClient, opts: ListProjectsOptions = {}): Pager<Project, RawProject> {
  return new Pager(identity, {
    path: 'projects',
    query: { domain_id: opts.domainId, name: opts.name, enabled: opts.enabled, is_domain: false },
    key: 'projects',
    item: RawProject,
    map: toProject,
    signal: opts.signal,
  });
}

/** GET /v3/auth/projects: the projects the user has a role on; works with an unscoped token. */
export function listAuthProjects(identity: ServiceClient, opts: { signal?: AbortSignal } = {}): Pager<Project, RawProject> {
  return new Pager(identity, { path: 'auth/projects', key: 'projects', item: RawProject, map: toProject, signal: opts.signal });
}

/** GET /v3/users/{id}/projects: the projects of a user (oneself, or anyone for an admin). */
export function listUserProjects(identity: ServiceClient, userId: string, opts: { signal?: AbortSignal } = {}): Pager<Project, RawProject> {
  return new Pager(identity, {
    path: `users/${encodeURIComponent(userId)}/projects`,
    key: 'projects',
    item: RawProject,
    map: toProject,
    signal: opts.signal,
  });
}

export async function getProject(identity: ServiceClient, id: string, opts: { signal?: AbortSignal } = {}): Promise<Project> {
  const res = await identity.get(`projects/${encodeURIComponent(id)}`, { schema: z.looseObject({ project: RawProject }), signal: opts.signal });
  return toProject(res.body.project);
}
