import { EventEmitter } from 'node:events';
import type { EventName, PayloadOf } from '../../shared/ipc/contract';

type AnyListener = (name: EventName, payload: unknown) => void;

/** The core's typed event bus: every transport subscribes here and forwards contract events. */
export class EventBus {
  private readonly ee = new EventEmitter();
  private readonly anyListeners = new Set<AnyListener>();

  constructor() {
    // Every open console tab and the Electron window subscribe; the default cap of 10 is too low.
    this.ee.setMaxListeners(0);
  }

  emit<E extends EventName>(name: E, payload: PayloadOf<E>): void {
    this.ee.emit(name, payload);
    for (const l of this.anyListeners) l(name, payload);
  }

  on<E extends EventName>(name: E, listener: (payload: PayloadOf<E>) => void): () => void {
    this.ee.on(name, listener);
    return () => this.ee.off(name, listener);
  }

  /** For transports that forward every event (console WebSocket, Electron webContents). */
  onAny(listener: AnyListener): () => void {
    this.anyListeners.add(listener);
    return () => this.anyListeners.delete(listener);
  }
}
