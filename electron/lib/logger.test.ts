import { describe, expect, it } from 'vitest';
import { createLogger, redact } from './logger';

describe('redact', () => {
  it('masks passwords, tokens and private keys in free text', () => {
    const text = [
      '{"auth":{"identity":{"password":{"user":{"name":"admin","password":"s3cret!"}}}}}',
      'X-Auth-Token: gAAAAABk-token-value',
      'Authorization: Bearer abc.def.ghi',
      '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXk\n-----END OPENSSH PRIVATE KEY-----',
      'OS_PASSWORD=hunter2',
    ].join('\n');
    const out = redact(text);
    for (const secret of ['s3cret!', 'gAAAAABk-token-value', 'abc.def.ghi', 'b3BlbnNzaC1rZXk', 'hunter2']) expect(out).not.toContain(secret);
    expect(out).toContain('"name":"admin"');
  });

  it('is applied to every logged line', () => {
    const lines: string[] = [];
    createLogger((l) => lines.push(l)).error('auth failed', { password: 'pw-123' });
    expect(lines[0]).not.toContain('pw-123');
  });
});
