import { randomUUID } from 'node:crypto';
import { XMLBuilder, XMLParser } from 'fast-xml-parser';
import type { DiskSource } from './domain-xml';
import { TransferError } from './errors';

/**
 * A backed-up domain definition rewritten for `virsh define` as a new domain: another name, a
 * new UUID (SMBIOS too), only the restored disks, each pointing at its new file or RBD image without the
 * old backing chain, and no network interfaces (their taps and ports belong to the original;
 * attach networking to the restored domain deliberately).
 */

type OrderedNode = Record<string, unknown> & { ':@'?: Record<string, string> };

const opts = { preserveOrder: true, ignoreAttributes: false, attributeNamePrefix: '@', parseAttributeValue: false, parseTagValue: false, trimValues: false } as const;

const tagOf = (n: OrderedNode): string => Object.keys(n).find((k) => k !== ':@') ?? '';
const children = (n: OrderedNode): OrderedNode[] => (n[tagOf(n)] as OrderedNode[] | undefined) ?? [];
const find = (list: OrderedNode[], tag: string): OrderedNode | undefined => list.find((n) => tagOf(n) === tag);

export interface RestoredDisk {
  target: string;
  source: DiskSource;
  format: string;
}

/**
 * The names libvirt's QEMU driver takes: no '/' (it names files after the domain) and no control
 * characters (refused in the XML). Checked before anything is written, so a refused name never
 * leaves a restored disk behind.
 */
export function checkDomainName(name: string): void {
  if (name.includes('/')) throw new TransferError(`libvirt refuses the domain name "${name}": it may not contain "/". Choose another name; nothing was written.`);
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(name)) throw new TransferError('libvirt refuses a domain name with control characters (a line break, a tab …). Choose another name; nothing was written.');
}

export function rewriteDomainXml(xml: string, name: string, disks: RestoredDisk[], uuid: string = randomUUID()): string {
  const doc = new XMLParser(opts).parse(xml) as OrderedNode[];
  const domain = find(doc, 'domain');
  if (!domain) throw new TransferError('The saved domain XML has no <domain> element.');
  delete domain[':@']?.['@id'];
  const body = children(domain);
  // A new UUID everywhere the old one is: without <uuid> libvirt would take Nova's SMBIOS one
  // (sysinfo system uuid/serial) and refuse the definition as a duplicate of the original.
  const uuidNode = find(body, 'uuid');
  if (uuidNode) uuidNode.uuid = [{ '#text': uuid }];
  else body.splice(1, 0, { uuid: [{ '#text': uuid }] });
  for (const sys of children(find(body, 'sysinfo') ?? {}).filter((n) => tagOf(n) === 'system')) {
    for (const e of children(sys)) {
      if (tagOf(e) === 'entry' && ['uuid', 'serial'].includes(e[':@']?.['@name'] ?? '')) e.entry = [{ '#text': uuid }];
    }
  }
  const nameNode = find(body, 'name');
  if (!nameNode) throw new TransferError('The saved domain XML has no <name>.');
  nameNode.name = [{ '#text': name }];
  const devices = find(body, 'devices');
  if (devices) {
    devices.devices = children(devices)
      .filter((n) => tagOf(n) !== 'interface')
      .flatMap((n) => {
        if (tagOf(n) !== 'disk') return [n];
        const target = find(children(n), 'target')?.[':@']?.['@dev'];
        const r = disks.find((d) => d.target === target);
        // Disks not in the backup (excluded, the config-drive CD-ROM of the original) are left out.
        if (!r) return [];
        return [rewriteDisk(n, r)];
      });
  }
  domain.domain = body;
  return new XMLBuilder({ ...opts, format: false, suppressEmptyNode: true }).build(doc) as string;
}

function rewriteDisk(n: OrderedNode, r: RestoredDisk): OrderedNode {
  const attrs = { ...(n[':@'] ?? {}) };
  const kept = children(n).filter((c) => !['source', 'backingStore', 'auth', 'driver', 'alias', 'address'].includes(tagOf(c)));
  const driverAttrs = { ...(find(children(n), 'driver')?.[':@'] ?? { '@name': 'qemu' }), '@type': r.format };
  const driver: OrderedNode = { driver: [], ':@': driverAttrs };
  let source: OrderedNode[];
  if (r.source.kind === 'file') {
    attrs['@type'] = 'file';
    source = [{ source: [], ':@': { '@file': r.source.path } }];
  } else if (r.source.kind === 'rbd') {
    attrs['@type'] = 'network';
    const old = find(children(n), 'source');
    const hosts = old && old[':@']?.['@protocol'] === 'rbd' ? children(old).filter((c) => tagOf(c) === 'host') : [];
    source = [{ source: hosts, ':@': { '@protocol': 'rbd', '@name': `${r.source.pool}/${r.source.image}` } }];
    const auth = find(children(n), 'auth');
    if (auth) source.unshift(auth);
  } else throw new TransferError(`Cannot define a disk of type ${r.source.kind}.`);
  return { disk: [driver, ...source, ...kept], ':@': attrs };
}
