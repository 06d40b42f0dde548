import type { BackstackApi } from '../../../shared/ipc/api';
import type { EventName, InputOf, OutputOf, PayloadOf, RequestName } from '../../../shared/ipc/contract';
import { AppError } from '../../../shared/errors/codes';
import { consoleTransport } from './transport';

/** The one place that chooses the transport; everything else is identical under Electron and in the console. */
export const api: BackstackApi = window.api ?? consoleTransport();

/** Invokes a request and unwraps the Result: resolves with the value or throws an AppError. */
export async function call<N extends RequestName>(name: N, input: InputOf<N>): Promise<OutputOf<N>> {
  const r = await api.invoke(name, input);
  if (r.ok) return r.value;
  throw AppError.fromPayload(r.error);
}

export const subscribe = <E extends EventName>(name: E, fn: (p: PayloadOf<E>) => void): (() => void) => api.on(name, fn);
