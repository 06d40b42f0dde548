"""Shared helpers of the seed: the manifest, connections, logging, lookups."""
import json
import os
import time

import openstack

HERE = os.path.dirname(os.path.abspath(__file__))
LAB_HOME = os.path.abspath(os.path.join(HERE, '..', '..'))
LAB_DIR = os.path.abspath(os.environ.get('LAB_DIR', os.path.join(LAB_HOME, 'state')))
AUTH_URL = 'http://127.0.0.1:5000/v3'
REGION = 'RegionOne'
CEPH_CONF = os.path.join(LAB_DIR, 'etc', 'ceph', 'ceph.conf')
KEYDIR = os.path.join(LAB_DIR, 'keys')
T0 = time.time()


def log(msg):
    print('[seed %4ds] %s' % (time.time() - T0, msg), flush=True)


def manifest():
    with open(os.path.join(LAB_HOME, 'seed.json')) as f:
        return json.load(f)


def admin_password():
    with open(os.path.join(LAB_DIR, 'admin-openrc')) as f:
        for line in f:
            if line.startswith('export OS_PASSWORD='):
                return line.split('=', 1)[1].strip()
    raise SystemExit('no OS_PASSWORD in admin-openrc: run e2e/lab/up first')


def connect(user, password, project, domain='Default', project_domain=None):
    return openstack.connect(
        auth_url=AUTH_URL, username=user, password=password,
        project_name=project, user_domain_name=domain,
        project_domain_name=project_domain or domain,
        region_name=REGION, interface='public', identity_api_version='3',
        compute_api_version='2', load_yaml_config=False, load_envvars=False)


class Lab:
    """Connections per project (as the project's seedUser) plus the manifest."""

    def __init__(self):
        self.m = manifest()
        self.admin_pw = admin_password()
        self.admin = connect('admin', self.admin_pw, 'admin')
        self.users = {u['name']: u for u in self.m['users']}
        self.projects = {p['name']: p for p in self.m['projects']}
        self._conns = {}

    def password(self, user):
        return self.admin_pw if user == 'admin' else self.users[user]['password']

    def conn(self, project):
        """Connection scoped to PROJECT as its seed user."""
        if project not in self._conns:
            p = self.projects[project]
            user = p['seedUser']
            if user == 'admin' and project == 'admin':
                self._conns[project] = self.admin
            else:
                self._conns[project] = connect(user, self.password(user), project,
                                               self.users[user]['domain'], p['domain'])
        return self._conns[project]


def find_volume(conn, name):
    return next((v for v in conn.block_storage.volumes(name=name) if v.name == name), None)


def find_snapshot(conn, name):
    return next((s for s in conn.block_storage.snapshots(name=name) if s.name == name), None)


def find_server(conn, name):
    return next((s for s in conn.compute.servers(name='^%s$' % name) if s.name == name), None)


def wait_volume(conn, vol, status='available', timeout=300):
    return conn.block_storage.wait_for_status(
        vol, status=status, failures=['error', 'error_restoring', 'error_extending'],
        interval=2, wait=timeout)
