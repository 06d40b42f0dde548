import { describe, expect, it } from 'vitest';
import { PolicySpec } from '../../../../shared/domain/policies';
import { draftOf, newSchedule, previewSpecOf, specOf, validate, type PolicyDraft } from './editor-state';

const fresh = (over: Partial<PolicyDraft> = {}): PolicyDraft => ({ ...draftOf(null, { destination: 'dest-1' }), name: 'nightly', ...over });

describe('policy editor draft', () => {
  it('round-trips a saved policy, the fields it does not show included', () => {
    const saved = PolicySpec.parse({
      name: 'nightly',
      destination: 'dest-1',
      rules: { includeNames: ['^web-', '^db-'], tags: ['prod'], tagMatch: 'all' },
      autoAssign: 'assign-remove',
      schedules: [
        { id: 'inc', form: 'weekly', at: '02:30', days: [1, 3], timeZone: 'Europe/Berlin', backupType: 'incremental' },
        { id: 'full', form: 'cron', expression: '0 3 1 * *', windowMinutes: null },
      ],
      retention: { daily: 7, weekly: 4 },
      excludeDisks: ['vdb'],
      preSnapshot: { where: 'guest', argv: ['fsfreeze', '-f', '/'] },
    });
    expect(PolicySpec.parse(specOf(draftOf(saved, { destination: '' })))).toEqual(saved);
  });

  it('puts a bad regular expression at its field, and says what is wrong with it', () => {
    const errors = validate(fresh({ includeNames: '^web-\nweb-[' }));
    expect(Object.keys(errors)).toEqual(['includeNames']);
    expect(errors.includeNames).toMatch(/^Not a valid regular expression: .*web-\[/);
  });

  it('puts a cron problem at the schedule’s expression field', () => {
    const s = { ...newSchedule([], 'UTC'), form: 'cron' as const, expression: '61 2 * * *' };
    const errors = validate(fresh({ schedules: [s] }));
    expect(Object.keys(errors)).toEqual(['schedules.0.expression']);
    expect(errors['schedules.0.expression']).toMatch(/^Not a valid cron expression "61 2 \* \* \*"/);
  });

  it('asks for a name and a destination in words', () => {
    expect(validate(fresh({ name: ' ', destination: '' }))).toEqual({ name: 'Give the policy a name.', destination: 'Choose where the backups go.' });
  });

  it('drops keep rules left at 0 or empty, and blank pattern lines', () => {
    const spec = specOf(fresh({ retention: { daily: 7, weekly: 0, monthly: undefined }, includeNames: '\n ^web- \n\n' }));
    expect(spec.retention).toEqual({ daily: 7 });
    expect(spec.rules?.includeNames).toEqual(['^web-']);
  });

  it('numbers new schedules past those taken', () => {
    expect(newSchedule(['schedule-1', 'schedule-2'], 'UTC').id).toBe('schedule-3');
    expect(newSchedule(['schedule-2'], 'UTC').id).toBe('schedule-3');
  });

  it('previews rules before the policy has a name or destination, but not rules the core would refuse', () => {
    expect(previewSpecOf(fresh({ name: '', destination: '', includeNames: '^web' }))).toMatchObject({
      name: 'draft',
      rules: { includeNames: ['^web'] },
    });
    expect(previewSpecOf(fresh({ includeNames: '(' }))).toBeNull();
  });
});
