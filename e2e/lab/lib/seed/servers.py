"""Servers on the real compute hosts, their attached volumes, and the proxy VM's SSH details."""
import json
import os
import re
import time

from common import KEYDIR, LAB_DIR, find_server, log, wait_volume


def create_server(lab, s, images, nets, vols):
    conn = lab.conn(s['project'])
    srv = find_server(conn, s['name'])
    if srv:
        return conn, srv, False
    flavor = conn.compute.find_flavor(s['flavor'])
    attrs = dict(name=s['name'], flavor_id=flavor.id, key_name=s['keypair'],
                 networks=[{'uuid': nets[s['network']][0].id}], metadata=s.get('metadata', {}))
    if s.get('availabilityZone'):
        attrs['availability_zone'] = s['availabilityZone']
    if s['kind'] == 'boot-from-volume':
        attrs['block_device_mapping'] = [{
            'boot_index': 0, 'uuid': vols[s['bootVolume']].id, 'source_type': 'volume',
            'destination_type': 'volume', 'delete_on_termination': False}]
    else:
        attrs['image_id'] = images[s['image']].id
    return conn, conn.compute.create_server(**attrs), True


def finish_server(conn, s, srv, vols):
    srv = conn.compute.wait_for_server(srv, status='ACTIVE', failures=['ERROR'], interval=2, wait=600)
    if s.get('tags'):
        # PUT /servers/{id}/tags needs compute microversion >= 2.26
        r = conn.compute.put('/servers/%s/tags' % srv.id, json={'tags': s['tags']}, microversion='2.26')
        if r.status_code >= 300:
            raise SystemExit('tagging %s failed: %s %s' % (s['name'], r.status_code, r.text))
    for name in s.get('volumes', []):
        vol = conn.block_storage.get_volume(vols[name].id)
        if any(a.get('server_id') == srv.id for a in (vol.attachments or [])):
            continue
        conn.compute.create_volume_attachment(srv, volume_id=vol.id)
        wait_volume(conn, vol, status='in-use')
        log('volume %s attached to %s' % (name, s['name']))
    return srv


def console_hostkey(conn, srv, timeout=240):
    """The guest prints 'labvm: HOSTKEY <type> <key>' on its serial console when sshd runs."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        out = conn.compute.get_server_console_output(srv).get('output', '')
        keys = re.findall(r'labvm: HOSTKEY (ssh-\S+ \S+)', out)
        if keys:
            return keys[-1]
        time.sleep(2)
    raise SystemExit('%s did not print its SSH host key within %ds' % (srv.name, timeout))


def write_proxy_info(lab, s, conn, srv):
    addr = next(a['addr'] for n in srv.addresses.values() for a in n if a.get('version') == 4)
    host_key = console_hostkey(conn, srv)
    key = os.path.join(KEYDIR, s['keypair'])
    known = os.path.join(LAB_DIR, 'proxy_known_hosts')
    with open(known, 'w') as f:
        f.write('%s %s\n' % (addr, host_key))
    info = {'server': s['name'], 'id': srv.id, 'project': s['project'], 'address': addr,
            'user': 'root', 'keyPath': key, 'hostKey': host_key, 'knownHostsPath': known,
            'jumpHost': srv.compute_host}
    with open(os.path.join(LAB_DIR, 'proxy.json'), 'w') as f:
        json.dump(info, f, indent=2)
        f.write('\n')
    with open(os.path.join(LAB_DIR, 'ssh_config.seed'), 'w') as f:
        f.write('# written by e2e/lab/seed: ssh -F %s %s\n'
                'Host %s\n  HostName %s\n  User root\n  IdentityFile %s\n  IdentitiesOnly yes\n'
                '  ProxyJump %s\n  UserKnownHostsFile %s\n  StrictHostKeyChecking yes\n  BatchMode yes\n'
                % (os.path.join(LAB_DIR, 'ssh_config'), s['name'], s['name'], addr, key,
                   srv.compute_host, known))
    log('proxy %s at %s via %s (ssh -F %s/ssh_config %s)' % (
        s['name'], addr, srv.compute_host, LAB_DIR, s['name']))


def seed_servers(lab, images, nets, vols):
    # create them all first: the hosts build and boot them concurrently
    pending = [(s,) + create_server(lab, s, images, nets, vols) for s in lab.m['servers']]
    for s, conn, srv, new in pending:
        srv = finish_server(conn, s, srv, vols)
        srv = lab.admin.compute.get_server(srv.id)   # host attributes are admin-only
        if new:
            log('server %s ACTIVE on %s (%s)' % (s['name'], srv.compute_host, s['kind']))
        if srv.compute_host != s['host']:
            raise SystemExit('%s landed on %s, expected %s' % (s['name'], srv.compute_host, s['host']))
        if s['kind'] == 'proxy':
            write_proxy_info(lab, s, conn, srv)
    web = next((c, srv) for s, c, srv, _ in pending if s['name'] == 'demo-web-1')
    ensure_server_snapshot(web[0], web[1], 'demo-web-1-snapshot')
    ensure_floating_ip(lab, 'acme-app-1')


def ensure_server_snapshot(conn, srv, name):
    if conn.image.find_image(name):
        return
    img = conn.compute.create_server_image(srv, name, metadata={'lab': 'server-snapshot'},
                                           wait=True, timeout=300)
    log('server snapshot %s: %s' % (name, conn.image.get_image(img).status))


def ensure_floating_ip(lab, server_name):
    conn = lab.conn('acme-prod')
    srv = find_server(conn, server_name)
    public = lab.admin.network.find_network('public')
    ports = list(conn.network.ports(device_id=srv.id))
    if ports and not list(conn.network.ips(port_id=ports[0].id)):
        fip = conn.network.create_ip(floating_network_id=public.id, port_id=ports[0].id)
        log('floating IP %s -> %s (API object only)' % (fip.floating_ip_address, server_name))
