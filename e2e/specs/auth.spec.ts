import { request as playwrightRequest } from '@playwright/test';
import WebSocket from 'ws';
import { expect, test } from '../fixtures/console';

test('without the token every request is refused with 401 and nothing else', async ({ backstack }) => {
  const anon = await playwrightRequest.newContext();
  for (const p of ['/', '/index.html', '/assets/x.js', '/api/invoke/app.getStatus']) {
    const res = await anon.fetch(`${backstack.url}${p}`, { method: p.startsWith('/api') ? 'POST' : 'GET', maxRedirects: 0 });
    expect(res.status(), p).toBe(401);
    expect(await res.text()).toBe('Unauthorized\n');
  }
  const wrong = await anon.post(`${backstack.url}/api/invoke/app.getStatus`, { headers: { authorization: 'Bearer not-the-token' }, data: {} });
  expect(wrong.status()).toBe(401);
  await anon.dispose();
});

test('with the token the contract answers, and invalid input is named', async ({ backstack }) => {
  const ctx = await playwrightRequest.newContext({ extraHTTPHeaders: { authorization: `Bearer ${backstack.token}` } });
  const ok = await ctx.post(`${backstack.url}/api/invoke/app.getStatus`, { data: {} });
  expect(ok.status()).toBe(200);
  const body = (await ok.json()) as { ok: boolean; value: { schemaVersion: number; runtime: string } };
  expect(body.ok).toBe(true);
  expect(body.value.runtime).toBe('console');
  expect(body.value.schemaVersion).toBeGreaterThan(0);

  const bad = await ctx.post(`${backstack.url}/api/invoke/jobs.get`, { data: { id: 42 } });
  expect(((await bad.json()) as { error: { code: string } }).error.code).toBe('validation.invalidInput');
  await ctx.dispose();
});

test('a foreign Host header is refused (DNS rebinding)', async ({ backstack }) => {
  const ctx = await playwrightRequest.newContext({ extraHTTPHeaders: { authorization: `Bearer ${backstack.token}`, host: 'evil.example:80' } });
  const res = await ctx.post(`${backstack.url}/api/invoke/app.getStatus`, { data: {} });
  expect(res.status()).toBe(401);
  await ctx.dispose();
});

const wsOutcome = (url: string, headers: Record<string, string> = {}) =>
  new Promise<'open' | number>((resolve) => {
    const ws = new WebSocket(url, { headers });
    ws.on('open', () => {
      ws.close();
      resolve('open');
    });
    ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.on('error', () => resolve(0));
  });

test('the event WebSocket needs the token too', async ({ backstack }) => {
  const wsUrl = `${backstack.url.replace('http', 'ws')}/api/events`;
  expect(await wsOutcome(wsUrl)).toBe(401);
  expect(await wsOutcome(`${wsUrl}?token=wrong`)).toBe(401);
  expect(await wsOutcome(`${wsUrl}?token=${backstack.token}`)).toBe('open');
});
