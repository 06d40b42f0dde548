import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { JobState } from '../../shared/domain/jobs';
import { JOB_STATES } from './commands/jobs';
import { testCli } from './test-cli';

let cli: ReturnType<typeof testCli>;
let dir: string;
beforeEach(() => {
  cli = testCli();
  dir = cli.home;
});
afterEach(() => cli.cleanup());
const run = (...args: string[]) => cli.run(args);

describe('backstack CLI', () => {
  it('status --json prints version, catalog path, schema version and event-loop delay', async () => {
    expect(await run('status', '--json', '--sample-ms', '50')).toBe(0);
    const s = JSON.parse(cli.io.out) as Record<string, unknown>;
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
    cli.clear();
    expect(await run('jobs', 'list', '--json')).toBe(0);
    const [job] = JSON.parse(cli.io.out) as { id: string; state: string }[];
    expect(job?.state).toBe('succeeded');
    cli.clear();
    expect(await run('jobs', 'show', job!.id)).toBe(0);
    expect(cli.io.out).toContain('Catalog copied');
  });

  it('says what went wrong, with a non-zero exit, when a job fails', async () => {
    const dest = path.join(dir, 'exists.sqlite');
    fs.writeFileSync(dest, 'keep me');
    expect(await run('catalog', 'backup', dest)).toBe(1);
    expect(cli.io.err).toMatch(/already exists.*never overwrites/);
    expect(fs.readFileSync(dest, 'utf8')).toBe('keep me');
  });

  it('offers exactly the job states the contract knows', () => {
    expect([...JOB_STATES]).toEqual(JobState.options);
  });

  it('exits 2 with help on an unknown command, 4 for an unknown job', async () => {
    expect(await run('frobnicate')).toBe(2);
    expect(await run('jobs', 'show', 'no-such-job')).toBe(4);
    expect(cli.io.err).toContain('No job with id no-such-job');
  });
});
