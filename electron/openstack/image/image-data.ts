// Glance v2 image data: a new image record, its bytes uploaded from a stream, and downloaded as one.
import type { Readable } from 'node:stream';
import { headerValue } from '../core/http';
import type { ServiceClient } from '../core/service-client';
import { RawImage, toImage, type Image } from './images';

export interface CreateImageRequest {
  name: string;
  diskFormat: 'raw' | 'qcow2';
  containerFormat?: 'bare';
  minDiskGiB?: number;
  minRamMiB?: number;
  visibility?: 'private' | 'shared';
  /** custom properties (who made it, why): a clean-up finds the image by them */
  properties?: Record<string, string>;
}

/** A queued image record (no data yet); upload its bytes with uploadImageData. */
export async function createImageRecord(image: ServiceClient, req: CreateImageRequest, opts: { signal?: AbortSignal } = {}): Promise<Image> {
  const res = await image.post(
    'images',
    {
      name: req.name,
      disk_format: req.diskFormat,
      container_format: req.containerFormat ?? 'bare',
      visibility: req.visibility ?? 'private',
      ...(req.minDiskGiB ? { min_disk: req.minDiskGiB } : {}),
      ...(req.minRamMiB ? { min_ram: req.minRamMiB } : {}),
      ...req.properties,
    },
    { ok: [201], schema: RawImage, signal: opts.signal },
  );
  return toImage(res.body);
}

/** Uploads an image's bytes (PUT …/file, 204); Glance makes it active once they are stored. */
export async function uploadImageData(image: ServiceClient, id: string, body: Readable, opts: { size?: number; signal?: AbortSignal } = {}): Promise<void> {
  const res = await image.stream('PUT', `images/${encodeURIComponent(id)}/file`, {
    body,
    headers: { 'content-type': 'application/octet-stream', ...(opts.size === undefined ? {} : { 'content-length': String(opts.size) }) },
    ok: [204],
    signal: opts.signal,
  });
  await res.body.dump();
}

export interface ImageDownload {
  /** bytes the answer announces (Content-Length), when it does */
  size: number | undefined;
  /** Glance's MD5 of the stored bytes (Content-MD5), when it sends one */
  md5: string | undefined;
  body: AsyncIterable<Uint8Array> & { destroy(err?: Error): unknown };
}

/** Starts downloading an image's bytes (GET …/file); 204 means the image has no data (Glance answers so for queued ones). */
export async function downloadImageData(image: ServiceClient, id: string, opts: { signal?: AbortSignal } = {}): Promise<ImageDownload> {
  const res = await image.stream('GET', `images/${encodeURIComponent(id)}/file`, { ok: [200], signal: opts.signal });
  const length = headerValue(res.headers, 'content-length');
  return { size: length === undefined ? undefined : Number(length), md5: headerValue(res.headers, 'content-md5'), body: res.body };
}

/** Sets custom properties of an image (JSON patch: add replaces an existing one). */
export async function setImageProperties(image: ServiceClient, id: string, properties: Record<string, string>, opts: { signal?: AbortSignal } = {}): Promise<void> {
  await image.request('PATCH', `images/${encodeURIComponent(id)}`, {
    body: JSON.stringify(Object.entries(properties).map(([k, v]) => ({ op: 'add', path: `/${k}`, value: v }))),
    headers: { 'content-type': 'application/openstack-images-v2.1-json-patch' },
    ok: [200],
    signal: opts.signal,
  });
}
