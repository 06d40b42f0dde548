import { execFile, spawn } from 'node:child_process';
import net from 'node:net';
import { promisify } from 'node:util';
import type { HostShell, RemoteProcess } from './ssh';

const execFileP = promisify(execFile);

/**
 * For tests: the hypervisor's side run on this machine. Commands, scripts and UNIX sockets are
 * local processes and sockets instead of an SSH connection's; everything else is the real code.
 */
export const localShell: HostShell = {
  host: 'local',
  async run(argv: readonly string[]): Promise<string> {
    return (await execFileP(argv[0]!, argv.slice(1), { maxBuffer: 64 * 1024 * 1024 })).stdout;
  },
  async script(script: string, args: readonly string[]): Promise<RemoteProcess> {
    const p = spawn('sh', ['-c', script, 'backstack', ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    // a command that ended before reading its input: as over SSH, what is left unread is dropped
    p.stdin.on('error', () => undefined);
    let stderr = '';
    p.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const done = new Promise<void>((resolve, reject) => p.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`exit ${code}: ${stderr}`)))));
    return { stdout: p.stdout, stdin: p.stdin, done, close: () => p.kill() };
  },
  async openUnixSocket(sock: string): Promise<net.Socket> {
    const s = net.connect(sock);
    await new Promise((r, j) => s.once('connect', r).once('error', j));
    return s;
  },
};
