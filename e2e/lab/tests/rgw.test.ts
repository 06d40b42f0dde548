// Ceph's RADOS Gateway in the lab, as object-storage destinations will use it: S3 with the users
// of state/s3.json (one user's bucket closed to the other), S3 Object Lock refusing to delete a
// version before its retention date, and Swift reached through the Keystone catalog.
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { loadCloud, Session } from './support/cloud';
import { errorCode, loadS3, s3, s3File, type S3Lab } from './support/s3';

const cloud = loadCloud();
const lab = loadS3();
const unique = () => `${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
const md5 = (b: Buffer) => createHash('md5').update(b).digest('hex');
const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

function s3Lab(): S3Lab {
  expect(lab, `${s3File} (written by e2e/lab/up)`).toBeDefined();
  return lab!;
}

describe('RGW over S3', () => {
  it.runIf(lab || cloud.isLab)("a user creates a bucket, writes, reads and deletes an object; the other user can't read it", async () => {
    const l = s3Lab();
    const bucket = `${l.bucketPrefix}${unique()}`;
    const data = randomBytes(256 * 1024);
    expect((await s3(l, l, { method: 'PUT', bucket })).status).toBe(200);
    cleanups.push(() => s3(l, l, { method: 'DELETE', bucket }));

    const put = await s3(l, l, { method: 'PUT', bucket, key: 'dir/chunk 1', body: data });
    expect(put.status).toBe(200);
    expect(put.headers.get('etag')).toBe(`"${md5(data)}"`);
    const got = await s3(l, l, { bucket, key: 'dir/chunk 1' });
    expect(got.status).toBe(200);
    expect(Buffer.from(await got.arrayBuffer()).equals(data)).toBe(true);

    const other = await s3(l, l.other, { bucket, key: 'dir/chunk 1' });
    expect(other.status).toBe(403);
    expect(errorCode(await other.text())).toBe('AccessDenied');

    expect((await s3(l, l, { method: 'DELETE', bucket, key: 'dir/chunk 1' })).status).toBe(204);
    const gone = await s3(l, l, { bucket, key: 'dir/chunk 1' });
    expect(gone.status).toBe(404);
    expect(errorCode(await gone.text())).toBe('NoSuchKey');
    expect((await s3(l, l, { method: 'DELETE', bucket })).status).toBe(204);
    cleanups.pop();
  });

  it.runIf(lab || cloud.isLab)('Object Lock: a version retained in governance mode cannot be deleted before its date', async () => {
    const l = s3Lab();
    const bucket = `${l.bucketPrefix}lock-${unique()}`;
    const put = await s3(l, l, { method: 'PUT', bucket, headers: { 'x-amz-bucket-object-lock-enabled': 'true' } });
    expect(put.status, await put.text()).toBe(200);
    cleanups.push(() => s3(l, l, { method: 'DELETE', bucket }));
    const config = await s3(l, l, { bucket, query: { 'object-lock': '' } });
    expect(await config.text()).toMatch(/<ObjectLockEnabled>Enabled<\/ObjectLockEnabled>/);

    const until = new Date(Date.now() + 24 * 3600_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const data = randomBytes(4096);
    const obj = await s3(l, l, {
      method: 'PUT',
      bucket,
      key: 'manifest',
      body: data,
      headers: { 'x-amz-object-lock-mode': 'GOVERNANCE', 'x-amz-object-lock-retain-until-date': until },
    });
    expect(obj.status, await obj.text()).toBe(200);
    const versionId = obj.headers.get('x-amz-version-id')!;
    expect(versionId).toBeTruthy();
    // the test's own cleanup: the bucket owner may bypass governance mode (compliance mode: nobody)
    cleanups.push(() =>
      s3(l, l, { method: 'DELETE', bucket, key: 'manifest', query: { versionId }, headers: { 'x-amz-bypass-governance-retention': 'true' } }),
    );
    const retention = await s3(l, l, { bucket, key: 'manifest', query: { retention: '', versionId } });
    expect(await retention.text()).toMatch(/<Mode>GOVERNANCE<\/Mode>/);

    const del = await s3(l, l, { method: 'DELETE', bucket, key: 'manifest', query: { versionId } });
    expect(del.status).toBe(403);
    expect(errorCode(await del.text())).toBe('AccessDenied');
    const still = await s3(l, l, { bucket, key: 'manifest', query: { versionId } });
    expect(still.status).toBe(200);
    expect(Buffer.from(await still.arrayBuffer()).equals(data)).toBe(true);

    const bypass = await cleanups.pop()!();
    expect((bypass as Response).status).toBe(204);
    expect((await s3(l, l, { method: 'DELETE', bucket })).status).toBe(204);
    cleanups.pop();
  });
});

describe('RGW over Swift', () => {
  it.runIf(cloud.isLab)('a project finds object-store in its catalog and keeps objects in its own account, closed to other projects', async () => {
    const os = await Session.login(cloud);
    const account = os.endpoint('object-store');
    expect(account).toMatch(new RegExp(`/swift/v1/AUTH_${os.projectId}$`));
    const auth = { 'x-auth-token': os.token };
    const container = `${account}/backstack-test-${unique()}`;
    const object = `${container}/restore-point/manifest`;
    expect([201, 202]).toContain((await fetch(container, { method: 'PUT', headers: auth })).status);
    cleanups.push(() => fetch(container, { method: 'DELETE', headers: auth }));

    const data = randomBytes(64 * 1024);
    const put = await fetch(object, { method: 'PUT', headers: auth, body: data });
    expect(put.status).toBe(201);
    cleanups.push(() => fetch(object, { method: 'DELETE', headers: auth }));
    expect(put.headers.get('etag')).toBe(md5(data));
    const got = await fetch(object, { headers: auth });
    expect(got.status).toBe(200);
    expect(Buffer.from(await got.arrayBuffer()).equals(data)).toBe(true);
    const list = await fetch(`${container}?format=json`, { headers: auth });
    expect(((await list.json()) as { name: string }[]).map((o) => o.name)).toEqual(['restore-point/manifest']);

    // implicit tenants: another project (demo, a member there) has its own account and no way into this one
    const demo = await Session.login(loadCloud('lab-demo'));
    expect(demo.endpoint('object-store')).toMatch(new RegExp(`/swift/v1/AUTH_${demo.projectId}$`));
    expect((await fetch(object, { headers: { 'x-auth-token': demo.token } })).status, "demo reads admin's object").toBe(403);
    expect([401, 403], 'no token').toContain((await fetch(object)).status);

    expect((await cleanups.pop()!()) as Response).toHaveProperty('status', 204);
    expect((await cleanups.pop()!()) as Response).toHaveProperty('status', 204);
  });
});
