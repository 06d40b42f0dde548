// Wire shapes of the few Nova/Cinder fields the lab tests read, and the libvirt disk listing.
export const COMPUTE_MICROVERSION = '2.79'; // embedded flavor (2.47), tags (2.26), volumes_attached

export interface Server {
  id: string;
  name: string;
  status: string;
  tenant_id: string;
  image: { id: string } | '';
  flavor: { disk: number; ephemeral: number; swap: number | ''; original_name: string };
  addresses: Record<string, { addr: string; version: number }[]>;
  'OS-EXT-SRV-ATTR:host': string | null;
  'OS-EXT-SRV-ATTR:instance_name': string;
  'OS-EXT-STS:task_state': string | null;
  'os-extended-volumes:volumes_attached': { id: string }[];
}
export interface Volume {
  id: string;
  name: string;
  size: number;
  status: string;
  'os-vol-tenant-attr:tenant_id': string;
  attachments: { server_id: string; device: string }[];
}
export interface VolumeAttachment {
  volumeId: string;
  device: string;
}

export interface LibvirtDisk {
  type: string; // file | network | block
  device: string; // disk | cdrom
  target: string; // vda ...
  source: string; // a path, or pool/image for RBD
}

/** Parses `virsh domblklist --details` (a table: Type Device Target Source). */
export function parseDomblklist(out: string): LibvirtDisk[] {
  const lines = out.split('\n');
  const start = lines.findIndex((l) => /^-{5,}/.test(l.trim()));
  return lines
    .slice(start + 1)
    .map((l) => l.trim())
    .filter((l) => l !== '')
    .map((l) => {
      const [type, device, target, ...source] = l.split(/\s+/);
      return { type: type ?? '', device: device ?? '', target: target ?? '', source: source.join(' ') };
    });
}

export const bootsFromVolume = (s: Server): boolean => s.image === '' || !s.image.id;
