// Neutron security groups with their rules.
import { z } from 'zod';
import { Pager } from '../core/pager';
import type { ServiceClient } from '../core/service-client';

const RawRule = z.looseObject({
  id: z.string(),
  direction: z.string(),
  ethertype: z.string().optional(),
  protocol: z.string().nullish(),
  port_range_min: z.number().nullish(),
  port_range_max: z.number().nullish(),
  remote_ip_prefix: z.string().nullish(),
  remote_group_id: z.string().nullish(),
  description: z.string().nullish(),
});

export const RawSecurityGroup = z.looseObject({
  id: z.string(),
  name: z.string(),
  description: z.string().nullish(),
  project_id: z.string().optional(),
  tenant_id: z.string().optional(),
  security_group_rules: z.array(RawRule).default([]),
  stateful: z.boolean().optional(),
  tags: z.array(z.string()).default([]),
});
export type RawSecurityGroup = z.infer<typeof RawSecurityGroup>;

export interface SecurityGroupRule {
  id: string;
  direction: 'ingress' | 'egress' | string;
  etherType: string | undefined;
  /** undefined: any protocol. */
  protocol: string | undefined;
  portRangeMin: number | undefined;
  portRangeMax: number | undefined;
  remoteIpPrefix: string | undefined;
  remoteGroupId: string | undefined;
  description: string | undefined;
}

export interface SecurityGroup {
  id: string;
  name: string;
  description: string | undefined;
  projectId: string | undefined;
  rules: SecurityGroupRule[];
  stateful: boolean;
  tags: string[];
}

export function toSecurityGroup(raw: RawSecurityGroup): SecurityGroup {
  return {
    id: raw.id,
    name: raw.name,
    description: raw.description || undefined,
    projectId: raw.project_id ?? raw.tenant_id,
    rules: raw.security_group_rules.map((r) => ({
      id: r.id,
      direction: r.direction,
      etherType: r.ethertype,
      protocol: r.protocol ?? undefined,
      portRangeMin: r.port_range_min ?? undefined,
      portRangeMax: r.port_range_max ?? undefined,
      remoteIpPrefix: r.remote_ip_prefix ?? undefined,
      remoteGroupId: r.remote_group_id ?? undefined,
      description: r.description || undefined,
    })),
    stateful: raw.stateful ?? true,
    tags: raw.tags,
  };
}

export function listSecurityGroups(
  network: ServiceClient,
  opts: { projectId?: string; name?: string; limit?: number; signal?: AbortSignal } = {},
): Pager<SecurityGroup, RawSecurityGroup> {
  return new Pager(network, {
    path: 'security-groups',
    query: { project_id: opts.projectId, name: opts.name },
    key: 'security_groups',
    item: RawSecurityGroup,
    map: toSecurityGroup,
    limit: opts.limit,
    markerOf: (g) => g.id,
    signal: opts.signal,
  });
}

export async function getSecurityGroup(network: ServiceClient, id: string, opts: { signal?: AbortSignal } = {}): Promise<SecurityGroup> {
  const res = await network.get(`security-groups/${encodeURIComponent(id)}`, {
    schema: z.looseObject({ security_group: RawSecurityGroup }),
    signal: opts.signal,
  });
  return toSecurityGroup(res.body.security_group);
}
