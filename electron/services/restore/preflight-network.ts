import type { RestoreInstanceParams } from '../../../shared/domain/backups';
import type { PreflightItem } from '../../../shared/domain/restore-preflight';
import * as os from '../../openstack';
import type { InstanceBackupMetadata } from './backup-metadata';
import { blocker, info, settle, unreadItem, warning } from './preflight-items';
import { nicLabel, planFixedIps, planNetworks, type NicAddress } from './restore-mapping';

/** The subnets and ports of the target networks: where each NIC's original address would go, and who uses it. */
export async function readAddressing(
  net: os.ServiceClient,
  networkIds: string[],
  signal?: AbortSignal,
): Promise<{ subnets: os.Subnet[]; ports: os.Port[] }> {
  const ids = [...new Set(networkIds)];
  const [subnets, ports] = await Promise.all([
    Promise.all(ids.map((networkId) => os.listSubnets(net, { networkId, ...(signal ? { signal } : {}) }).all())),
    Promise.all(ids.map((networkId) => os.listPorts(net, { networkId, ...(signal ? { signal } : {}) }).all())),
  ]);
  return { subnets: subnets.flat(), ports: ports.flat() };
}

/** Who restores where: the target project, whether the account is an admin, the networks it sees. */
export interface AddressingScope {
  projectId: string;
  isAdmin: boolean;
  networks: Pick<os.Network, 'id' | 'projectId'>[];
}

/** The addresses the new NICs ask Nova for: each NIC's original one where it is free in its target network and may be chosen there. */
export async function planAddresses(
  net: os.ServiceClient,
  b: InstanceBackupMetadata,
  networkIds: string[],
  scope: AddressingScope,
  signal?: AbortSignal,
): Promise<NicAddress[]> {
  const { subnets, ports } = await readAddressing(net, networkIds, signal);
  const mayChoose = (id: string) => scope.isAdmin || scope.networks.find((n) => n.id === id)?.projectId === scope.projectId;
  return planFixedIps(b, networkIds, subnets, ports, mayChoose);
}

/** Networks, one per NIC, and whether each NIC keeps its fixed IP. */
export async function networkItems(
  net: os.ServiceClient,
  b: InstanceBackupMetadata,
  p: RestoreInstanceParams,
  networks: { value: os.Network[] } | { error: unknown },
  who: Omit<AddressingScope, 'networks'>,
  signal?: AbortSignal,
): Promise<PreflightItem[]> {
  if ('error' in networks) return [unreadItem('network', 'Networks', networks.error)];
  const plan = planNetworks(b, p, networks.value);
  if (plan.problems.length) return plan.problems.map((m) => blocker('network', 'Network', m));
  const nameOf = (id: string) => networks.value.find((n) => n.id === id)?.name ?? id;
  const items = [info('network', 'Networks', `${plan.networkIds.map((id, k) => `NIC ${k} on ${nameOf(id)}`).join(', ')}.`)];
  const addresses = await settle(planAddresses(net, b, plan.networkIds, { ...who, networks: networks.value }, signal));
  if ('error' in addresses) return [...items, unreadItem('network', 'Fixed IPs', addresses.error)];
  for (const a of addresses.value) {
    if (!a.original) continue;
    const where = nameOf(plan.networkIds[a.nic.index] ?? '');
    items.push(
      a.keep
        ? info('network', `${nicLabel(a.nic)} address`, `Keeps its fixed IP ${a.original} in ${where}.`)
        : warning('network', `${nicLabel(a.nic)} address`, `Its fixed IP ${a.original} is not kept (${a.why ?? 'not free'}): the NIC gets a new address from ${where}.`),
    );
  }
  return items;
}
