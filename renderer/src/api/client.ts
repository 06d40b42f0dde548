import type { BackstackApi } from '../../../shared/ipc/api';
import type { EventName, InputOf, OutputOf, PayloadOf, RequestName } from '../../../shared/ipc/contract';
import { invokeOrThrow } from './errors';
import { consoleTransport } from './transport';

// The transport is chosen on first use, not at import: modules that import the client (stores,
// queries) can then be loaded by unit tests, which run without a window.
let chosen: BackstackApi | undefined;
const transport = (): BackstackApi => (chosen ??= window.api ?? consoleTransport());

/** The one place that chooses the transport; everything else is identical under Electron and in the console. */
export const api: BackstackApi = {
  invoke: (name, input) => transport().invoke(name, input),
  on: (name, listener) => transport().on(name, listener),
};

/** Invokes a request and unwraps the Result: resolves with the value or throws an AppError. */
export const call = <N extends RequestName>(name: N, input: InputOf<N>): Promise<OutputOf<N>> => invokeOrThrow(api, name, input);

export const subscribe = <E extends EventName>(name: E, fn: (p: PayloadOf<E>) => void): (() => void) => api.on(name, fn);
