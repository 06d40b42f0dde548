// The human message inside an OpenStack error body. Every service has its own envelope:
//   Keystone  {"error": {"code": 401, "title": "...", "message": "..."}}
//   Nova/Cinder {"itemNotFound": {"code": 404, "message": "..."}} (badRequest, forbidden, computeFault ...)
//   Neutron   {"NeutronError": {"type": "...", "message": "...", "detail": ""}}
//   Glance    an HTML page ("<h1>404 Not Found</h1> No image found with ID ...") or {"message": "..."}
const MAX = 400;

function clip(s: string): string {
  const one = s.replace(/\s+/g, ' ').trim();
  return one.length > MAX ? `${one.slice(0, MAX - 1)}…` : one;
}

function messageIn(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    if (typeof o.message === 'string') return o.message;
    if (typeof o.detail === 'string' && o.detail) return o.detail;
    if (typeof o.title === 'string') return o.title;
  }
  return undefined;
}

export function extractServerMessage(text: string): string | undefined {
  const trimmed = text.trim();
  if (!trimmed) return undefined;
  if (trimmed.startsWith('{')) {
    try {
      const body = JSON.parse(trimmed) as Record<string, unknown>;
      const direct = messageIn(body.error) ?? messageIn(body.NeutronError) ?? (typeof body.message === 'string' ? body.message : undefined);
      if (direct) return clip(direct);
      if (typeof body.faultstring === 'string') return clip(body.faultstring);
      const keys = Object.keys(body);
      if (keys.length === 1) {
        const inner = messageIn(body[keys[0]!]);
        if (inner) return clip(inner);
      }
      return clip(trimmed);
    } catch {
      // not JSON after all
    }
  }
  if (/^<(!doctype|html)/i.test(trimmed)) {
    const noHead = trimmed.replace(/<head[\s\S]*?<\/head>/i, ' ');
    const textOnly = noHead.replace(/<[^>]+>/g, ' ');
    return clip(textOnly) || undefined;
  }
  return clip(trimmed);
}
