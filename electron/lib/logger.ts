/**
 * A small leveled logger writing one line per entry to stderr. Secrets never reach it: callers
 * log ids and names, and `redact` masks anything that looks like a credential in free text.
 */
export interface Logger {
  info(msg: string, extra?: unknown): void;
  warn(msg: string, extra?: unknown): void;
  error(msg: string, extra?: unknown): void;
}

const SECRET_PATTERNS: RegExp[] = [
  /(Bearer\s+)[A-Za-z0-9._~+/-]+=*/gi,
  // key: value or "key": "value"; a value that opens an object or array is left to the keys inside it.
  /("?(?:[A-Z_]*password|passphrase|secret|token|x-auth-token|x-subject-token)"?\s*[:=]\s*)("[^"]*"|[^\s,;{}[\]][^\s,;}]*)/gi,
  /(-----BEGIN [A-Z ]*PRIVATE KEY-----)[\s\S]*?(-----END [A-Z ]*PRIVATE KEY-----)/g,
];

export function redact(text: string): string {
  let out = text;
  for (const re of SECRET_PATTERNS) out = out.replace(re, (_m, a: string) => `${a}«redacted»`);
  return out;
}

const fmt = (extra: unknown): string => {
  if (extra === undefined) return '';
  if (extra instanceof Error) return ` ${extra.stack ?? extra.message}`;
  try {
    return ` ${JSON.stringify(extra)}`;
  } catch {
    return ` ${String(extra)}`;
  }
};

export function createLogger(write: (line: string) => void = (l) => process.stderr.write(`${l}\n`), quiet = false): Logger {
  const line = (level: string, msg: string, extra: unknown) => write(redact(`${new Date().toISOString()} ${level} ${msg}${fmt(extra)}`));
  return {
    info: (m, e) => {
      if (!quiet) line('INFO', m, e);
    },
    warn: (m, e) => line('WARN', m, e),
    error: (m, e) => line('ERROR', m, e),
  };
}
