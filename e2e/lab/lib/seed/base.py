"""Identity, flavors, networks, keypairs and images of the seed."""
import os
import subprocess
import tempfile

from common import KEYDIR, LAB_DIR, log

GUEST_IMAGE = os.path.join(LAB_DIR, 'image', 'labvm.qcow2')
GUEST_PROPS = {'hw_disk_bus': 'virtio', 'hw_vif_model': 'virtio', 'hw_cdrom_bus': 'ide',
               'os_type': 'linux', 'hw_qemu_guest_agent': 'yes', 'os_distro': 'labvm-busybox'}


def seed_identity(lab):
    adm, m = lab.admin.identity, lab.m
    domains = {}
    for d in m['domains']:
        dom = adm.find_domain(d['name'])
        if not dom:
            dom = adm.create_domain(name=d['name'], description=d.get('description'), is_enabled=True)
            log('domain %s created' % d['name'])
        domains[d['name']] = dom
    roles = {}
    for rn in m['roles']:
        roles[rn] = adm.find_role(rn) or adm.create_role(name=rn)
    projects = {}
    for p in m['projects']:
        dom = domains[p['domain']]
        proj = adm.find_project(p['name'], domain_id=dom.id)
        if not proj:
            proj = adm.create_project(name=p['name'], domain_id=dom.id,
                                      description=p.get('description'), is_enabled=True)
            log('project %s created' % p['name'])
        projects[p['name']] = proj
    for u in m['users']:
        dom = domains[u['domain']]
        user = adm.find_user(u['name'], domain_id=dom.id)
        if not user:
            attrs = dict(name=u['name'], domain_id=dom.id, password=u['password'],
                         description='lab user', is_enabled=True)
            if u.get('defaultProject'):
                attrs['default_project_id'] = projects[u['defaultProject']].id
            user = adm.create_user(**attrs)
            log('user %s created' % u['name'])
        for project, role in u.get('grants', []):
            adm.assign_project_role_to_user(projects[project], user, roles[role])
        for domain, role in u.get('domainGrants', []):
            adm.assign_domain_role_to_user(domains[domain], user, roles[role])
    return projects


def seed_flavors(lab):
    c = lab.admin.compute
    for f in lab.m['flavors']:
        if c.find_flavor(f['name']):
            continue
        fl = c.create_flavor(name=f['name'], vcpus=f['vcpus'], ram=f['ram'], disk=f['disk'],
                             ephemeral=f.get('ephemeral', 0), swap=f.get('swap', 0),
                             is_public=True)
        if f.get('extraSpecs'):
            c.create_flavor_extra_specs(fl, f['extraSpecs'])
        log('flavor %s created' % f['name'])
    bs = lab.admin.block_storage
    if not any(t.name == 'ceph-rbd' for t in bs.types()):
        bs.create_type(name='ceph-rbd', description='Ceph RBD pool volumes',
                       extra_specs={'volume_backend_name': 'ceph'})
        log('volume type ceph-rbd created')


def ensure_network(conn, n, projects):
    net = conn.network.find_network(n['name'], project_id=projects[n['project']].id)
    if not net:
        attrs = dict(name=n['name'])
        if n.get('external'):
            attrs.update(is_router_external=True, provider_network_type='flat',
                         provider_physical_network='physnet1')
        net = conn.network.create_network(**attrs)
        log('network %s created' % n['name'])
    sname = n['name'].replace('-net', '') + '-subnet'
    sub = conn.network.find_subnet(sname, network_id=net.id)
    if not sub:
        # no DHCP agent: guests take their address from the config drive
        sub = conn.network.create_subnet(name=sname, network_id=net.id, ip_version=4,
                                         cidr=n['cidr'], enable_dhcp=False, dns_nameservers=[])
        log('subnet %s %s created' % (sname, n['cidr']))
    return net, sub


def seed_networks(lab, projects):
    nets = {}
    for n in lab.m['networks']:
        nets[n['name']] = ensure_network(lab.conn(n['project']), n, projects)
    # API objects only (no L3 agent): a router for acme with a gateway on public
    acme = lab.conn('acme-prod')
    if not acme.network.find_router('acme-router'):
        r = acme.network.create_router(name='acme-router',
                                       external_gateway_info={'network_id': nets['public'][0].id})
        acme.network.add_interface_to_router(r, subnet_id=nets['acme-net'][1].id)
        log('router acme-router created')
    return nets


def seed_keypairs(lab):
    os.makedirs(KEYDIR, exist_ok=True)
    for k in lab.m['keypairs']:
        conn = lab.conn(k['project'])
        path = os.path.join(KEYDIR, k['name'])
        if not os.path.exists(path):
            subprocess.run(['ssh-keygen', '-q', '-t', 'ed25519', '-N', '', '-C', k['name'],
                            '-f', path], check=True)
        if not conn.compute.find_keypair(k['name']):
            with open(path + '.pub') as f:
                conn.compute.create_keypair(name=k['name'], public_key=f.read().strip())
            log('keypair %s created (private key %s)' % (k['name'], path))


def upload_rbd(conn, name, path, visibility):
    """Raw image in Glance's rbd store: Cinder volumes made from it are COW clones."""
    r = conn.image.post('/images', json={
        'name': name, 'disk_format': 'raw', 'container_format': 'bare',
        'visibility': visibility, **GUEST_PROPS})
    if r.status_code >= 300:
        raise SystemExit('image create failed: %s %s' % (r.status_code, r.text))
    image_id = r.json()['id']
    with open(path, 'rb') as f:
        r = conn.image.put('/images/%s/file' % image_id, data=f, headers={
            'Content-Type': 'application/octet-stream', 'X-Image-Meta-Store': 'rbd'})
    if r.status_code >= 300:
        raise SystemExit('image upload failed: %s %s' % (r.status_code, r.text))
    return conn.image.get_image(image_id)


def seed_images(lab):
    images = {}
    for i in lab.m['images']:
        conn = lab.conn(i['project'])
        img = conn.image.find_image(i['name'])
        if not img:
            if i.get('store') == 'rbd':
                with tempfile.TemporaryDirectory(dir=os.path.join(LAB_DIR, 'tmp')) as tmp:
                    raw = os.path.join(tmp, 'labvm.raw')
                    subprocess.run(['qemu-img', 'convert', '-O', 'raw', GUEST_IMAGE, raw], check=True)
                    img = upload_rbd(conn, i['name'], raw, i['visibility'])
            else:
                img = conn.image.create_image(
                    name=i['name'], filename=GUEST_IMAGE, disk_format=i['format'],
                    container_format='bare', visibility=i['visibility'], wait=True,
                    use_import=False, **GUEST_PROPS)
            log('image %s created (%s%s)' % (i['name'], i['format'],
                                             ', rbd store' if i.get('store') else ''))
        images[i['name']] = img
    return images
