import type { AppErrorPayload } from '../../../../shared/errors/app-error';
import type { BackstackApi } from '../../../../shared/ipc/api';
import type { EventName, InputOf, OutputOf, PayloadOf, RequestName } from '../../../../shared/ipc/contract';
import type { Result } from '../../../../shared/ipc/result';

/** A request's answer that the test resolves when it chooses: to play slow and fast responses against each other. */
export interface Pending<T> {
  resolve(value: T): void;
  fail(error: ErrorInput): void;
}

type ErrorInput = Partial<AppErrorPayload> & { message: string };

/** A scripted failure: `script('jobs.list', failure({ message: 'down' }))`. */
export class Failure {
  constructor(readonly error: ErrorInput) {}
}
export const failure = (error: ErrorInput) => new Failure(error);

type Answer<N extends RequestName> = OutputOf<N> | Failure | 'pending';

/**
 * A BackstackApi for unit tests: scripted answers per request (taken in order; the last one
 * repeats), calls recorded, events emitted by the test.
 */
export function fakeApi() {
  const scripts = new Map<RequestName, Answer<RequestName>[]>();
  const listeners = new Map<EventName, Set<(p: unknown) => void>>();
  const pending: Pending<unknown>[] = [];
  const calls: { name: RequestName; input: unknown }[] = [];

  const toError = (e: ErrorInput): Result<never> => ({
    ok: false,
    error: { code: 'internal', retryable: false, ...e },
  });

  const api: BackstackApi = {
    invoke<N extends RequestName>(name: N, input: InputOf<N>): Promise<Result<OutputOf<N>>> {
      calls.push({ name, input });
      const list = scripts.get(name) ?? [];
      const answer = (list.length > 1 ? list.shift() : list[0]) as Answer<N> | undefined;
      if (answer === undefined) return Promise.resolve(toError({ code: 'unsupported', message: `no answer scripted for ${name}` }));
      if (answer === 'pending') {
        return new Promise((resolve) =>
          pending.push({ resolve: (value) => resolve({ ok: true, value: value as OutputOf<N> }), fail: (e) => resolve(toError(e)) }),
        );
      }
      if (answer instanceof Failure) return Promise.resolve(toError(answer.error));
      return Promise.resolve({ ok: true, value: answer as OutputOf<N> });
    },
    on<E extends EventName>(name: E, listener: (payload: PayloadOf<E>) => void) {
      const set = listeners.get(name) ?? new Set();
      set.add(listener as (p: unknown) => void);
      listeners.set(name, set);
      return () => void set.delete(listener as (p: unknown) => void);
    },
  };

  return {
    api,
    calls,
    /** Answers for the next calls of a request, in order; 'pending' waits for takePending(). */
    script<N extends RequestName>(name: N, ...answers: Answer<N>[]) {
      scripts.set(name, answers as Answer<RequestName>[]);
    },
    /** The oldest request still waiting for its answer. */
    takePending<T>(): Pending<T> {
      const p = pending.shift();
      if (!p) throw new Error('no request is waiting');
      return p as Pending<T>;
    },
    emit<E extends EventName>(name: E, payload: PayloadOf<E>) {
      for (const l of [...(listeners.get(name) ?? [])]) l(payload);
    },
    listenerCount: (name: EventName) => listeners.get(name)?.size ?? 0,
    callsOf: (name: RequestName) => calls.filter((c) => c.name === name),
  };
}

/** Lets every settled promise's callbacks run. */
export const flush = () => new Promise<void>((r) => setTimeout(r, 0));
