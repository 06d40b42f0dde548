import type { BackstackApi } from '../../../shared/ipc/api';
import type { Result } from '../../../shared/ipc/result';

declare global {
  interface Window {
    /** set by Electron's preload; absent in console mode */
    api?: BackstackApi;
  }
}

type Listener = (payload: unknown) => void;

/** Fired on window when events may have been missed (reconnect); stores list again. */
export const RESYNC_EVENT = 'backstack:resync';

/** Calls fn on each of these window events; returns the function that stops listening. */
export function onWindow(names: string[], fn: () => void): () => void {
  for (const n of names) window.addEventListener(n, fn);
  return () => names.forEach((n) => window.removeEventListener(n, fn));
}

/**
 * Console mode: the same contract over HTTP (requests) and one WebSocket (events). The
 * access token travels as an HttpOnly cookie set by the server, so this code never sees it.
 */
export function consoleTransport(): BackstackApi {
  const listeners = new Map<string, Set<Listener>>();
  let socket: WebSocket | undefined;
  let retryMs = 500;

  const connect = () => {
    const ws = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api/events`);
    socket = ws;
    ws.onmessage = (m) => {
      const { name, payload } = JSON.parse(String(m.data)) as { name: string; payload: unknown };
      for (const l of listeners.get(name) ?? []) l(payload);
    };
    ws.onopen = () => {
      retryMs = 500;
      // Events may have been missed while disconnected: stores resync on this.
      window.dispatchEvent(new Event(RESYNC_EVENT));
    };
    ws.onclose = () => {
      socket = undefined;
      setTimeout(connect, retryMs);
      retryMs = Math.min(10_000, retryMs * 2);
    };
  };

  return {
    async invoke(name, input) {
      try {
        const res = await fetch(`/api/invoke/${encodeURIComponent(name)}`, {
          method: 'POST',
          credentials: 'same-origin',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(input ?? {}),
        });
        if (res.status === 401) {
          return {
            ok: false,
            error: {
              code: 'auth.failed',
              message: 'This console session has expired: open the URL printed by `backstack console` again.',
              retryable: false,
            },
          };
        }
        return (await res.json()) as Result<never>;
      } catch (e) {
        return {
          ok: false,
          error: {
            code: 'network.unreachable',
            message: `The Backstack console is not reachable (${String(e)}). Is it still running?`,
            retryable: true,
          },
        };
      }
    },
    on(name, fn) {
      if (!socket) connect();
      const set = listeners.get(name) ?? new Set();
      set.add(fn as Listener);
      listeners.set(name, set);
      return () => set.delete(fn as Listener);
    },
  };
}
