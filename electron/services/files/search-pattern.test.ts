import { describe, expect, it } from 'vitest';
import { compilePattern, componentGlob } from './search-pattern';

/** Whether a whole path matches, the way the search decides it (folder and name tested apart, in lower case as the index keeps them). */
function matches(pattern: string, shown: string): boolean {
  const m = compilePattern(pattern);
  const path = shown.toLowerCase();
  const cut = path.lastIndexOf('/');
  const dir = path.slice(0, cut) || '/';
  const name = path.slice(cut + 1);
  return (m.dirAll?.(dir) ?? false) || ((m.dirThen?.(dir) ?? true) && (m.name?.(name) ?? false));
}

const PATHS = [
  '/etc/nginx/nginx.conf',
  '/etc/nginx/sites-enabled/default',
  '/etc/nginx/conf.d/gzip.conf',
  '/etc/hostname',
  '/etc/NGINX.CONF.bak',
  '/opt/app/etc/nginx.conf',
  '/var/log/nginx/access.log',
  '/var/log/syslog.1',
  '/var/log/syslog.10',
  '/home/user/[draft].txt',
  '/home/user/back\\\\slash',
  '/srv/nginx',
];
const found = (pattern: string) => PATHS.filter((p) => matches(pattern, p));

describe('search patterns', () => {
  it('a word finds names holding it, whatever the case', () => {
    expect(found('nginx')).toEqual(['/etc/nginx/nginx.conf', '/etc/NGINX.CONF.bak', '/opt/app/etc/nginx.conf', '/srv/nginx']);
    expect(found('HOSTNAME')).toEqual(['/etc/hostname']);
  });

  it('a glob without "/" is on the whole name', () => {
    expect(found('*.conf')).toEqual(['/etc/nginx/nginx.conf', '/etc/nginx/conf.d/gzip.conf', '/opt/app/etc/nginx.conf']);
    expect(found('nginx*')).toEqual(['/etc/nginx/nginx.conf', '/etc/NGINX.CONF.bak', '/opt/app/etc/nginx.conf', '/srv/nginx']);
    expect(found('syslog.?')).toEqual(['/var/log/syslog.1']);
    expect(found('syslog.[0-9]*')).toEqual(['/var/log/syslog.1', '/var/log/syslog.10']);
    expect(found('syslog.[!1]*')).toEqual([]);
    expect(found('*a*e*')).toEqual(['/etc/hostname', '/var/log/nginx/access.log']);
  });

  it('a part of a path runs across folders and into the name', () => {
    expect(found('nginx/sites')).toEqual(['/etc/nginx/sites-enabled/default']);
    expect(found('log/nginx/')).toEqual(['/var/log/nginx/access.log']);
    expect(found('/etc/host')).toEqual(['/etc/hostname']);
    expect(found('app/etc/nginx.conf')).toEqual(['/opt/app/etc/nginx.conf']);
  });

  it('a glob with "/" is on the path: at any depth, or from the root when it starts with "/"; ** crosses folders', () => {
    expect(found('nginx/*.conf')).toEqual(['/etc/nginx/nginx.conf']);
    expect(found('etc/nginx.conf*')).toEqual(['/etc/NGINX.CONF.bak', '/opt/app/etc/nginx.conf']);
    expect(found('/etc/*')).toEqual(['/etc/hostname', '/etc/NGINX.CONF.bak']);
    expect(found('/etc/**/*.conf')).toEqual(['/etc/nginx/nginx.conf', '/etc/nginx/conf.d/gzip.conf']);
    expect(found('/var/log/**')).toEqual(['/var/log/nginx/access.log', '/var/log/syslog.1', '/var/log/syslog.10']);
    expect(found('etc/nginx/')).toEqual(['/etc/nginx/nginx.conf', '/etc/nginx/sites-enabled/default', '/etc/nginx/conf.d/gzip.conf']);
  });

  it('brackets and backslashes are characters as names show them', () => {
    expect(found('[[]draft]*')).toEqual(['/home/user/[draft].txt']);
    expect(found('[draft')).toEqual([]);
    expect(found('back\\\\')).toEqual(['/home/user/back\\\\slash']);
  });

  it('a crafted name costs time in proportion to its length, whatever the pattern', () => {
    const name = 'a'.repeat(4000);
    const glob = componentGlob('*a*a*a*a*a*a*a*a*a*a*b');
    const t = performance.now();
    expect(glob(name)).toBe(false);
    expect(performance.now() - t).toBeLessThan(50);
  });

  it('refuses an empty pattern and one with too many stars, saying what to give', () => {
    expect(() => compilePattern('  ')).toThrow(/Give a name, a glob/);
    expect(() => compilePattern('*'.repeat(2) + 'x*'.repeat(20))).toThrow(/at most 16/);
  });
});
