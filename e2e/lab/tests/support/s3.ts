// The lab's RGW over S3: state/s3.json (written by e2e/lab/up) and requests signed with AWS
// Signature V4 by node:crypto — just enough for lab tests (no AWS SDK in the repo's dependencies).
import { createHash, createHmac } from 'node:crypto';
import { join } from 'node:path';
import { labDir, readJsonIfExists } from './lab';

export interface S3Credentials {
  user: string;
  accessKeyId: string;
  secretAccessKey: string;
}
/** state/s3.json: the RGW endpoint (path-style), its region and two users' keys. */
export interface S3Lab extends S3Credentials {
  endpoint: string;
  region: string;
  forcePathStyle: boolean;
  /** tests name their buckets `${bucketPrefix}<something unique>` */
  bucketPrefix: string;
  /** a second, unrelated user ("another installation's credentials") */
  other: S3Credentials;
}

export const s3File = join(labDir, 's3.json');
export const loadS3 = (): S3Lab | undefined => readJsonIfExists<S3Lab>(s3File);

export interface S3Request {
  method?: string;
  /** path-style: /bucket/key, each segment given unencoded */
  bucket?: string;
  key?: string;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  body?: string | Buffer<ArrayBuffer>;
}

const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');
const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data).digest();
// RFC 3986 unreserved characters stay, everything else is %XX (what SigV4 canonicalizes)
const enc = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** Sends one request to the lab's RGW as `creds`, signed with SigV4 (payload hash included). */
export async function s3(lab: S3Lab, creds: S3Credentials, req: S3Request): Promise<Response> {
  const method = req.method ?? 'GET';
  const body = req.body ?? '';
  const url = new URL(lab.endpoint);
  const path = `/${[req.bucket, ...(req.key ? req.key.split('/') : [])]
    .filter((s): s is string => s !== undefined)
    .map(enc)
    .join('/')}`;
  const query = Object.entries(req.query ?? {})
    .map(([k, v]) => `${enc(k)}=${enc(v)}`)
    .sort()
    .join('&');
  const amzDate = new Date().toISOString().replace(/[-:]|\.\d{3}/g, '');
  const day = amzDate.slice(0, 8);
  const headers: Record<string, string> = {
    ...Object.fromEntries(Object.entries(req.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v.trim()])),
    host: url.host,
    'x-amz-date': amzDate,
    'x-amz-content-sha256': sha256(body),
  };
  // object lock PUTs require an integrity header; the others accept it
  if (body.length > 0) headers['content-md5'] = createHash('md5').update(body).digest('base64');
  const names = Object.keys(headers).sort();
  const canonical = [method, path, query, ...names.map((n) => `${n}:${headers[n]}`), '', names.join(';'), headers['x-amz-content-sha256']].join('\n');
  const scope = `${day}/${lab.region}/s3/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256(canonical)].join('\n');
  const key = hmac(hmac(hmac(hmac(`AWS4${creds.secretAccessKey}`, day), lab.region), 's3'), 'aws4_request');
  const signature = createHmac('sha256', key).update(toSign).digest('hex');
  const { host: _host, ...sent } = headers; // fetch sets Host itself (the same value)
  sent.authorization = `AWS4-HMAC-SHA256 Credential=${creds.accessKeyId}/${scope}, SignedHeaders=${names.join(';')}, Signature=${signature}`;
  return fetch(`${url.origin}${path}${query ? `?${query}` : ''}`, {
    method,
    headers: sent,
    body: method === 'GET' || method === 'HEAD' ? undefined : body,
  });
}

/** The <Code> of an S3 error document. */
export const errorCode = (xml: string) => /<Code>([^<]+)<\/Code>/.exec(xml)?.[1];
