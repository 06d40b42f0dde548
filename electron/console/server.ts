import http from 'node:http';
import https from 'node:https';
import fs from 'node:fs';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { AppError } from '../../shared/errors/codes';
import { err } from '../../shared/ipc/result';
import type { Core } from '../core/create-core';
import { COOKIE, hostAllowed, isAuthorized, newToken } from './auth';
import { DOWNLOAD_PATH, serveDownload } from './downloads';
import { serveStatic } from './static';

export interface ConsoleOptions {
  core: Core;
  /** folder of the built renderer (index.html + assets) */
  staticDir: string;
  host?: string;
  port?: number;
  /** required for any address other than loopback */
  tls?: { certFile: string; keyFile: string };
  token?: string;
}

export interface ConsoleServer {
  url: string;
  /** the URL to open: carries the token once; the server then sets a cookie */
  loginUrl: string;
  token: string;
  port: number;
  close(): Promise<void>;
}

const MAX_BODY = 1024 * 1024;
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

export function cspFor(origin: string): string {
  const ws = origin.replace(/^http/, 'ws');
  return [
    "default-src 'self'",
    "script-src 'self'",
    // Mantine sets CSS variables and element styles at run time.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    `connect-src 'self' ${ws}`,
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "form-action 'self'",
  ].join('; ');
}

/**
 * Console mode: the same contract as Electron's IPC, over HTTP (requests) and a WebSocket
 * (events), for a browser on this machine. Every request needs the per-run token.
 */
export async function startConsoleServer(opts: ConsoleOptions): Promise<ConsoleServer> {
  const host = opts.host ?? '127.0.0.1';
  if (!LOOPBACK.has(host) && !opts.tls) {
    throw new AppError('validation.invalidInput', `Listening on ${host} exposes Backstack to the network: it needs TLS (--tls-cert and --tls-key).`);
  }
  const token = opts.token ?? newToken();
  const staticDir = path.resolve(opts.staticDir);
  const scheme = opts.tls ? 'https' : 'http';
  const allowedHosts = new Set<string>();
  let origin = '';

  const handler: http.RequestListener = (req, res) => {
    const headers = {
      'content-security-policy': cspFor(origin),
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'x-frame-options': 'DENY',
    };
    if (!hostAllowed(req, allowedHosts) || !isAuthorized(req, token)) {
      res.writeHead(401, { 'content-type': 'text/plain; charset=utf-8', ...headers }).end('Unauthorized\n');
      return;
    }
    const url = new URL(req.url ?? '/', origin);
    if (url.searchParams.has('token')) {
      // First visit: trade the token in the URL for a cookie and drop it from the address bar.
      url.searchParams.delete('token');
      const secure = opts.tls ? '; Secure' : '';
      res.writeHead(302, {
        ...headers,
        'set-cookie': `${COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/${secure}`,
        location: url.pathname + url.search,
      });
      res.end();
      return;
    }
    if (url.pathname.startsWith('/api/invoke/')) {
      void invoke(opts.core, decodeURIComponent(url.pathname.slice('/api/invoke/'.length)), req, res, headers);
      return;
    }
    if (url.pathname.startsWith(DOWNLOAD_PATH)) {
      void serveDownload(opts.core, url.pathname.slice(DOWNLOAD_PATH.length), req, res, headers);
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, headers).end();
      return;
    }
    serveStatic(staticDir, url.pathname, res, headers);
  };

  const server = opts.tls
    ? https.createServer({ cert: fs.readFileSync(opts.tls.certFile), key: fs.readFileSync(opts.tls.keyFile) }, handler)
    : http.createServer(handler);
  // Idle keep-alive connections are closed by the client first (Node's default 5 s is shorter than
  // browsers' and HTTP clients' own): otherwise a request sent on a socket the server is closing
  // at that instant fails with ECONNRESET (seen from a script polling jobs.list).
  server.keepAliveTimeout = 120_000;
  server.headersTimeout = 125_000;
  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  server.on('upgrade', (req, socket, head) => {
    const sameOrigin = req.headers.origin === undefined || req.headers.origin === origin;
    if (!hostAllowed(req, allowedHosts) || !isAuthorized(req, token) || !sameOrigin || new URL(req.url ?? '/', origin).pathname !== '/api/events') {
      socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => forwardEvents(opts.core, ws));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  origin = `${scheme}://${shownHost}:${port}`;
  allowedHosts.add(`${shownHost}:${port}`);
  if (LOOPBACK.has(host)) for (const h of ['127.0.0.1', 'localhost', '[::1]']) allowedHosts.add(`${h}:${port}`);

  return {
    url: origin,
    loginUrl: `${origin}/?token=${token}`,
    token,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const c of wss.clients) c.terminate();
        wss.close();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function invoke(core: Core, name: string, req: http.IncomingMessage, res: http.ServerResponse, headers: Record<string, string>) {
  const send = (status: number, body: unknown) => {
    res.writeHead(status, { ...headers, 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(body));
  };
  if (req.method !== 'POST') return send(405, err(new AppError('validation.invalidInput', 'Use POST.').toPayload()));
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > MAX_BODY) return send(413, err(new AppError('validation.invalidInput', 'Request too large.').toPayload()));
    chunks.push(c as Buffer);
  }
  let input: unknown;
  try {
    input = chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : {};
  } catch {
    return send(400, err(new AppError('validation.invalidInput', 'The request body is not valid JSON.').toPayload()));
  }
  send(200, await core.dispatch(name, input));
}

function forwardEvents(core: Core, ws: WebSocket): void {
  const off = core.bus.onAny((name, payload) => {
    // A slow tab must not make the core buffer without bound: drop progress for it instead.
    if (ws.bufferedAmount > 4 * 1024 * 1024 && name === 'jobs.progressed') return;
    ws.send(JSON.stringify({ name, payload }));
  });
  ws.on('close', off);
  ws.on('error', off);
}
