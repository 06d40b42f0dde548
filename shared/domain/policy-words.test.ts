import { describe, expect, it } from 'vitest';
import { PolicyRules } from './policies';
import { ageInWords, retentionInWords, rulesInWords } from './policy-words';

describe('policies in words', () => {
  it('says the keep rules in the order people read them', () => {
    expect(retentionInWords({ weekly: 4, last: 3, daily: 7 })).toBe('the last 3, 7 daily, 4 weekly');
    expect(retentionInWords({ daily: 0 })).toBe('every restore point');
  });

  it('says the rules, and nothing for rules that select nothing', () => {
    const r = PolicyRules.parse({ includeNames: ['^web-'], excludeNames: ['-test$'], tags: ['prod', 'eu'], tagMatch: 'all', providerIds: ['p1'] });
    expect(rulesInWords(r, () => 'prod-cloud')).toBe('names matching ^web-; except names matching -test$; tags all of prod, eu; in prod-cloud');
    expect(rulesInWords(PolicyRules.parse({ excludeNames: ['x'], providerIds: ['p1'] }))).toBe('');
  });

  it('says how long ago', () => {
    const now = Date.parse('2025-05-10T12:00:00Z');
    expect(ageInWords(null, now)).toBe('never');
    expect(ageInWords('2025-05-10T11:59:30Z', now)).toBe('just now');
    expect(ageInWords('2025-05-10T09:00:00Z', now)).toBe('3 h ago');
    expect(ageInWords('2025-05-09T12:00:00Z', now)).toBe('1 day ago');
  });
});
