import { describe, expect, it } from 'vitest';
import { bootEvidence, consoleExcerpt } from './boot-evidence';

const cirros = ['[    0.000000] Linux version 5.15', '=== cirros: current=0.6.2 ===', "login as 'cirros' user. default password: 'gocubsgo'. use 'sudo' for root.", 'web-1 login: '].join('\n');

describe('boot evidence from a console log', () => {
  it('finds a login prompt, cloud-init, systemd or a READY line; nothing in a kernel that stopped early', () => {
    expect(bootEvidence(cirros)).toBe('a login prompt on the console ("web-1 login:")');
    expect(bootEvidence('Cloud-init v. 23.1 finished at Thu, 03 Dec 2026 09:00:00 +0000. Datasource DataSourceConfigDrive.')).toMatch(/^cloud-init finished/);
    expect(bootEvidence('[  OK  ] Reached target \x1b[0;1;39mMulti-User System\x1b[0m.')).toMatch(/^systemd reached its multi-user target/);
    expect(bootEvidence('labvm: READY hostname=web-1 if=eth0 ip=10.99.0.5')).toMatch(/^the guest reported READY/);
    expect(bootEvidence('[    1.2] Kernel panic - not syncing: VFS: Unable to mount root fs')).toBeNull();
  });

  it('keeps the last 20 lines, without control characters, and withholds lines that may hold a secret', () => {
    const text = [...Array.from({ length: 30 }, (_, i) => `line ${i}`), 'root password is hunter2', '\x1b[32mgreen\x1b[0m', '', ''].join('\r\n');
    const excerpt = consoleExcerpt(text);
    expect(excerpt).toHaveLength(20);
    expect(excerpt.slice(-2)).toEqual(['[line withheld: it may hold a secret]', 'green']);
    expect(excerpt.join('\n')).not.toContain('hunter2');
    expect(consoleExcerpt(cirros)).not.toContainEqual(expect.stringContaining('gocubsgo'));
  });
});
