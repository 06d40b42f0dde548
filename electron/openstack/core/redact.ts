// Secrets never leave the SDK in messages or debug events: tokens, passwords, application
// credential secrets and URL user-info are masked wherever text of unknown origin is surfaced.

const MASK = '***';

// JSON fields whose values are secrets ("password": "x", "secret": "x", "id" of a token object is
// not matched on purpose: resource ids are useful in messages).
const SECRET_JSON_FIELDS = /("(?:password|secret|adminPass|admin_pass|token|auth_token|access_token|credential|passphrase)"\s*:\s*)"(?:[^"\\]|\\.)*"/gi;
const TOKEN_HEADERS = /((?:x-auth-token|x-subject-token|x-service-token|authorization)\s*[:=]\s*)\S+/gi;
// Fernet tokens start with gAAAAA; JWS tokens with eyJ. Long base64url runs are masked too.
const TOKEN_LIKE = /\b(?:gAAAAA[\w-]{20,}|eyJ[\w-]{10,}\.[\w-]{10,}\.[\w-]{10,})/g;

export function redactSecrets(text: string): string {
  return text.replace(SECRET_JSON_FIELDS, `$1"${MASK}"`).replace(TOKEN_HEADERS, `$1${MASK}`).replace(TOKEN_LIKE, MASK);
}

/** Drops user-info (user:password@) from a URL; leaves everything else as the admin typed it. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (!u.username && !u.password) return url;
    u.username = u.username ? MASK : '';
    u.password = '';
    return u.toString();
  } catch {
    return url;
  }
}

const SECRET_HEADER_NAMES = new Set(['x-auth-token', 'x-subject-token', 'x-service-token', 'authorization', 'cookie', 'set-cookie']);

export function redactHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string | string[] | undefined> {
  const out: Record<string, string | string[] | undefined> = {};
  for (const [k, v] of Object.entries(headers)) out[k] = SECRET_HEADER_NAMES.has(k.toLowerCase()) ? MASK : v;
  return out;
}
