// Write calls of the mock cloud: state changes that complete on the next read, like a fast cloud.
import { ORIGINS, type MockCloud } from './mock-cloud';
import { makeImage } from './fixtures';
import { ID, notFound, projectOf, strip, type Wire } from './mock-util';

/** Write calls: state changes that complete on the next read, like a fast cloud. */
export function writeRoutes(cloud: MockCloud): void {
  const nova = ORIGINS.nova;
  const cinder = ORIGINS.cinder;
  let seq = 0;
  cloud.route(nova, 'POST', /^\/v2\.1\/servers$/, (req) => {
    const t = cloud.validToken(req)!;
    const body = (req.body as { server?: Wire } | undefined)?.server ?? {};
    const id = `s-new-${++seq}`;
    // scheduled on compute-1, as admins see it
    const placed = { 'OS-EXT-SRV-ATTR:host': 'compute-1', 'OS-EXT-SRV-ATTR:hypervisor_hostname': 'compute-1.example.org', 'OS-EXT-SRV-ATTR:instance_name': `instance-new-${seq}` };
    cloud.servers.push({ id, name: body.name, status: 'BUILD', tenant_id: projectOf(t), user_id: t.userId, _flavorId: body.flavorRef, flavor: { original_name: 'm1.tiny', vcpus: 1, ram: 512, disk: 1 }, image: body.imageRef ? { id: body.imageRef } : '', metadata: body.metadata ?? {}, tags: [], addresses: {}, 'os-extended-volumes:volumes_attached': [], ...placed, _becomes: 'ACTIVE' });
    return { status: 202, body: { server: { id, links: [], adminPass: 'generated', security_groups: [{ name: 'default' }] } } };
  });
  // os-stop / os-start: the new power state shows on the read after the next one; os-getConsoleOutput: cloud.consoleOf
  cloud.route(nova, 'POST', new RegExp(`^/v2\\.1/servers/${ID}/action$`), (req, m) => {
    const s = cloud.servers.find((x) => x.id === m[1]);
    if (!s) return notFound(`Instance ${m[1]} could not be found.`);
    const action = Object.keys((req.body ?? {}) as Wire)[0];
    if (action === 'createImage') {
      // A snapshot image, made in the caller's project; Nova names the server in instance_uuid.
      const body = ((req.body as Wire).createImage ?? {}) as Wire;
      const imageId = `img-snap-${++seq}`;
      const props = { image_type: 'snapshot', instance_uuid: s.id, ...((body.metadata as Wire | undefined) ?? {}) };
      cloud.images.push({ ...makeImage(imageId, String(body.name), projectOf(cloud.validToken(req)!) ?? s.tenant_id as string, 'private', props), status: 'queued', _becomes: 'active', ...cloud.snapshotImage(s) });
      return { status: 202, body: { image_id: imageId } };
    }
    if (action === 'os-getConsoleOutput') {
      // Nova gives the last `length` lines when asked for them
      const length = Number(((req.body as Wire)['os-getConsoleOutput'] as Wire | null)?.length ?? 0);
      const lines = cloud.consoleOf(s).split('\n');
      return { status: 200, body: { output: (length > 0 ? lines.slice(-length) : lines).join('\n') } };
    }
    const becomes = action === 'os-stop' ? 'SHUTOFF' : action === 'os-start' ? 'ACTIVE' : null;
    if (!becomes) return { status: 400, body: { badRequest: { code: 400, message: `Unsupported action ${action ?? ''}` } } };
    s._becomes = becomes;
    return { status: 202 };
  });
  cloud.route(nova, 'GET', new RegExp(`^/v2\\.1/servers/${ID}/os-volume_attachments$`), (_req, m) => {
    const s = cloud.servers.find((x) => x.id === m[1]);
    if (!s) return notFound(`Instance ${m[1]} could not be found.`);
    const attached = s['os-extended-volumes:volumes_attached'] as Wire[];
    return { status: 200, body: { volumeAttachments: attached.map((a, i) => ({ id: a.id, volumeId: a.id, serverId: s.id, device: `/dev/vd${String.fromCharCode(98 + i)}`, delete_on_termination: a.delete_on_termination ?? false })) } };
  });
  cloud.route(nova, 'POST', new RegExp(`^/v2\\.1/servers/${ID}/os-volume_attachments$`), (req, m) => {
    const s = cloud.servers.find((x) => x.id === m[1]);
    const volumeId = ((req.body as { volumeAttachment?: Wire } | undefined)?.volumeAttachment?.volumeId ?? '') as string;
    const v = cloud.volumes.find((x) => x.id === volumeId);
    if (!s || !v) return notFound('Instance or volume could not be found.');
    if (v.status !== 'available') return { status: 400, body: { badRequest: { code: 400, message: `Invalid volume: volume ${volumeId} status must be 'available'. Currently in '${v.status}'` } } };
    const deleteOnTermination = (req.body as { volumeAttachment?: Wire } | undefined)?.volumeAttachment?.delete_on_termination === true;
    (s['os-extended-volumes:volumes_attached'] as Wire[]).push({ id: volumeId, delete_on_termination: deleteOnTermination });
    v.status = 'attaching';
    v._becomes = 'in-use';
    v.attachments = [{ server_id: s.id, attachment_id: `att-${volumeId}`, device: '/dev/vdb', host_name: 'compute-1' }];
    return { status: 200, body: { volumeAttachment: { id: volumeId, volumeId, serverId: s.id, device: '/dev/vdb' } } };
  });
  cloud.route(nova, 'DELETE', new RegExp(`^/v2\\.1/servers/${ID}/os-volume_attachments/${ID}$`), (_req, m) => {
    const s = cloud.servers.find((x) => x.id === m[1]);
    const v = cloud.volumes.find((x) => x.id === m[2]);
    if (!s || !v) return notFound('Instance or volume could not be found.');
    s['os-extended-volumes:volumes_attached'] = (s['os-extended-volumes:volumes_attached'] as Wire[]).filter((a) => a.id !== v.id);
    v.status = 'detaching';
    v._becomes = 'available';
    v.attachments = [];
    return { status: 202 };
  });
  cloud.route(cinder, 'POST', new RegExp(`^/v3/${ID}/volumes$`), (req, m) => {
    const body = (req.body as { volume?: Wire } | undefined)?.volume ?? {};
    const id = `v-new-${++seq}`;
    const v: Wire = { id, name: body.name ?? null, status: 'creating', _becomes: 'available', size: body.size, volume_type: body.volume_type ?? '__DEFAULT__', attachments: [], 'os-vol-tenant-attr:tenant_id': m[1], 'os-vol-host-attr:host': 'cinder-vol@ceph#ceph', metadata: body.metadata ?? {}, bootable: 'false', availability_zone: 'nova' };
    cloud.volumes.push(v);
    return { status: 202, body: { volume: strip(v) } };
  });
  cloud.route(cinder, 'DELETE', new RegExp(`^/v3/${ID}/volumes/${ID}$`), (_req, m) => {
    const v = cloud.volumes.find((x) => x.id === m[2]);
    if (!v) return notFound(`Volume ${m[2]} could not be found.`);
    if (v.status === 'in-use') return { status: 400, body: { badRequest: { code: 400, message: 'Invalid volume: Volume status must be available or error or error_restoring or error_extending or error_managing and must not be migrating, attached, belong to a group, have snapshots or be disassociated from snapshots after volume transfer.' } } };
    v.status = 'deleting';
    v._becomes = null;
    return { status: 202 };
  });
  cloud.route(cinder, 'DELETE', new RegExp(`^/v3/${ID}/snapshots/${ID}$`), (_req, m) => {
    const snap = cloud.snapshots.find((x) => x.id === m[2]);
    if (!snap) return notFound(`Snapshot ${m[2]} could not be found.`);
    snap.status = 'deleting';
    snap._becomes = null;
    return { status: 202 };
  });
  // A new image record (queued); its data's upload (PUT …/file) makes it active. The mock does not
  // read a streamed body: Glance's hash of it stays unknown (os_hash_value null).
  cloud.route(ORIGINS.glance, 'POST', /^\/v2\/images$/, (req) => {
    const body = (req.body ?? {}) as Wire;
    const { name, disk_format, container_format, visibility, min_disk, min_ram, ...properties } = body;
    const image = { ...makeImage(`img-new-${++seq}`, String(name), projectOf(cloud.validToken(req)!) ?? '', String(visibility ?? 'shared'), properties), status: 'queued', disk_format, container_format, min_disk: min_disk ?? 0, min_ram: min_ram ?? 0, size: null, checksum: null, os_hash_algo: null, os_hash_value: null };
    cloud.images.push(image);
    return { status: 201, body: strip(image) };
  });
  cloud.route(ORIGINS.glance, 'PUT', new RegExp(`^/v2/images/${ID}/file$`), (_req, m) => {
    const i = cloud.images.find((x) => x.id === m[1]);
    if (!i) return notFound(`No image found with ID ${m[1]}`);
    i.status = 'saving';
    i._becomes = 'active';
    return { status: 204 };
  });
  cloud.route(ORIGINS.glance, 'DELETE', new RegExp(`^/v2/images/${ID}$`), (_req, m) => {
    const i = cloud.images.findIndex((x) => x.id === m[1]);
    if (i < 0) return notFound(`No image found with ID ${m[1]}`);
    if (cloud.images[i]!.protected === true) return { status: 403, body: { message: 'Image is protected', code: '403 Forbidden' } };
    cloud.images.splice(i, 1);
    return { status: 204 };
  });
  // An image's bytes (`_data`, a Buffer a test sets); Glance answers 204 for an image without data.
  cloud.route(ORIGINS.glance, 'GET', new RegExp(`^/v2/images/${ID}/file$`), (_req, m) => {
    const i = cloud.images.find((x) => x.id === m[1]);
    if (!i) return notFound(`No image found with ID ${m[1]}`);
    return Buffer.isBuffer(i._data) ? { status: 200, body: i._data } : { status: 204 };
  });
  cloud.route(cinder, 'POST', new RegExp(`^/v3/${ID}/snapshots$`), (req, m) => {
    const body = (req.body as { snapshot?: Wire } | undefined)?.snapshot ?? {};
    const snap: Wire = { id: `snap-new-${++seq}`, name: body.name ?? null, status: 'creating', _becomes: 'available', size: 1, volume_id: body.volume_id, metadata: body.metadata ?? {}, created_at: new Date().toISOString(), 'os-extended-snapshot-attributes:project_id': m[1] };
    cloud.snapshots.push(snap);
    return { status: 202, body: { snapshot: strip(snap) } };
  });
}

/** Reads one item; a pending transition (_becomes) happens after this read, so waits see both states. */
export function readAndAdvance(items: Wire[], id: string | undefined): Wire | undefined {
  const i = items.findIndex((x) => x.id === id);
  const item = items[i];
  if (!item) return undefined;
  const seen = { ...item };
  if ('_becomes' in item) {
    const target = item._becomes;
    delete item._becomes;
    if (target === null) items.splice(i, 1);
    else item.status = target;
  }
  return seen;
}

