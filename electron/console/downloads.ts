import type http from 'node:http';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { toAppError } from '../lib/errors';
import type { Core } from '../core/create-core';

export const DOWNLOAD_PATH = '/api/files/download/';

/**
 * GET /api/files/download/TICKET: the files of a restore point that files.prepareDownload
 * checked, streamed as read from the destination (a file as itself, folders as a tar archive).
 * The ticket is single use; the request is authenticated like every other (server.ts). Before
 * the first byte an error is a plain-text answer that says what to do; after it, the connection
 * is cut so the browser marks the download failed rather than keeping a short file.
 */
export async function serveDownload(
  core: Core,
  ticket: string,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  headers: Record<string, string>,
): Promise<void> {
  if (req.method !== 'GET') {
    res.writeHead(405, { ...headers, 'content-type': 'text/plain; charset=utf-8' }).end('Use GET.\n');
    return;
  }
  // the browser cancelling the download stops the reads
  const aborted = new AbortController();
  res.once('close', () => aborted.abort());
  try {
    await core.services.files.download(ticket, aborted.signal, async (d) => {
      res.writeHead(200, {
        ...headers,
        'content-type': d.kind === 'archive' ? 'application/x-tar' : 'application/octet-stream',
        'content-disposition': contentDisposition(d.name),
        'cache-control': 'no-store',
        ...(d.size !== null ? { 'content-length': String(d.size) } : {}),
      });
      // the response closing early (a cancelled download) ends the body: its generator stops reading
      await pipeline(Readable.from(d.body), res);
    });
  } catch (e) {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    const error = toAppError(e);
    const status = error.code === 'resource.notFound' ? 404 : error.code === 'validation.invalidInput' ? 400 : 500;
    res.writeHead(status, { ...headers, 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' }).end(`${error.message}\n`);
  }
}

/**
 * `attachment` with the name twice: an ASCII stand-in for old clients (quotes, backslashes,
 * control characters and anything non-ASCII replaced) and the exact name as RFC 5987 UTF-8.
 * Slashes never survive and leading dots go: a saved name cannot pick a folder or hide itself.
 */
export function contentDisposition(name: string): string {
  const safe = name.replace(/[/\\]/g, '_').replace(/^[.\s]+/, '_') || 'download';
  const ascii = safe.replace(/[^\x20-\x7e]|["%;]/g, '_');
  const encoded = encodeURIComponent(safe).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}
