import type { PolicyPreview, PolicyRules } from '../../../shared/domain/policies';
import type { MemberRow, RuleCandidate } from '../../catalog';

/** A policy as rule evaluation sees it: who it is, its rules, how it assigns. */
export interface RulePolicy {
  id: string;
  name: string;
  priority: number;
  rules: PolicyRules;
  autoAssign: 'off' | 'assign' | 'assign-remove';
}

type InstanceRef = PolicyPreview['matches'][number];

/** True when the rules select something: without names, tags, projects, domains or zones they select nothing. */
export const rulesSelect = (r: PolicyRules): boolean =>
  r.includeNames.length + r.tags.length + r.projects.length + r.domains.length + r.availabilityZones.length > 0;

/**
 * Compiles rules once (regular expressions included) into a predicate; 50 policies over 10,000
 * instances are evaluated in well under 200 ms (e2e/bench/policies.bench.ts).
 */
export function compileRules(r: PolicyRules, domainNames: ReadonlyMap<string, string>): (c: RuleCandidate) => boolean {
  if (!rulesSelect(r)) return () => false;
  const include = r.includeNames.map((p) => new RegExp(p, 'u'));
  const exclude = r.excludeNames.map((p) => new RegExp(p, 'u'));
  const providers = new Set(r.providerIds);
  const projects = new Set(r.projects);
  const domains = new Set(r.domains);
  const zones = new Set(r.availabilityZones);
  return (c) => {
    if (providers.size && !providers.has(c.providerId)) return false;
    if (projects.size && !projects.has(c.projectId) && !(c.projectName !== null && projects.has(c.projectName))) return false;
    if (domains.size) {
      const name = c.domainId === null ? undefined : domainNames.get(`${c.providerId}/${c.domainId}`);
      if (!(c.domainId !== null && domains.has(c.domainId)) && !(name !== undefined && domains.has(name))) return false;
    }
    if (zones.size && !(c.availabilityZone !== null && zones.has(c.availabilityZone))) return false;
    if (r.tags.length) {
      const has = (t: string) => c.tags.includes(t);
      if (r.tagMatch === 'all' ? !r.tags.every(has) : !r.tags.some(has)) return false;
    }
    if (include.length && !include.some((re) => re.test(c.name))) return false;
    return !exclude.some((re) => re.test(c.name));
  };
}

export interface Evaluation {
  matches: InstanceRef[];
  leaving: InstanceRef[];
  conflicts: (InstanceRef & { policyName: string })[];
}

/**
 * What each policy's rules select now, against who holds what. An instance held by a policy
 * stays with it; an unheld one goes to the first matching policy by priority (then name); every
 * other policy that matches it records a conflict naming the holder — shown, never moved.
 * `policies` are those that may claim (auto-assigning ones, and a policy being previewed).
 */
export function evaluatePolicies(
  policies: readonly RulePolicy[],
  candidates: readonly RuleCandidate[],
  members: readonly MemberRow[],
  names: { domains: ReadonlyMap<string, string>; policies: ReadonlyMap<string, string> },
): Map<string, Evaluation> {
  const ordered = [...policies].sort((a, b) => a.priority - b.priority || a.name.localeCompare(b.name));
  const holder = new Map(members.map((m) => [`${m.providerId}/${m.instanceId}`, m]));
  const tests = ordered.map((p) => ({ p, test: compileRules(p.rules, names.domains) }));
  const out = new Map<string, Evaluation>(ordered.map((p) => [p.id, { matches: [], leaving: [], conflicts: [] }]));
  const matched = new Set<string>();
  for (const c of candidates) {
    const key = `${c.providerId}/${c.id}`;
    const ref: InstanceRef = { providerId: c.providerId, instanceId: c.id, name: c.name, projectName: c.projectName };
    let owner = holder.get(key)?.policyId;
    for (const { p, test } of tests) {
      if (!test(c)) continue;
      matched.add(`${p.id}|${key}`);
      owner ??= p.id;
      const e = out.get(p.id) as Evaluation;
      if (owner === p.id) e.matches.push(ref);
      else e.conflicts.push({ ...ref, policyName: names.policies.get(owner) ?? 'another policy' });
    }
  }
  const present = new Map(candidates.map((c) => [`${c.providerId}/${c.id}`, c]));
  for (const m of members) {
    const c = present.get(`${m.providerId}/${m.instanceId}`);
    if (m.source !== 'rule' || !c || matched.has(`${m.policyId}|${m.providerId}/${m.instanceId}`)) continue;
    out.get(m.policyId)?.leaving.push({ providerId: c.providerId, instanceId: c.id, name: c.name, projectName: c.projectName });
  }
  return out;
}
