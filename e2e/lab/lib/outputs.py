"""Write what clients and tests need to reach the lab (called by up; idempotent).

  admin-openrc, <user>-openrc   shell environments (admin-openrc also sets CEPH_ARGS)
  clouds.yaml                   lab-admin, lab-admin-tls (Keystone over HTTPS) and one
                                cloud per seeded user (they work once seed has run)
  hypervisors.json              per Nova compute host: how to reach it over SSH
  hypervisors_known_hosts       their host keys
  ssh_config                    `ssh -F state/ssh_config lab-kvm-1` (+ seed's proxy entry)

usage: outputs.py LAB_DIR ADMIN_PASSWORD HOST:PORT:IMAGES_TYPE:AZ...
"""
import json
import os
import subprocess
import sys

import yaml

KS = 'http://127.0.0.1:5000/v3'
KS_TLS = 'https://127.0.0.1:5001/v3'
HERE = os.path.dirname(os.path.abspath(__file__))


def write(path, text, mode=0o644):
    tmp = path + '.tmp'
    with open(tmp, 'w') as f:
        f.write(text)
    os.chmod(tmp, mode)
    os.replace(tmp, path)


def openrc(user, password, domain, project, project_domain, extra=''):
    return ''.join('export %s=%s\n' % kv for kv in [
        ('OS_AUTH_URL', KS), ('OS_IDENTITY_API_VERSION', '3'), ('OS_REGION_NAME', 'RegionOne'),
        ('OS_INTERFACE', 'public'), ('OS_USER_DOMAIN_NAME', domain),
        ('OS_PROJECT_DOMAIN_NAME', project_domain), ('OS_USERNAME', user),
        ('OS_PASSWORD', password), ('OS_PROJECT_NAME', project),
        ('OS_COMPUTE_API_VERSION', '2.latest'), ('OS_VOLUME_API_VERSION', '3'),
    ]) + extra


def cloud(user, password, domain, project, project_domain, auth_url=KS, **extra):
    c = {'auth': {'auth_url': auth_url, 'username': user, 'password': password,
                  'project_name': project, 'user_domain_name': domain,
                  'project_domain_name': project_domain},
         'region_name': 'RegionOne', 'interface': 'public', 'identity_api_version': 3}
    c.update(extra)
    return c


def main():
    lab, admin_pw, hosts = sys.argv[1], sys.argv[2], sys.argv[3:]
    with open(os.path.join(HERE, '..', 'seed.json')) as f:
        seed = json.load(f)
    ceph_conf = os.path.join(lab, 'etc', 'ceph', 'ceph.conf')
    cacert = os.path.join(lab, 'tls', 'keystone.crt')

    rcs = {'admin': openrc('admin', admin_pw, 'Default', 'admin', 'Default',
                           'export CEPH_CONF=%s\nexport CEPH_ARGS="--conf %s --id admin"\n'
                           % (ceph_conf, ceph_conf))}
    clouds = {'lab-admin': cloud('admin', admin_pw, 'Default', 'admin', 'Default'),
              'lab-admin-tls': cloud('admin', admin_pw, 'Default', 'admin', 'Default',
                                     auth_url=KS_TLS, cacert=cacert)}
    for u in seed['users']:
        if not u.get('password') or not u.get('cloud'):
            continue
        c = u['cloud']
        rcs[u['name']] = openrc(u['name'], u['password'], u['domain'], c['project'], c['projectDomain'])
        clouds['lab-' + u['name']] = cloud(u['name'], u['password'], u['domain'], c['project'],
                                           c['projectDomain'])
    for name, text in rcs.items():
        write(os.path.join(lab, '%s-openrc' % name), text, 0o600)
    write(os.path.join(lab, 'clouds.yaml'),
          '# written by e2e/lab/up; OS_CLIENT_CONFIG_FILE=<this file> openstack --os-cloud lab-admin ...\n'
          + yaml.safe_dump({'clouds': clouds}, sort_keys=False), 0o600)

    key = os.path.join(lab, 'keys', 'hypervisor_ed25519')
    known = os.path.join(lab, 'hypervisors_known_hosts')
    hvs, known_lines, ssh_cfg = [], [], []
    for spec in hosts:
        host, port, images_type, az = spec.split(':')
        pub = os.path.join(lab, 'hv', host, 'ssh', 'ssh_host_ed25519_key.pub')
        with open(pub) as f:
            host_key = ' '.join(f.read().split()[:2])
        fp = subprocess.run(['ssh-keygen', '-lf', pub], check=True, capture_output=True,
                            text=True).stdout.split()[1]
        hvs.append({
            'host': host, 'hypervisorHostname': host, 'availabilityZone': az,
            'imagesType': 'raw' if images_type == 'flat' else images_type,
            'instancesPath': os.path.join(lab, 'hv', host, 'instances'),
            'libvirtUri': 'qemu:///system',
            'ssh': {'address': '127.0.0.1', 'port': int(port), 'user': 'root', 'keyPath': key,
                    'hostKey': host_key, 'hostKeyFingerprint': fp, 'knownHostsPath': known},
            'ceph': {'conf': '/etc/ceph/ceph.conf', 'user': 'admin', 'pool': 'volumes'},
        })
        known_lines.append('[127.0.0.1]:%s %s\n' % (port, host_key))
        ssh_cfg.append('Host %s\n  HostName 127.0.0.1\n  Port %s\n  User root\n  IdentityFile %s\n'
                       '  IdentitiesOnly yes\n  UserKnownHostsFile %s\n  StrictHostKeyChecking yes\n'
                       '  BatchMode yes\n' % (host, port, key, known))
    write(os.path.join(lab, 'hypervisors.json'), json.dumps({'hypervisors': hvs}, indent=2) + '\n')
    write(known, ''.join(known_lines))
    write(os.path.join(lab, 'ssh_config'),
          '# written by e2e/lab/up: ssh -F %s lab-kvm-1\n' % os.path.join(lab, 'ssh_config')
          + 'Include %s\n\n' % os.path.join(lab, 'ssh_config.seed') + '\n'.join(ssh_cfg))


if __name__ == '__main__':
    main()
