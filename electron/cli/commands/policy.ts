import type { Command } from 'commander';
import type { PolicySpecInput, PolicyView } from '../../../shared/domain/policies';
import { AppError } from '../../../shared/errors/app-error';
import type { Core } from '../../core/create-core';
import { withCore, type CliContext } from '../context';
import { printJson, table, unwrap, UsageError } from '../output';
import { readUserFile } from '../read-input';
import { followJob } from '../wait-job';
import { specFromOptions, withPolicyOptions, type PolicyOptions } from './policy-options';

const collect = (v: string, prev: string[]) => [...prev, v];
const retentionText = (k: PolicyView['spec']['retention']) =>
  Object.entries(k)
    .filter(([, n]) => (n ?? 0) > 0)
    .map(([rule, n]) => `${n} ${rule}`)
    .join(', ') || 'keep all';

async function specFrom(o: PolicyOptions, base?: PolicySpecInput): Promise<PolicySpecInput> {
  if (!o.file) return specFromOptions(o, base);
  const { parse } = await import('yaml');
  let fromFile: unknown;
  try {
    fromFile = parse(readUserFile(o.file, 'policy file'));
  } catch (e) {
    if (e instanceof AppError) throw e;
    throw new AppError('validation.invalidInput', `${o.file} is not YAML or JSON: ${(e as Error).message}`);
  }
  if (typeof fromFile !== 'object' || fromFile === null) throw new AppError('validation.invalidInput', `${o.file} does not hold a policy (a mapping of its fields).`);
  return specFromOptions(o, fromFile as PolicySpecInput);
}

async function policyId(core: Core, name: string): Promise<string> {
  return unwrap(await core.api.invoke('policies.get', { id: name })).id;
}

/** Waits for every backup a run queued; the CLI process runs them, so it stays until they end. */
async function waitAll(core: Core, jobIds: string[], ctx: CliContext): Promise<number> {
  let failed = 0;
  for (const id of jobIds) {
    try {
      const job = await followJob(core, id, ctx);
      ctx.out(`${job.target}: ${job.summary ?? job.state}\n`);
    } catch (e) {
      failed++;
      ctx.out(`${core.jobs.get(id).target}: failed: ${(e as Error).message}\n`);
    }
  }
  return failed;
}

