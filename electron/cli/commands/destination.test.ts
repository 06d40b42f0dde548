import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BackupView } from '../../../shared/domain/backups';
import type { Job } from '../../../shared/domain/jobs';
import { writeImage } from '../../engine/testing/fixtures';
import { testCli } from '../test-cli';

// The catalog's destinations end to end in process: requests through the contract, upkeep as jobs.
const CHUNK = 64 * 1024;
const PASSPHRASE = 'correct horse';
let cli: ReturnType<typeof testCli>;
let dir: string;
beforeEach(() => {
  cli = testCli('backstack-cli-destination-');
  dir = path.join(cli.home, 'dest');
});
afterEach(() => cli.cleanup());

const json = <T>(): T => JSON.parse(cli.io.out) as T;
async function ok(args: string[], opts: { stdin?: string; env?: NodeJS.ProcessEnv } = {}): Promise<string> {
  cli.clear();
  const code = await cli.run(args, opts);
  if (code !== 0) throw new Error(`backstack ${args.join(' ')} exited with ${code}: ${cli.io.err}`);
  return cli.io.out;
}

/** An encrypted destination in the catalog holding `n` restore points of vol-1, written by the engine and indexed by a reindex job. */
async function destinationWithBackups(n: number): Promise<BackupView[]> {
  await ok(['destination', 'create', 'd1', dir, '--passphrase-stdin'], { stdin: `${PASSPHRASE}\n` });
  expect(cli.io.out).toMatch(/Recovery key .*\n {2}bsrk1-/);
  const img = path.join(cli.home, 'disk.img');
  for (let i = 0; i < n; i++) {
    writeImage(img, CHUNK, ['text', 'random'], 80 + i);
    await ok(['destination', 'folder', 'disk-backup', dir, '--image', img, '--id', 'vol-1', '--parent', 'none'], { env: { BACKSTACK_PASSPHRASE: PASSPHRASE } });
  }
  await ok(['destination', 'reindex', 'd1']);
  expect(cli.io.out).toContain(`${n} restore points indexed`);
  await ok(['backup', 'list', '--destination', 'd1', '--json']);
  return json<BackupView[]>();
}

