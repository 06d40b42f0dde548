import type { Result } from './result';
import type { EventName, InputOf, OutputOf, PayloadOf, RequestName } from './contract';

/** What every transport gives its user: the preload's window.api, the console client, the in-process core. */
export interface BackstackApi {
  invoke<N extends RequestName>(name: N, input: InputOf<N>): Promise<Result<OutputOf<N>>>;
  /** Returns an unsubscribe function. */
  on<E extends EventName>(name: E, listener: (payload: PayloadOf<E>) => void): () => void;
  /** the desktop app only: drags the files a files.prepareDrag token names out of the window */
  startDrag?(token: string): void;
}