export function register(program: Command, ctx: CliContext): void {
  const policy = program.command('policy').description('protection policies: which instances, when, where, and for how long');

  withPolicyOptions(policy.command('add').description('create a policy (rules assign members on each sync when --auto-assign is on)').option('--name <name>', 'its name'))
    .option('--json', 'print JSON')
    .action(async (o: PolicyOptions & { json?: boolean }) => {
      await withCore(ctx, { runJobs: false }, async (core) => {
        const p = unwrap(await core.api.invoke('policies.create', { spec: await specFrom(o) }));
        if (o.json) return printJson(p, ctx.out);
        ctx.out(`Policy ${p.spec.name} created${p.spec.autoAssign === 'off' ? '' : ': members are assigned at the next inventory sync'}.\n`);
      });
    });

  withPolicyOptions(policy.command('edit').description('change a policy: each option given replaces that setting').argument('<policy>', 'name or id').option('--name <name>', 'a new name'))
    .option('--enable', 'resume its schedules')
    .option('--disable', 'pause its schedules')
    .action(async (name: string, o: PolicyOptions & { enable?: boolean; disable?: boolean }) => {
      if (o.enable && o.disable) throw new UsageError('Choose --enable or --disable, not both.');
      await withCore(ctx, { runJobs: false }, async (core) => {
        const current = unwrap(await core.api.invoke('policies.get', { id: name }));
        const spec = { ...(await specFrom(o, current.spec)), ...(o.enable ? { enabled: true } : o.disable ? { enabled: false } : {}) };
        const p = unwrap(await core.api.invoke('policies.update', { id: current.id, spec }));
        ctx.out(`Policy ${p.spec.name} saved${p.spec.enabled ? '' : ' (paused)'}.\n`);
      });
    });

  policy
    .command('list')
    .description('policies, their members, schedules and next run')
    .option('--json', 'print JSON')
    .action(async (o: { json?: boolean }) => {
      await withCore(ctx, { runJobs: false }, async (core) => {
        const { items } = unwrap(await core.api.invoke('policies.list', {}));
        if (o.json) return printJson(items, ctx.out);
        const { describeSchedule } = await import('../../../shared/domain/schedule-forms');
        if (!items.length) return ctx.out('No policy yet. Create one with: backstack policy add --name NAME --destination DEST --tag TAG --schedule "daily 01:00"\n');
        const next = (p: PolicyView) => p.nextRuns.map((r) => r.at).filter((x): x is string => x !== null).sort()[0] ?? '—';
        table(
          [
            ['NAME', 'STATE', 'MEMBERS', 'DESTINATION', 'SCHEDULES', 'RETENTION', 'NEXT RUN'],
            ...items.map((p) => [
              p.spec.name,
              p.spec.enabled ? 'enabled' : 'paused',
              String(p.members),
              p.destinationName ?? 'REMOVED: choose another',
              p.spec.schedules.map((s) => describeSchedule(s)).join('; ') || 'none (run by hand)',
              retentionText(p.spec.retention),
              p.spec.enabled ? next(p) : '—',
            ]),
          ],
          ctx.out,
        );
      });
    });

  policy
    .command('show')
    .description('a policy: its settings, members and recent runs')
    .argument('<policy>', 'name or id')
    .option('--json', 'print JSON')
    .action(async (name: string, o: { json?: boolean }) => {
      await withCore(ctx, { runJobs: false }, async (core) => {
        const p = unwrap(await core.api.invoke('policies.get', { id: name }));
        if (o.json) return printJson(p, ctx.out);
        const { describeSchedule } = await import('../../../shared/domain/schedule-forms');
        const r = p.spec.rules;
        const rules = [
          r.includeNames.length ? `names ${r.includeNames.map((x) => `/${x}/`).join(' or ')}` : '',
          r.excludeNames.length ? `not ${r.excludeNames.map((x) => `/${x}/`).join(' or ')}` : '',
          r.tags.length ? `tags ${r.tagMatch} of ${r.tags.join(', ')}` : '',
          r.projects.length ? `projects ${r.projects.join(', ')}` : '',
          r.domains.length ? `domains ${r.domains.join(', ')}` : '',
          r.availabilityZones.length ? `zones ${r.availabilityZones.join(', ')}` : '',
        ].filter(Boolean);
        ctx.out(`${p.spec.name}${p.spec.enabled ? '' : ' (paused)'} → ${p.destinationName ?? 'a removed destination: edit the policy'}\n`);
        ctx.out(`  rules: ${rules.join('; ') || 'none (members by hand)'} — auto-assign ${p.spec.autoAssign}\n`);
        for (const s of p.spec.schedules) ctx.out(`  schedule ${s.id}: ${describeSchedule(s)}, ${s.backupType}, next ${p.nextRuns.find((n) => n.scheduleId === s.id)?.at ?? '—'}\n`);
        ctx.out(`  retention: ${retentionText(p.spec.retention)}; missed runs: ${p.spec.missedRuns}\n`);
        ctx.out(`  verify by booting: ${p.spec.verifyEveryDays === null ? 'off' : `every ${p.spec.verifyEveryDays} day(s), in the cloud's sandbox project`}\n`);
        ctx.out(`  strategy: ${p.spec.strategy ?? "each cloud's setting"}\n`);
        ctx.out(`  copies: ${p.spec.copyTo === null ? 'none' : `each restore point to ${p.copyTargetName ?? 'a removed copy target: edit the policy'}`}\n`);
        ctx.out(`Members (${p.memberList.length}):\n`);
        table(p.memberList.map((m) => [m.instanceName ?? m.instanceId, m.projectName ?? '', m.source, m.lastBackupAt ?? 'never backed up']), ctx.out);
        if (p.runs.length) ctx.out('Recent runs:\n');
        table(p.runs.slice(0, 10).map((x) => [x.at, x.outcome, x.message]), ctx.out);
      });
    });

  policy
    .command('remove')
    .description('remove a policy and its memberships; its restore points stay in their destination')
    .argument('<policy>', 'name or id')
    .action(async (name: string) => {
      await withCore(ctx, { runJobs: false }, async (core) => {
        unwrap(await core.api.invoke('policies.remove', { id: await policyId(core, name) }));
        ctx.out(`Policy ${name} removed. Its restore points stay in their destination.\n`);
      });
    });

  policy
    .command('preview')
    .description('the instances the rules match now, those that would leave, and conflicts with other policies')
    .argument('<policy>', 'name or id')
    .option('--json', 'print JSON')
    .action(async (name: string, o: { json?: boolean }) => {
      await withCore(ctx, { runJobs: false }, async (core) => {
        const p = unwrap(await core.api.invoke('policies.get', { id: name }));
        const pv = unwrap(await core.api.invoke('policies.preview', { spec: p.spec, id: p.id }));
        if (o.json) return printJson(pv, ctx.out);
        ctx.out(`Matches now (${pv.matches.length}):\n`);
        table(pv.matches.map((m) => [m.name, m.projectName ?? '']), ctx.out);
        if (pv.leaving.length) ctx.out(`No longer matching (${pv.leaving.length}): ${pv.leaving.map((m) => m.name).join(', ')}\n`);
        for (const c of pv.conflicts) ctx.out(`Conflict: ${c.name} matches, but belongs to policy "${c.policyName}".\n`);
      });
    });

  policy
    .command('assign')
    .description('add instances (or every instance a project has now) to a policy by hand')
    .argument('<policy>', 'name or id')
    .requiredOption('--provider <name>', 'cloud name or id')
    .option('--instance <id>', 'server id; repeatable', collect, [])
    .option('--project <name>', 'every instance of this project (name or id); repeatable', collect, [])
    .action(async (name: string, o: { provider: string; instance: string[]; project: string[] }) => {
      if (!o.instance.length && !o.project.length) throw new UsageError('Give --instance ID or --project NAME (repeatable).');
      await withCore(ctx, { runJobs: false }, async (core) => {
        const r = unwrap(
          await core.api.invoke('policies.assign', {
            id: await policyId(core, name),
            instances: o.instance.map((instanceId) => ({ providerId: o.provider, instanceId })),
            projects: o.project.map((project) => ({ providerId: o.provider, project })),
          }),
        );
        ctx.out(`${r.assigned} instance(s) assigned to ${name}.\n`);
        for (const c of r.conflicts) ctx.err(`Not assigned: ${c}.\n`);
      });
    });

  policy
    .command('unassign')
    .description('remove instances from a policy')
    .argument('<policy>', 'name or id')
    .requiredOption('--provider <name>', 'cloud name or id')
    .requiredOption('--instance <id>', 'server id; repeatable', collect, [])
    .action(async (name: string, o: { provider: string; instance: string[] }) => {
      await withCore(ctx, { runJobs: false }, async (core) => {
        const r = unwrap(await core.api.invoke('policies.unassign', { id: await policyId(core, name), instances: o.instance.map((instanceId) => ({ providerId: o.provider, instanceId })) }));
        ctx.out(`${r.removed} instance(s) removed from ${name}.\n`);
      });
    });

  policy
    .command('run')
    .description('back up every member now (in this process, with the concurrency limits), then apply retention')
    .argument('<policy>', 'name or id')
    .option('--full', 'full backups')
    .option('--incremental', 'incremental backups (each falls back to full, saying why, when it must)')
    .action(async (name: string, o: { full?: boolean; incremental?: boolean }) => {
      if (o.full && o.incremental) throw new UsageError('Choose --full or --incremental, not both.');
      await withCore(ctx, {}, async (core) => {
        const r = unwrap(await core.api.invoke('policies.run', { id: await policyId(core, name), backupType: o.full ? 'full' : o.incremental ? 'incremental' : 'auto' }));
        for (const s of r.skipped) ctx.err(`Not backed up: ${s.name}: ${s.reason}\n`);
        if (!r.jobIds.length) throw new AppError('validation.invalidInput', `Policy ${name} has no member that can be backed up now.`);
        const failed = await waitAll(core, r.jobIds, ctx);
        if (failed || r.skipped.length) throw new AppError('internal', `${failed + r.skipped.length} of ${r.jobIds.length + r.skipped.length} member(s) not backed up (see above).`);
      });
    });
}
