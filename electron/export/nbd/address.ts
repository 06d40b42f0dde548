import net from 'node:net';
import { AppError } from '../../../shared/errors/app-error';

export const DEFAULT_HOST = '127.0.0.1';
/** NBD's IANA port */
export const DEFAULT_PORT = 10809;

/**
 * ADDR:PORT, [IPv6]:PORT, ADDR alone or :PORT. Only IP literals and localhost: a name would be
 * resolved to whatever it points at today. `port` is undefined when none was given.
 */
export function parseListen(s: string | undefined): { host: string; port: number | undefined } {
  const text = (s ?? '').trim();
  if (!text) return { host: DEFAULT_HOST, port: undefined };
  let host: string;
  let port: string | undefined;
  const v6 = /^\[([^\]]+)\](?::(\d+))?$/.exec(text);
  if (v6) [host, port] = [v6[1]!, v6[2]];
  else if (net.isIPv6(text)) host = text;
  else {
    const i = text.lastIndexOf(':');
    [host, port] = i < 0 ? [text, undefined] : [text.slice(0, i), text.slice(i + 1)];
  }
  if (!host) host = DEFAULT_HOST;
  if (host !== 'localhost' && !net.isIP(host))
    throw new AppError('validation.invalidInput', `"${text}": give an IP address and port to listen on, such as 127.0.0.1:10809 or 0.0.0.0:10809.`);
  if (port !== undefined && (!/^\d{1,5}$/.test(port) || Number(port) > 65535))
    throw new AppError('validation.invalidInput', `"${text}": the port is a number from 0 to 65535.`);
  return { host: host === 'localhost' ? DEFAULT_HOST : host, port: port === undefined ? undefined : Number(port) };
}

/** An export name for a disk of a restore point: readable, and plain enough for a URL and a shell. */
export function exportNameFor(what: string, time: string, disk: string, taken: (name: string) => boolean): string {
  const plain = (s: string) =>
    s
      .replace(/[^A-Za-z0-9._-]+/g, '-')
      .replace(/\.{2,}/g, '.')
      .replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, '');
  const base = [plain(what).slice(0, 80), plain(time), plain(disk)].filter(Boolean).join('-').slice(0, 190) || 'disk';
  let name = base;
  for (let n = 2; taken(name); n++) name = `${base}-${n}`;
  return name;
}
