"""Cinder volumes (all RBD) with real bytes and snapshots, as seed.json describes them."""
import random

from common import CEPH_CONF, find_snapshot, find_volume, log, wait_volume


def block(tag, mib_offset):
    """1 MiB of recognisable data: a text header, then deterministic random bytes."""
    rnd = random.Random('%s-%d' % (tag, mib_offset))
    data = ('%s @%dMiB\n' % (tag, mib_offset)).encode() * 16
    return mib_offset * 1024 * 1024, data + rnd.randbytes(1024 * 1024 - len(data))


def rbd_write(volume_id, chunks):
    """Write into a volume's RBD image directly with librbd (the lab's client.admin)."""
    import rados
    import rbd
    cluster = rados.Rados(conffile=CEPH_CONF, rados_id='admin')
    cluster.connect(timeout=30)
    try:
        with cluster.open_ioctx('volumes') as ioctx:
            with rbd.Image(ioctx, 'volume-%s' % volume_id) as img:
                for off, data in chunks:
                    img.write(data, off)
                img.flush()
    finally:
        cluster.shutdown()


def ensure_snapshot(conn, vol, name):
    s = find_snapshot(conn, name)
    if s:
        return s
    s = conn.block_storage.create_snapshot(volume_id=vol.id, name=name,
                                           description='lab snapshot of %s' % vol.name)
    s = conn.block_storage.wait_for_status(s, status='available', failures=['error'],
                                           interval=2, wait=300)
    log('snapshot %s of %s created' % (name, vol.name))
    return s


def play_history(conn, vol, history):
    """Writes and snapshots in order, so rbd diff between snapshots shows real changes."""
    for i, step in enumerate(history):
        if 'write' in step:
            rbd_write(vol.id, [block('%s-step%d' % (vol.name, i), o) for o in step['write']])
        else:
            ensure_snapshot(conn, vol, step['snapshot'])


def seed_volumes(lab, images):
    vols = {}
    for v in lab.m['volumes']:
        conn = lab.conn(v['project'])
        vol = find_volume(conn, v['name'])
        history = v.get('history', [])
        last_snap = next((s['snapshot'] for s in reversed(history) if 'snapshot' in s), None)
        if not vol:
            attrs = dict(name=v['name'], size=v['size'], description='lab volume')
            if v.get('type'):
                attrs['volume_type'] = v['type']
            if v.get('image'):
                attrs['image_id'] = images[v['image']].id
            if v.get('snapshot'):
                attrs['snapshot_id'] = find_snapshot(conn, v['snapshot']).id
            vol = wait_volume(conn, conn.block_storage.create_volume(**attrs))
            log('volume %s created (%d GiB)' % (v['name'], v['size']))
            play_history(conn, vol, history)
        elif last_snap and not find_snapshot(conn, last_snap):
            play_history(conn, vol, history)     # an earlier seed stopped half-way
        vols[v['name']] = vol
    return vols
