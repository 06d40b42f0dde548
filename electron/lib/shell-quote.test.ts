import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { shellCommand, shellQuote } from './shell-quote';

/** What a real POSIX shell makes of the quoted words: printf prints each argument on its own NUL-terminated record. */
const throughShell = (words: string[]): string[] => {
  const out = execFileSync('/bin/sh', ['-c', shellCommand(['printf', '%s\\0', ...words])]);
  return out.toString('utf8').split('\0').slice(0, -1);
};

describe('shellQuote', () => {
  it('leaves plain words bare and quotes everything else', () => {
    expect(shellQuote('/var/lib/nova/instances/abc/disk')).toBe('/var/lib/nova/instances/abc/disk');
    expect(shellQuote('vol ume')).toBe("'vol ume'");
    expect(shellQuote('')).toBe("''");
    expect(shellQuote("it's")).toBe("'it'\\''s'");
  });

  const nasty = [
    'name with spaces',
    "single ' quote",
    'double " quote',
    '$(touch /tmp/backstack-pwned)',
    '`id`',
    'a; rm -rf /',
    'line\nbreak',
    '',
    '$HOME',
    'back\\slash',
    '*',
    '-n',
    "''",
    'tab\there',
    '&& echo no',
    '| cat',
    '> /tmp/x',
    'ünïcödé ✓',
  ];

  it('round-trips every nasty word through a real shell as one argument each', () => {
    expect(throughShell(nasty)).toEqual(nasty);
  });

  it('never runs command substitutions', () => {
    const marker = `/tmp/backstack-quote-test-${process.pid}`;
    throughShell([`$(touch ${marker})`, `\`touch ${marker}\``, `; touch ${marker}`]);
    expect(() => execFileSync('test', ['-e', marker])).toThrow();
  });

  it('refuses NUL bytes and empty commands', () => {
    expect(() => shellQuote('a\0b')).toThrow(/NUL/);
    expect(() => shellCommand([])).toThrow(/empty/);
  });
});
