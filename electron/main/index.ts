import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { app, session, type BrowserWindow } from 'electron';
import { setChunkWorkerScript } from '../engine';
import { setNbdReaderScript } from '../transfer/libvirt-ssh';
import { createCore, type Core } from '../core/create-core';
import { registerIpc } from './ipc';
import { electronKeyProtector } from './safe-storage';
import { createMainWindow, CSP } from './window';

// One Backstack per user: a second launch focuses the first window.
if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  let core: Core | undefined;
  let win: BrowserWindow | undefined;
  const rendererUrl = process.env.ELECTRON_RENDERER_URL ?? pathToFileURL(path.join(__dirname, '../renderer/index.html')).toString();

  app.on('second-instance', () => {
    if (win?.isMinimized()) win.restore();
    win?.focus();
  });

  // Bundled, the engine's workers and the disk reader thread run entries built next to this file.
  setChunkWorkerScript(path.join(__dirname, 'chunk-worker.js'));
  setNbdReaderScript(path.join(__dirname, 'nbd-reader-worker.js'));
  app.enableSandbox();
  app.whenReady().then(() => {
    session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
      callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CSP] } });
    });
    session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
    const dataDir = app.getPath('userData');
    core = createCore({
      dataDir,
      keyProtector: electronKeyProtector(dataDir),
      runtime: 'electron',
      version: app.getVersion(),
      versions: { electron: process.versions.electron ?? '', chrome: process.versions.chrome ?? '' },
    });
    registerIpc(core, () => win, rendererUrl);
    win = createMainWindow(rendererUrl, path.join(__dirname, '../preload/index.js'));
    win.on('closed', () => (win = undefined));
  });

  app.on('window-all-closed', () => app.quit());
  let closing = false;
  app.on('will-quit', (e) => {
    if (!core || closing) return;
    // Let running jobs clean up (snapshots, temp files) before the process ends.
    e.preventDefault();
    closing = true;
    void core.close().finally(() => app.quit());
  });
}
