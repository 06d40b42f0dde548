import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../lib/logger';
import { createCore, type Core } from '../core/create-core';
import { startConsoleServer, type ConsoleServer } from './server';

let core: Core;
let server: ConsoleServer;
let dir: string;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'backstack-console-'));
  fs.mkdirSync(path.join(dir, 'ui'));
  fs.writeFileSync(path.join(dir, 'ui', 'index.html'), '<!doctype html><title>ui</title>');
  fs.writeFileSync(path.join(dir, 'secret.txt'), 'outside the UI folder');
  core = createCore({ dataDir: dir, runtime: 'console', version: '1.0.0', logger: createLogger(() => undefined) });
  server = await startConsoleServer({ core, staticDir: path.join(dir, 'ui') });
});
afterAll(async () => {
  await server.close();
  await core.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const invoke = (name: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${server.url}/api/invoke/${name}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
const bearer = () => ({ authorization: `Bearer ${server.token}` });

describe('console server token check', () => {
  it('answers 401 and nothing else without the token', async () => {
    const res = await invoke('app.getStatus', {});
    expect(res.status).toBe(401);
    expect(await res.text()).toBe('Unauthorized\n');
    expect((await fetch(`${server.url}/`)).status).toBe(401);
  });

  it('answers 401 to a wrong token of the same length', async () => {
    const wrong = server.token.replace(/./g, 'A');
    expect((await invoke('app.getStatus', {}, { authorization: `Bearer ${wrong}` })).status).toBe(401);
  });

  it('serves the contract with the token', async () => {
    const res = await invoke('app.getStatus', {}, bearer());
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ ok: true, value: { version: '1.0.0', runtime: 'console' } });
  });

  it('trades the token in the URL for an HttpOnly, SameSite=Strict cookie', async () => {
    const res = await fetch(server.loginUrl, { redirect: 'manual' });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('/');
    const cookie = res.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    const page = await fetch(`${server.url}/`, { headers: { cookie: cookie.split(';')[0]! } });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toMatch(/script-src 'self'/);
  });

  it('names invalid JSON and invalid input', async () => {
    const res = await fetch(`${server.url}/api/invoke/jobs.get`, { method: 'POST', headers: bearer(), body: '{nope' });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ ok: false, error: { code: 'validation.invalidInput' } });
    expect(await (await invoke('jobs.get', { id: '' }, bearer())).json()).toMatchObject({ ok: false, error: { code: 'validation.invalidInput' } });
  });

  it('never serves files outside the UI folder', async () => {
    const res = await fetch(`${server.url}/..%2Fsecret.txt`, { headers: bearer() });
    expect(await res.text()).not.toContain('outside the UI folder');
  });

  it('refuses to listen beyond loopback without TLS', async () => {
    await expect(startConsoleServer({ core, staticDir: dir, host: '0.0.0.0' })).rejects.toThrow(/needs TLS/);
  });
});
