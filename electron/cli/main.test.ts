import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultContext, type CliContext } from './context';
import { main } from './main';

let dir: string;
let out: string;
let err: string;
let ctx: CliContext;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'backstack-cli-'));
  out = '';
  err = '';
  ctx = { ...defaultContext({ BACKSTACK_HOME: dir }), out: (s) => (out += s), err: (s) => (err += s) };
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const run = (...args: string[]) => main(['node', 'backstack', ...args], ctx);

describe('backstack CLI', () => {
  it('status --json prints version, catalog path, schema version and event-loop delay', async () => {
    expect(await run('status', '--json', '--sample-ms', '50')).toBe(0);
    const s = JSON.parse(out) as Record<string, unknown>;
    const catalog = new Database(path.join(dir, 'catalog.sqlite'), { readonly: true });
    const schemaVersion = catalog.pragma('user_version', { simple: true });
    catalog.close();
    expect(s).toMatchObject({ catalogPath: path.join(dir, 'catalog.sqlite'), schemaVersion, providersCount: 0 });
    expect(typeof s.version).toBe('string');
    expect(typeof s.eventLoopDelayP99Ms).toBe('number');
  });

  it('backs up the catalog as a job, then lists and shows it', async () => {
    const dest = path.join(dir, 'copy.sqlite');
    expect(await run('catalog', 'backup', dest)).toBe(0);
    expect(fs.statSync(dest).size).toBeGreaterThan(0);
    out = '';
    expect(await run('jobs', 'list', '--json')).toBe(0);
    const [job] = JSON.parse(out) as { id: string; state: string }[];
    expect(job?.state).toBe('succeeded');
    out = '';
    expect(await run('jobs', 'show', job!.id)).toBe(0);
    expect(out).toContain('Catalog copied');
  });

  it('says what went wrong, with a non-zero exit, when a job fails', async () => {
    const dest = path.join(dir, 'exists.sqlite');
    fs.writeFileSync(dest, 'keep me');
    expect(await run('catalog', 'backup', dest)).toBe(1);
    expect(err).toMatch(/already exists.*never overwrites/);
    expect(fs.readFileSync(dest, 'utf8')).toBe('keep me');
  });

  it('exits 2 with help on an unknown command, 4 for an unknown job', async () => {
    expect(await run('frobnicate')).toBe(2);
    expect(await run('jobs', 'show', 'no-such-job')).toBe(4);
    expect(err).toContain('No job with id no-such-job');
  });
});
