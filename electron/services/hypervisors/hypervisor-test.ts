import type { HypervisorTest } from '../../../shared/domain/inventory';
import type { StoredHypervisor } from '../../catalog';
import { toAppError } from '../../lib/errors';
import type { SshSession } from '../../transfer/libvirt-ssh';

/** The programs the libvirt strategy runs on a hypervisor, and what each one is for. */
export const HYPERVISOR_TOOLS: readonly { name: string; neededFor: string; always: boolean }[] = [
  { name: 'virsh', neededFor: 'snapshots and merges of running instances', always: true },
  { name: 'qemu-img', neededFor: 'reading disk allocation and creating restored disks', always: true },
  { name: 'qemu-nbd', neededFor: 'reading and writing disk data', always: true },
  { name: 'rbd', neededFor: 'instances with Ceph RBD disks', always: false },
];

// `command -v` prints a program's path, or nothing: one line per tool, "-" when missing.
const FIND_TOOLS = 'for t in "$@"; do p=$(command -v "$t" 2>/dev/null) && echo "$p" || echo -; done';

/**
 * Connects (the host key is pinned on first use, a changed one refused) and checks what backups
 * need on the host: libvirt answering, and the programs the strategy runs. Never throws: every
 * failure is a problem in the result, in words that say what to do.
 */
export async function testHypervisor(h: StoredHypervisor, connect: () => Promise<SshSession>): Promise<HypervisorTest> {
  const result: HypervisorTest = { hostname: h.hostname, ok: false, hostKey: null, pinnedNow: false, libvirt: null, tools: [], problems: [] };
  let ssh: SshSession;
  try {
    ssh = await connect();
  } catch (e) {
    result.problems.push(toAppError(e).message);
    return result;
  }
  try {
    result.hostKey = ssh.hostKey;
    result.pinnedNow = !h.ssh.hostKey;
    try {
      result.libvirt = (await ssh.run(['virsh', 'version'])).trim() || null;
    } catch (e) {
      result.problems.push(`libvirt does not answer on ${h.hostname} as ${h.ssh.user ?? 'this user'}: ${toAppError(e).message} Use an account that may run virsh (root, or a member of the libvirt group).`);
    }
    const out = await ssh.script(FIND_TOOLS, HYPERVISOR_TOOLS.map((t) => t.name));
    const chunks: Buffer[] = [];
    out.stdout.on('data', (c: Buffer) => chunks.push(c));
    out.stdin.end();
    await out.done;
    const paths = Buffer.concat(chunks).toString('utf8').split('\n');
    HYPERVISOR_TOOLS.forEach((t, i) => {
      const p = paths[i]?.trim();
      const path = p && p !== '-' ? p : null;
      result.tools.push({ name: t.name, path, neededFor: t.neededFor });
      if (!path && t.always) result.problems.push(`${t.name} is not installed on ${h.hostname} (or not on the PATH of ${h.ssh.user ?? 'this user'}): it is needed for ${t.neededFor}.`);
    });
  } catch (e) {
    result.problems.push(toAppError(e).message);
  } finally {
    ssh.close();
  }
  result.ok = result.problems.length === 0;
  return result;
}
