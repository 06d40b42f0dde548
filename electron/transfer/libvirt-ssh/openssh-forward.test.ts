import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { connectForwarded } from './openssh-forward';

// A UNIX socket that is bound (its file exists) but not yet listening, as OpenSSH's forward is
// for a moment after the file appears: a real socket held by python3, told when to listen.
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'backstack-fwd-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const PY = `
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind(sys.argv[1])
print('bound', flush=True)
sys.stdin.readline()
s.listen(1)
c, _ = s.accept()
c.sendall(b'served')
c.close()
`;

function boundSocket(name: string): { path: string; bound: Promise<void>; listen(): void; end(): void } {
  const p = path.join(dir, name);
  const proc = spawn('python3', ['-c', PY, p], { stdio: ['pipe', 'pipe', 'inherit'] });
  const bound = new Promise<void>((resolve) => proc.stdout.once('data', () => resolve()));
  return { path: p, bound, listen: () => proc.stdin.write('\n'), end: () => proc.kill() };
}

describe('connecting to an OpenSSH forward', () => {
  it('waits out the moment between bind and listen, then reads what the server sends', async () => {
    const s = boundSocket('a.sock');
    await s.bound;
    const sock = await connectForwarded(s.path, 5_000, () => s.listen());
    const got = await new Promise<string>((resolve) => {
      let out = '';
      sock.on('data', (b: Buffer) => (out += b.toString()));
      sock.on('end', () => resolve(out));
    });
    expect(got).toBe('served');
    s.end();
  });

  it('gives up with the refusal when the socket never listens', async () => {
    const s = boundSocket('b.sock');
    await s.bound;
    await expect(connectForwarded(s.path, 30)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    s.end();
  });
});
