import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { BackstackApi } from '../../shared/ipc/api';
import { isEventName, isRequestName } from '../../shared/ipc/contract';

/**
 * The renderer's only door to the core: invoke a contract request, or listen to a contract
 * event. Nothing else of Electron or Node is exposed (sandboxed, context-isolated).
 */
const api: BackstackApi = {
  invoke: (name, input) => {
    if (!isRequestName(name)) {
      return Promise.resolve({ ok: false, error: { code: 'validation.invalidInput', message: `Unknown request "${String(name)}".`, retryable: false } });
    }
    return ipcRenderer.invoke('backstack:invoke', name, input);
  },
  on: (name, listener) => {
    if (!isEventName(name)) throw new Error(`Unknown event "${String(name)}".`);
    const wrapped = (_e: IpcRendererEvent, eventName: string, payload: unknown) => {
      if (eventName === name) (listener as (p: unknown) => void)(payload);
    };
    ipcRenderer.on('backstack:event', wrapped);
    return () => ipcRenderer.off('backstack:event', wrapped);
  },
  startDrag: (token) => ipcRenderer.send('backstack:drag', String(token)),
};

contextBridge.exposeInMainWorld('api', api);
