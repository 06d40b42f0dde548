import { TransferError } from './errors';
import type { SshSession } from './ssh';

/**
 * Pre/post snapshot commands (application consistency: flush a database, freeze filesystems).
 * They run on the hypervisor, or inside the guest through the QEMU guest agent
 * (`virsh qemu-agent-command … guest-exec`). A failing pre command fails the backup unless
 * `continueOnError`; the post command always runs once the pre command ran.
 */
export interface SnapshotHook {
  where: 'hypervisor' | 'guest';
  /** argv of the command (quoted word by word; never a shell string) */
  argv: string[];
  timeoutSeconds: number;
  continueOnError?: boolean;
  /** guest: the libvirt domain */
  domain?: string;
}

export async function runHook(ssh: SshSession, hook: SnapshotHook, phase: 'pre' | 'post', log: (level: 'info' | 'warn', m: string) => void): Promise<void> {
  const ac = new AbortController();
  const timer = setTimeout(() => ac.abort(new TransferError(`The ${phase}-snapshot command did not finish within ${hook.timeoutSeconds} s.`)), hook.timeoutSeconds * 1000);
  try {
    if (hook.where === 'hypervisor') {
      // `timeout` ends the command on the host too, not just our wait for it.
      const out = await ssh.run(['timeout', String(hook.timeoutSeconds), ...hook.argv], { signal: ac.signal, label: `${phase}-snapshot command` });
      log('info', `${phase}-snapshot command on the hypervisor done${out.trim() ? `: ${out.trim().slice(0, 200)}` : ''}.`);
    } else {
      if (!hook.domain) throw new TransferError('A guest command needs the domain name.');
      const [path, ...args] = hook.argv;
      const exec = JSON.stringify({ execute: 'guest-exec', arguments: { path, arg: args, 'capture-output': true } });
      const started = JSON.parse(await ssh.run(['virsh', 'qemu-agent-command', '--domain', hook.domain, '--timeout', String(hook.timeoutSeconds), exec], { signal: ac.signal })) as { return: { pid: number } };
      const status = JSON.stringify({ execute: 'guest-exec-status', arguments: { pid: started.return.pid } });
      for (;;) {
        ac.signal.throwIfAborted();
        const st = JSON.parse(await ssh.run(['virsh', 'qemu-agent-command', '--domain', hook.domain, status], { signal: ac.signal })) as { return: { exited: boolean; exitcode?: number } };
        if (st.return.exited) {
          if (st.return.exitcode !== 0) throw new TransferError(`The ${phase}-snapshot command in the guest exited with ${st.return.exitcode}.`);
          break;
        }
        // the agent has no blocking wait: ask again shortly (bounded by the hook's timeout)
        await new Promise((r) => setTimeout(r, 200));
      }
      log('info', `${phase}-snapshot command in the guest done.`);
    }
  } catch (e) {
    const err = ac.signal.aborted ? (ac.signal.reason as Error) : (e as Error);
    if (phase === 'pre' && hook.continueOnError) {
      log('warn', `${phase}-snapshot command failed (${err.message}); continuing as configured.`);
      return;
    }
    throw err;
  } finally {
    clearTimeout(timer);
  }
}
