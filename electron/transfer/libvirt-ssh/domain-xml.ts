import { XMLParser } from 'fast-xml-parser';
import { TransferError } from './errors';

/** What the strategy needs from `virsh dumpxml`: the domain's identity and its disks. */

export type DiskSource =
  | { kind: 'file'; path: string }
  | { kind: 'block'; path: string }
  | { kind: 'rbd'; pool: string; image: string; snapshot: string | null; user: string | null }
  | { kind: 'other'; type: string; protocol: string | null };

export interface ChainImage {
  /** a file path, or "pool/image" for RBD */
  source: DiskSource;
  format: string | null;
}

export interface DomainDisk {
  /** the guest device name: vda, sdb … */
  target: string;
  device: string;
  bus: string | null;
  /** the format QEMU opens the active layer with (driver type) */
  format: string | null;
  source: DiskSource;
  /** backing images below the active layer, top first (as libvirt reports them) */
  backingChain: ChainImage[];
  readonly: boolean;
  /** Cinder puts the volume id here */
  serial: string | null;
  /** QEMU's device alias (virtio-disk0 …) */
  alias: string | null;
}

export interface DomainInfo {
  name: string;
  uuid: string;
  /** Nova's display name (<nova:name>) */
  novaName: string | null;
  disks: DomainDisk[];
}

type Node = Record<string, unknown>;

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  parseAttributeValue: false,
  parseTagValue: false,
  trimValues: true,
  isArray: (name) => name === 'disk' || name === 'host',
});

const asNode = (v: unknown): Node | undefined => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Node) : undefined);
const text = (v: unknown): string | null => {
  if (typeof v === 'string') return v;
  const n = asNode(v);
  return n && typeof n['#text'] === 'string' ? n['#text'] : null;
};
const attr = (n: Node | undefined, name: string): string | null => {
  const v = n?.[`@${name}`];
  return typeof v === 'string' ? v : null;
};

function sourceOf(type: string | null, source: Node | undefined, auth: Node | undefined): DiskSource {
  if (type === 'file') return { kind: 'file', path: attr(source, 'file') ?? '' };
  if (type === 'block') return { kind: 'block', path: attr(source, 'dev') ?? '' };
  if (type === 'network' && attr(source, 'protocol') === 'rbd') {
    const name = attr(source, 'name') ?? '';
    const [poolImage = '', snapshot = null] = name.split('@');
    const slash = poolImage.indexOf('/');
    return {
      kind: 'rbd',
      pool: slash > 0 ? poolImage.slice(0, slash) : 'rbd',
      image: slash > 0 ? poolImage.slice(slash + 1) : poolImage,
      snapshot,
      user: attr(auth, 'username'),
    };
  }
  return { kind: 'other', type: type ?? 'unknown', protocol: attr(source, 'protocol') };
}

function chainOf(node: unknown): ChainImage[] {
  const out: ChainImage[] = [];
  let cur = asNode(node);
  while (cur && attr(cur, 'type')) {
    out.push({ source: sourceOf(attr(cur, 'type'), asNode(cur.source), asNode(cur.auth)), format: attr(asNode(cur.format), 'type') });
    cur = asNode(cur.backingStore);
  }
  return out;
}

export function parseDomainXml(xml: string): DomainInfo {
  let doc: Node;
  try {
    doc = parser.parse(xml) as Node;
  } catch (e) {
    throw new TransferError(`The domain XML from virsh dumpxml could not be read: ${(e as Error).message}`);
  }
  const domain = asNode(doc.domain);
  if (!domain) throw new TransferError('virsh dumpxml did not return a <domain> document.');
  const devices = asNode(domain.devices);
  const disks = ((devices?.disk as unknown[] | undefined) ?? []).map(asNode).filter((d): d is Node => d !== undefined);
  const nova = asNode(asNode(asNode(domain.metadata)?.['nova:instance']));
  return {
    name: text(domain.name) ?? '',
    uuid: text(domain.uuid) ?? '',
    novaName: nova ? text(nova['nova:name']) : null,
    disks: disks.map((d) => {
      const target = asNode(d.target);
      return {
        target: attr(target, 'dev') ?? '',
        device: attr(d, 'device') ?? 'disk',
        bus: attr(target, 'bus'),
        format: attr(asNode(d.driver), 'type'),
        source: sourceOf(attr(d, 'type'), asNode(d.source), asNode(d.auth)),
        backingChain: chainOf(d.backingStore),
        readonly: d.readonly !== undefined,
        serial: text(d.serial),
        alias: attr(asNode(d.alias), 'name'),
      };
    }),
  };
}

/** A disk's location for people and for manifests: the file path or "rbd:pool/image". */
export function describeSource(s: DiskSource): string {
  if (s.kind === 'file' || s.kind === 'block') return s.path;
  if (s.kind === 'rbd') return `rbd:${s.pool}/${s.image}${s.snapshot ? `@${s.snapshot}` : ''}`;
  return `${s.type}${s.protocol ? `:${s.protocol}` : ''}`;
}
