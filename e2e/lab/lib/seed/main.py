"""seed: fill the lab with what e2e/lab/seed.json describes (idempotent: existing things are kept)."""
import sys

import openstack

from base import seed_flavors, seed_identity, seed_images, seed_keypairs, seed_networks
from common import T0, Lab, log
from servers import seed_servers
from storage import seed_volumes


def main():
    lab = Lab()
    log('connected as admin')
    projects = seed_identity(lab)
    seed_flavors(lab)
    nets = seed_networks(lab, projects)
    seed_keypairs(lab)
    images = seed_images(lab)
    vols = seed_volumes(lab, images)
    seed_servers(lab, images, nets, vols)
    import time
    log('done in %ds' % (time.time() - T0))
    for srv in lab.admin.compute.servers(all_projects=True):
        print('  %-16s %-9s %-10s %s' % (srv.name, srv.status, srv.compute_host, srv.instance_name))


if __name__ == '__main__':
    try:
        main()
    except openstack.exceptions.SDKException as e:
        print('seed failed: %s' % e, file=sys.stderr)
        sys.exit(1)
