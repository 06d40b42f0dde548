import { describe, expect, it } from 'vitest';
import { FakeGuest } from './guest-testing';
import { toAppError } from '../../lib/errors';
import { GuestAgent, GuestAgentError, MAX_WRITE_CHUNK } from '../../transfer/libvirt-ssh';

const agentOf = (g: FakeGuest) => new GuestAgent(g.run, g.domain, 'web-1', { pollMs: 1 });

describe('the guest agent client', () => {
  it('writes a file in pieces the hypervisor command line holds, base64 in one quoted JSON word, and reads it back', async () => {
    const g = new FakeGuest();
    g.put('/etc/keep', '');
    const a = agentOf(g);
    const data = Buffer.alloc(200 * 1024);
    for (let i = 0; i < data.length; i++) data[i] = (i * 7) % 251;
    const h = await a.open('/etc/new.bin', 'w');
    await a.write(h, data);
    await a.close(h);
    expect(g.files.get('/etc/new.bin')!.data.equals(data)).toBe(true);
    expect(g.writes).toEqual([MAX_WRITE_CHUNK, MAX_WRITE_CHUNK, MAX_WRITE_CHUNK, 200 * 1024 - 3 * MAX_WRITE_CHUNK]);
    // Linux refuses a single argument over 128 KiB (MAX_ARG_STRLEN): the JSON of a write stays under it
    expect(g.longestWord).toBeLessThan(128 * 1024 - 1024);

    const r = await a.open('/etc/new.bin', 'r');
    const back = await a.read(r, 300 * 1024);
    expect(back.data.equals(data)).toBe(true);
  });

  it('runs a program without a shell and gives its exit code and output', async () => {
    const g = new FakeGuest();
    g.put('/srv/a', 'x');
    const a = agentOf(g);
    expect(await a.exec(['stat', '-c', '%F', '--', '/srv/a'])).toEqual({ exitcode: 0, stdout: 'regular file\n', stderr: '' });
    expect((await a.exec(['stat', '-c', '%F', '--', '/srv/b'])).stderr).toContain('No such file');
    expect(g.calls).toEqual(['guest-exec', 'guest-exec-status', 'guest-exec', 'guest-exec-status']);
  });

  it('gives up on a program that does not end in the guest, naming it', async () => {
    const g = new FakeGuest();
    g.hanging.add('mv');
    const a = new GuestAgent(g.run, g.domain, 'web-1', { pollMs: 1, execTimeoutMs: 0 });
    await expect(a.exec(['mv', '-f', '--', '/a', '/b'])).rejects.toThrow(/^mv did not finish in web-1 within 0 s \(still running there as pid \d+\)\.$/);
  });

  it.each([
    ['error: argument unsupported: QEMU guest agent is not configured', 'not-configured', 'unsupported', /hw_qemu_guest_agent=yes.*install qemu-guest-agent/],
    ['error: Guest agent is not responding: QEMU guest agent is not connected', 'not-connected', 'network.unreachable', /Install qemu-guest-agent in the guest and start it/],
    ['error: Requested operation is not valid: domain is not running', 'not-running', 'resource.conflict', /web-1 is not running: start it/],
    ["error: failed to get domain 'instance-00000042'", 'no-domain', 'resource.notFound', /sync the cloud/],
  ] as const)('says what to do when libvirt answers "%s"', async (stderr, problem, code, words) => {
    const g = new FakeGuest();
    g.refuse = stderr;
    const e = await agentOf(g).enabledCommands().catch((x: unknown) => x);
    expect(e).toBeInstanceOf(GuestAgentError);
    expect((e as GuestAgentError).problem).toBe(problem);
    const app = toAppError(e);
    expect(app.code).toBe(code);
    expect(app.message).toMatch(words);
  });

  it('names a disabled command and where to allow it; passes on what the agent said otherwise', async () => {
    const g = new FakeGuest();
    g.disabled.add('guest-exec');
    const disabled = (await agentOf(g).exec(['true']).catch((x: unknown) => x)) as GuestAgentError;
    expect(disabled.problem).toBe('disabled');
    expect(disabled.message).toMatch(/has guest-exec disabled.*block-rpcs/);
    const missing = (await agentOf(g).open('/no/such/folder/f', 'w').catch((x: unknown) => x)) as GuestAgentError;
    expect(missing.problem).toBe('refused');
    expect(missing.message).toBe("The guest agent of web-1 refused guest-file-open: failed to open file '/no/such/folder/f' (mode: 'w'): No such file or directory.");
  });
});
