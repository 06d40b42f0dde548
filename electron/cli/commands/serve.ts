import type { Command } from 'commander';
import { AppError } from '../../../shared/errors/app-error';
import { withCore, type CliContext } from '../context';
import { printJson, table, unwrap } from '../output';
import { consoleStaticDir, startConsole, untilStopped, withConsoleOptions, type ConsoleFlags } from './console';

/** `backstack serve`: the core and its scheduler as a long-running process (a systemd service), optionally with the console UI. */
export function register(program: Command, ctx: CliContext): void {
  withConsoleOptions(
    program
      .command('serve')
      .description("run policies' schedules (and their backups) as a long-running process, e.g. a systemd service; one scheduler per catalog")
      .option('--console', 'also serve the UI to a browser (console mode)'),
  ).action(async (o: ConsoleFlags & { console?: boolean }) => {
    const staticDir = o.console ? consoleStaticDir(o) : undefined;
    const core = await ctx.openCore({ runtime: o.console ? 'console' : 'cli', scheduler: true, processLabel: o.console ? 'backstack serve --console' : 'backstack serve' });
    try {
      const status = unwrap(await core.api.invoke('scheduler.status', {}));
      if (!status.running) {
        const h = status.holder;
        throw new AppError('resource.conflict', `The scheduler of this catalog already runs in ${h ? `${h.runtime} (pid ${h.pid} on ${h.hostname}, since ${h.since})` : 'another process'}: stop that one first, or let it run the schedules.`);
      }
      const server = staticDir ? await startConsole(core, staticDir, o) : undefined;
      const next = status.nextRuns[0];
      ctx.out(`Backstack is serving: scheduler running${next ? `, next run ${next.at} (policy ${next.policyName})` : ', no scheduled run yet'}.\n`);
      if (server) ctx.out(`Console: ${server.loginUrl}\n`);
      // Every run the scheduler records, as it happens: what a service's journal should show.
      const off = core.bus.on('catalog.changed', ({ tables }) => {
        if (!tables.includes('policies')) return;
        const latest = core.services.scheduler.status().recent[0];
        if (latest && latest.id > lastSeen) {
          lastSeen = latest.id;
          ctx.out(`${latest.at} ${latest.outcome}: ${latest.message}\n`);
        }
      });
      let lastSeen = status.recent[0]?.id ?? 0;
      await untilStopped();
      off();
      ctx.out('Stopping: running backups are cancelled cleanly; queued ones are cancelled.\n');
      await server?.close();
    } finally {
      await core.close();
    }
  });

  program
    .command('scheduler')
    .description("the scheduler of policies' schedules")
    .command('status')
    .description('which process runs the schedules, the next runs and the recent ones')
    .option('--json', 'print JSON')
    .action(async (o: { json?: boolean }) => {
      await withCore(ctx, { runJobs: false }, async (core) => {
        const s = unwrap(await core.api.invoke('scheduler.status', {}));
        if (o.json) return printJson(s, ctx.out);
        ctx.out(
          s.holder
            ? `Schedules run in ${s.holder.runtime} (pid ${s.holder.pid} on ${s.holder.hostname}, since ${s.holder.since}; last heartbeat ${s.holder.heartbeatAt}).\n`
            : 'No scheduler is running: schedules run only while the desktop app, `backstack console` or `backstack serve` runs.\n',
        );
        if (s.nextRuns.length) ctx.out('Next runs:\n');
        table(s.nextRuns.slice(0, 10).map((r) => [r.at, r.policyName, r.scheduleId]), ctx.out);
        if (s.recent.length) ctx.out('Recent runs:\n');
        table(s.recent.slice(0, 10).map((r) => [r.at, r.outcome, r.message]), ctx.out);
      });
    });
}
