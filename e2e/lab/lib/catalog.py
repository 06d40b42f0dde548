"""Idempotently register service users, services and endpoints in Keystone."""
import os

from keystoneauth1 import session
from keystoneauth1.identity import v3
from keystoneclient.v3 import client

KS = os.environ['KS']
REGION = os.environ['REGION']
SVC_PW = os.environ['SERVICE_PASSWORD']
auth = v3.Password(auth_url=KS + '/v3', username='admin',
                   password=os.environ['ADMIN_PASSWORD'], project_name='admin',
                   user_domain_id='default', project_domain_id='default')
ks = client.Client(session=session.Session(auth=auth), interface='public')

SERVICES = [
    # name, type, description, url
    ('glance', 'image', 'OpenStack Image', 'http://127.0.0.1:9292'),
    ('placement', 'placement', 'Placement API', 'http://127.0.0.1:8778'),
    ('nova', 'compute', 'OpenStack Compute', 'http://127.0.0.1:8774/v2.1'),
    ('cinderv3', 'volumev3', 'OpenStack Block Storage',
     'http://127.0.0.1:8776/v3/%(project_id)s'),
    ('neutron', 'network', 'OpenStack Networking', 'http://127.0.0.1:9696'),
    # Ceph RGW's Swift API (rgw.sh): one account per project
    ('swift', 'object-store', 'Ceph RADOS Gateway (Swift)',
     'http://127.0.0.1:7480/swift/v1/AUTH_%(project_id)s'),
]
USERS = ['glance', 'placement', 'nova', 'cinder', 'neutron', 'swift']


def one(items):
    return items[0] if items else None


default = ks.domains.get('default')
# cloud admin also gets the admin role on the Default domain (domain-scoped tokens)
admin_user = one(ks.users.list(domain=default, name='admin'))
admin_role = one([r for r in ks.roles.list() if r.name == 'admin'])
ks.roles.grant(admin_role, user=admin_user, domain=default)
service = one(ks.projects.list(domain=default, name='service')) or \
    ks.projects.create('service', default, description='Service project')
roles = {r.name: r for r in ks.roles.list()}
for rn in ('admin', 'member', 'reader', 'service'):
    if rn not in roles:
        roles[rn] = ks.roles.create(rn)
for un in USERS:
    u = one(ks.users.list(domain=default, name=un))
    if u is None:
        u = ks.users.create(un, domain=default, password=SVC_PW)
    else:
        ks.users.update(u, password=SVC_PW)
    for rn in ('admin', 'service'):
        ks.roles.grant(roles[rn], user=u, project=service)
for name, stype, desc, url in SERVICES:
    s = one([x for x in ks.services.list(type=stype) if x.name == name]) or \
        ks.services.create(name, stype, description=desc)
    have = {e.interface: e for e in ks.endpoints.list(service=s, region=REGION)}
    for itf in ('public', 'internal', 'admin'):
        if itf in have:
            if have[itf].url != url:
                ks.endpoints.update(have[itf], url=url)
        else:
            ks.endpoints.create(s, url, interface=itf, region=REGION)
print('catalog ok:', ', '.join('%s(%s)' % (n, t) for n, t, _, _ in SERVICES))
