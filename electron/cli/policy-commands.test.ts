import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseWhen } from './commands/policy-options';
import { testCli } from './test-cli';

// The policy commands as an admin types them; the rules and the scheduler have their own tests.
let cli: ReturnType<typeof testCli>;
beforeEach(async () => {
  cli = testCli('backstack-cli-policy-');
  expect(await cli.run(['destination', 'create', 'local', path.join(cli.home, 'dest')])).toBe(0);
  cli.clear();
});
afterEach(() => cli.cleanup());
const run = (...args: string[]) => cli.run(args);

describe('policy commands', () => {
  it('create a policy from flags, with schedules in words, and show it', async () => {
    const code = await run(
      'policy', 'add', '--name', 'nightly', '--destination', 'local', '--tag', 'web', '--exclude-name', '-test$', '--auto-assign', 'assign',
      '--schedule', 'daily 1:30', '--schedule', 'sun 03:00', '--type', 'incremental', '--type', 'full', '--tz', 'Europe/Berlin', '--keep-daily', '7', '--keep-weekly', '4',
    );
    expect(cli.io.err).toBe('');
    expect(code).toBe(0);
    expect(cli.io.out).toBe('Policy nightly created: members are assigned at the next inventory sync.\n');
    cli.clear();
    expect(await run('policy', 'list')).toBe(0);
    expect(cli.io.out).toMatch(/nightly\s+enabled\s+0\s+local\s+daily at 01:30 \(Europe\/Berlin\); Sun at 03:00 \(Europe\/Berlin\)\s+7 daily, 4 weekly\s+20\d\d-/);
    cli.clear();
    expect(await run('policy', 'show', 'nightly', '--json')).toBe(0);
    const shown = JSON.parse(cli.io.out) as { spec: { schedules: { backupType: string; timeZone: string }[]; rules: { tags: string[]; excludeNames: string[] } } };
    expect(shown.spec.schedules.map((s) => [s.backupType, s.timeZone])).toEqual([['incremental', 'Europe/Berlin'], ['full', 'Europe/Berlin']]);
    expect(shown.spec.rules).toMatchObject({ tags: ['web'], excludeNames: ['-test$'] });
  });

  it('refuse a bad regular expression, a bad cron and an unknown destination with the field named (exit 3, 4)', async () => {
    expect(await run('policy', 'add', '--name', 'x', '--destination', 'local', '--include-name', 'web-([')).toBe(3);
    expect(cli.io.err).toMatch(/Not a valid regular expression[\s\S]*spec\.rules\.includeNames\[0\]/);
    cli.clear();
    expect(await run('policy', 'add', '--name', 'x', '--destination', 'local', '--schedule', '61 * * * *')).toBe(3);
    expect(cli.io.err).toMatch(/Not a valid cron expression "61 \* \* \* \*": Invalid value for minute: 61\.[\s\S]*spec\.schedules\[0\]\.expression/);
    cli.clear();
    expect(await run('policy', 'add', '--name', 'x', '--destination', 'elsewhere', '--tag', 't')).toBe(4);
    expect(cli.io.err).toContain('elsewhere');
    cli.clear();
    expect(await run('policy', 'add', '--name', 'x', '--destination', 'local', '--type', 'full')).toBe(2);
    expect(cli.io.err).toContain('--type, --tz and --window describe a --schedule');
  });

  it('edit replaces only what is given, pauses, and reads a whole policy from a YAML file', async () => {
    expect(await run('policy', 'add', '--name', 'p', '--destination', 'local', '--tag', 'a', '--keep-last', '3')).toBe(0);
    expect(await run('policy', 'edit', 'p', '--tag', 'b', '--disable')).toBe(0);
    cli.clear();
    await run('policy', 'show', 'p', '--json');
    expect(JSON.parse(cli.io.out).spec).toMatchObject({ enabled: false, rules: { tags: ['b'] }, retention: { last: 3 } });
    const file = path.join(cli.home, 'gold.yaml');
    fs.writeFileSync(file, 'name: gold\ndestination: local\nrules:\n  includeNames: ["^db-"]\nschedules:\n  - id: nightly\n    form: daily\n    at: "02:00"\nretention:\n  daily: 14\n');
    cli.clear();
    expect(await run('policy', 'add', '--file', file)).toBe(0);
    cli.clear();
    await run('policy', 'show', 'gold', '--json');
    expect(JSON.parse(cli.io.out).spec).toMatchObject({ rules: { includeNames: ['^db-'] }, schedules: [{ id: 'nightly', at: '02:00' }], retention: { daily: 14 } });
  });

  it('turn verify by booting on every N days and off again, refusing a count out of range', async () => {
    expect(await run('policy', 'add', '--name', 'v', '--destination', 'local', '--verify-every', '7')).toBe(0);
    cli.clear();
    await run('policy', 'show', 'v');
    expect(cli.io.out).toContain("verify by booting: every 7 day(s), in the cloud's sandbox project");
    expect(await run('policy', 'edit', 'v', '--verify-every', '0')).toBe(2);
    expect(cli.io.err).toContain('--verify-every is a number of days from 1 to 365, or off; got "0"');
    cli.clear();
    const offCode = await run('policy', 'edit', 'v', '--verify-every', 'off');
    expect(cli.io.err).toBe('');
    expect(offCode).toBe(0);
    cli.clear();
    await run('policy', 'show', 'v', '--json');
    expect(JSON.parse(cli.io.out).spec.verifyEveryDays).toBeNull();
  });

  it('copy each restore point to a copy target, refusing one that does not exist, and stop with off', async () => {
    expect(await run('policy', 'add', '--name', 'c', '--destination', 'local', '--copy-to', 'offsite')).toBe(4);
    expect(cli.io.err).toContain('No copy target "offsite". List them with: backstack copy target list');
    cli.clear();
    expect(await cli.run(['copy', 'target', 'add', 'offsite', '--endpoint', 'http://127.0.0.1:9', '--bucket', 'backstack-copies', '--access-key', 'AK', '--secret-key-stdin'], { stdin: 'SK\n' })).toBe(0);
    expect(await run('policy', 'add', '--name', 'c', '--destination', 'local', '--copy-to', 'offsite')).toBe(0);
    cli.clear();
    await run('policy', 'show', 'c');
    expect(cli.io.out).toContain('copies: each restore point to offsite');
    expect(await run('policy', 'edit', 'c', '--copy-to', 'off')).toBe(0);
    cli.clear();
    await run('policy', 'show', 'c', '--json');
    expect(JSON.parse(cli.io.out).spec.copyTo).toBeNull();
  });

  it('say how to begin when there is no policy, and that restore points stay when one is removed', async () => {
    expect(await run('policy', 'list')).toBe(0);
    expect(cli.io.out).toContain('No policy yet. Create one with: backstack policy add');
    await run('policy', 'add', '--name', 'p', '--destination', 'local', '--tag', 'a');
    cli.clear();
    expect(await run('policy', 'remove', 'p')).toBe(0);
    expect(cli.io.out).toBe('Policy p removed. Its restore points stay in their destination.\n');
    cli.clear();
    expect(await run('policy', 'remove', 'p')).toBe(4);
  });

  it('report that no scheduler runs, and the next runs', async () => {
    await run('policy', 'add', '--name', 'p', '--destination', 'local', '--tag', 'a', '--schedule', 'hourly 6');
    cli.clear();
    expect(await run('scheduler', 'status')).toBe(0);
    expect(cli.io.out).toMatch(/^No scheduler is running: schedules run only while the desktop app, `backstack console` or `backstack serve` runs\.\nNext runs:\n\S+Z\s+p\s+s1\n/);
  });
});

describe('schedules in words', () => {
  it('read the simple forms and leave anything else to cron', () => {
    expect(parseWhen('daily 2:30')).toEqual({ form: 'daily', at: '02:30' });
    expect(parseWhen('weekdays 01:00')).toEqual({ form: 'weekly', at: '01:00', days: [1, 2, 3, 4, 5] });
    expect(parseWhen('Mon,Thu 03:00')).toEqual({ form: 'weekly', at: '03:00', days: [1, 4] });
    expect(parseWhen('hourly 6')).toEqual({ form: 'hourly', everyHours: 6, minute: 0 });
    expect(parseWhen('monthly last 03:00')).toEqual({ form: 'monthly', dayOfMonth: 'last', at: '03:00' });
    expect(parseWhen('*/15 * * * *')).toEqual({ form: 'cron', expression: '*/15 * * * *' });
  });
});
