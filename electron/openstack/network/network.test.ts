import { afterEach, describe, expect, it } from 'vitest';
import { ProviderClient } from '../core/provider-client';
import { standardCloud } from '../testing/fixtures';
import type { MockCloud } from '../testing/mock-cloud';
import { getNetwork, listNetworks } from './networks';
import { listPorts } from './ports';
import { listSecurityGroups } from './security-groups';
import { listSubnets } from './subnets';

let cloud: MockCloud;
afterEach(async () => {
  await cloud?.close();
});

describe('Neutron resources', () => {
  it('maps networks, subnets, ports and security groups', async () => {
    cloud = standardCloud();
    const net = await new ProviderClient(cloud.providerOptions()).network();
    const networks = await listNetworks(net).all();
    expect(networks.map((n) => [n.name, n.external, n.networkType, n.segmentationId, n.subnetIds])).toEqual([
      ['public', true, 'flat', undefined, ['sn-public']],
      ['demo-net', false, 'vxlan', 1001, ['sn-demo']],
    ]);
    expect((await getNetwork(net, 'n-demo')).mtu).toBe(1450);
    expect((await listSubnets(net, { networkId: 'n-demo' }).all())[0]).toMatchObject({ cidr: '10.0.1.0/24', gatewayIp: '10.0.1.1', dhcp: true, dnsNameservers: ['192.0.2.53'] });
    expect(cloud.requestsTo(/subnets$/)[0]!.query.get('network_id')).toBe('n-demo');
    expect((await listPorts(net, { deviceId: 's-web' }).all())[0]).toMatchObject({
      deviceId: 's-web',
      deviceOwner: 'compute:nova',
      fixedIps: [{ subnetId: 'sn-demo', ipAddress: '10.0.1.5' }],
      bindingHost: 'compute-1',
      securityGroupIds: ['sg-web'],
    });
    expect((await listSecurityGroups(net).all())[0]!.rules).toEqual([
      { id: 'r1', direction: 'ingress', etherType: 'IPv4', protocol: 'tcp', portRangeMin: 443, portRangeMax: 443, remoteIpPrefix: '0.0.0.0/0', remoteGroupId: undefined, description: undefined },
    ]);
  });
});