describe('destination commands', () => {
  it('create, list, default, stats, verify, prune (dry run and job), gc: upkeep shows in the job history', async () => {
    const backups = await destinationWithBackups(3);
    expect(backups.map((b) => b.protected)).toEqual([false, false, false]);
    const [newest, middle, oldest] = backups.map((b) => b.id);

    await ok(['destination', 'list']);
    expect(cli.io.out).toMatch(/d1 +\S*dest +yes/);
    await ok(['destination', 'default', 'd1']);
    expect(cli.io.out).toContain('Backups now go to "d1"');
    await ok(['destination', 'stats', 'd1', '--json']);
    expect(json<{ backups: number }>().backups).toBe(3);

    await ok(['destination', 'verify', 'd1']);
    expect(cli.io.out).toContain('3 restore points');
    await ok(['destination', 'prune', 'd1', '--keep-last', '1', '--dry-run']);
    expect(cli.io.out).toMatch(new RegExp(`keep +vol-1 +${newest} +last #1 of 1`));
    expect(cli.io.out).toMatch(new RegExp(`would remove +vol-1 +${oldest} +no rule keeps it`));
    expect(cli.io.out).toContain('Would remove 2, keep 1.');
    await ok(['backup', 'list', '--destination', 'd1', '--json']);
    expect(json<BackupView[]>()).toHaveLength(3); // a dry run removes nothing

    await ok(['destination', 'prune', 'd1', '--keep-last', '2']);
    expect(cli.io.out).toContain('1 removed, 2 kept');
    expect(cli.io.err).toContain(`remove ${oldest}: no rule keeps it`); // the job's log, followed on stderr
    await ok(['destination', 'gc', 'd1', '--json']);
    expect(json<Job>()).toMatchObject({ kind: 'destination.gc', state: 'succeeded' });
    await ok(['backup', 'list', '--json']);
    expect(json<BackupView[]>().map((b) => b.id)).toEqual([newest, middle]);

    await ok(['jobs', 'list', '--json']);
    const jobs = json<Job[]>();
    expect(jobs.map((j) => j.kind).sort()).toEqual(['destination.gc', 'destination.prune', 'destination.reindex', 'destination.verify']);
    expect(jobs.every((j) => j.state === 'succeeded' && j.target.includes('destination d1'))).toBe(true);
  });

  it('gc-schedule sets when unused chunks are removed by themselves, or only by hand', async () => {
    await destinationWithBackups(1);
    await ok(['destination', 'list']);
    expect(cli.io.out).toMatch(/d1 .* Sun at 03:00/); // the default: weekly
    await ok(['destination', 'gc-schedule', 'd1', 'sat,sun 04:15', '--tz', 'Asia/Tokyo']);
    expect(cli.io.out).toMatch(/^Garbage collection of "d1": Sat, Sun at 04:15 \(Asia\/Tokyo\); next 20\d\d-\d\d-\d\dT\d\d:15:00\.000Z\.\n$/);
    await ok(['destination', 'list', '--json']);
    expect(json<{ gcSchedule: unknown }[]>()[0]!.gcSchedule).toMatchObject({ form: 'weekly', days: [6, 0], at: '04:15', timeZone: 'Asia/Tokyo' });
    await ok(['destination', 'gc-schedule', 'd1', 'off']);
    expect(cli.io.out).toContain('runs only by hand now: backstack destination gc d1');
    await ok(['destination', 'list']);
    expect(cli.io.out).toMatch(/d1 .* by hand/);
    // A schedule that can never run is refused, naming the field
    expect(await cli.run(['destination', 'gc-schedule', 'd1', '61 2 * * *'])).toBe(3);
    expect(cli.io.err).toMatch(/Not a valid cron expression "61 2 \* \* \*".*\n.*at schedule.expression/);
  });

  it('a protected restore point stays through prune until it is unprotected', async () => {
    const [newest, , oldest] = (await destinationWithBackups(3)).map((b) => b.id);
    await ok(['backup', 'protect', '--backup', oldest!]); // the catalog knows its one destination
    expect(cli.io.out).toContain(`${oldest} is protected`);
    await ok(['backup', 'list']);
    expect(cli.io.out).toMatch(new RegExp(`${oldest} +d1 +vol-1 .* yes\\n`));

    await ok(['destination', 'prune', 'd1', '--keep-last', '1', '--dry-run']);
    expect(cli.io.out).toMatch(new RegExp(`keep +vol-1 +${oldest} +protected from pruning`));
    await ok(['destination', 'prune', 'd1', '--keep-last', '1']);
    await ok(['backup', 'list', '--json']);
    expect(json<BackupView[]>().map((b) => [b.id, b.protected])).toEqual([
      [newest, false],
      [oldest, true],
    ]);

    await ok(['backup', 'unprotect', '--destination', 'd1', '--backup', oldest!]);
    await ok(['destination', 'prune', 'd1', '--keep-last', '1']);
    await ok(['backup', 'list', '--json']);
    expect(json<BackupView[]>().map((b) => b.id)).toEqual([newest]);
  });

  it('a failed verify fails the command and stays failed in the job history', async () => {
    await destinationWithBackups(1);
    const chunks = path.join(dir, 'chunks');
    const prefix = fs.readdirSync(chunks)[0]!;
    const file = path.join(chunks, prefix, fs.readdirSync(path.join(chunks, prefix))[0]!);
    const bytes = fs.readFileSync(file);
    bytes[40]! ^= 1;
    fs.writeFileSync(file, bytes);
    cli.clear();
    expect(await cli.run(['destination', 'verify', 'd1'])).toBe(1);
    expect(cli.io.err).toMatch(/Verify found damage: .*restore them from another destination or take a new full backup/);
    await ok(['jobs', 'list', '--state', 'failed', '--json']);
    expect(json<Job[]>().map((j) => j.kind)).toEqual(['destination.verify']);
  });

  it('names the fix when a destination or a restore point is unknown, or prune has no rule', async () => {
    expect(await cli.run(['destination', 'verify', 'nope'])).toBe(4);
    expect(cli.io.err).toContain('List them with: backstack destination list');
    cli.clear();
    expect(await cli.run(['backup', 'list', '--destination', 'nope'])).toBe(4);
    expect(cli.io.err).toContain('backstack destination list');
    cli.clear();
    expect(await cli.run(['backup', 'protect', '--backup', 'vol-1/2026-01-01T00-00-00.000Z'])).toBe(4);
    expect(cli.io.err).toContain('backstack backup list');
    cli.clear();
    expect(await cli.run(['destination', 'prune', 'd1'])).toBe(2);
    expect(cli.io.err).toContain('Give at least one keep rule (--keep-last, --keep-daily …)');
    cli.clear();
    expect(await cli.run(['destination', 'list'])).toBe(0);
    expect(cli.io.out).toContain('backstack destination create NAME DIR');
  });
});
