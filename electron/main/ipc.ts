import { ipcMain, type BrowserWindow, type IpcMainInvokeEvent } from 'electron';
import { AppError } from '../../shared/errors/codes';
import { err } from '../../shared/ipc/result';
import type { Core } from '../core/create-core';

/**
 * IPC for the contract: only the main frame of our own window may call, every input is
 * parsed by the dispatcher, and every event of the core is forwarded to the window.
 */
export function registerIpc(core: Core, getWindow: () => BrowserWindow | undefined, appUrl: string): () => void {
  const trusted = (e: IpcMainInvokeEvent) => {
    const win = getWindow();
    const frame = e.senderFrame;
    return win !== undefined && e.sender === win.webContents && frame !== null && frame === win.webContents.mainFrame && frame.url.split('#')[0] === appUrl.split('#')[0];
  };
  ipcMain.handle('backstack:invoke', (e, name: unknown, input: unknown) => {
    if (!trusted(e)) return err(new AppError('auth.forbidden', 'This frame may not call Backstack.').toPayload());
    return core.dispatch(name, input);
  });
  const off = core.bus.onAny((name, payload) => {
    const win = getWindow();
    if (win && !win.isDestroyed()) win.webContents.send('backstack:event', name, payload);
  });
  return () => {
    off();
    ipcMain.removeHandler('backstack:invoke');
  };
}
