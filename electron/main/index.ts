import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { app, dialog, session, type BrowserWindow, type Tray } from 'electron';
import { setChunkWorkerScript } from '../engine';
import { toAppError } from '../lib/errors';
import { outsideAsar, sqliteNativeBinding } from '../lib/native-modules';
import { setNbdReaderScript } from '../transfer/libvirt-ssh';
import { createCore, type Core } from '../core/create-core';
import { registerDrag } from './drag';
import { registerIpc } from './ipc';
import { showPostedNotifications } from './notifications';
import { electronKeyProtector } from './safe-storage';
import { createTray } from './tray';
import { trayStatusLines } from './tray-menu';
import { createMainWindow, CSP } from './window';

// One Backstack per user: a second launch focuses the first window.
if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  let core: Core | undefined;
  let win: BrowserWindow | undefined;
  let tray: Tray | undefined;
  const rendererUrl = process.env.ELECTRON_RENDERER_URL ?? pathToFileURL(path.join(__dirname, '../renderer/index.html')).toString();
  const appDir = app.getAppPath();
  const resourcesDir = path.join(outsideAsar(appDir), 'resources');

  const openWindow = () => {
    if (!win) {
      win = createMainWindow(rendererUrl, path.join(__dirname, '../preload/index.js'), resourcesDir);
      win.on('closed', () => (win = undefined));
      return;
    }
    if (win.isMinimized()) win.restore();
    win.show();
    win.focus();
  };
  app.on('second-instance', () => {
    if (win) openWindow();
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
    try {
      core = createCore({
        dataDir,
        keyProtector: electronKeyProtector(dataDir),
        runtime: 'electron',
        scheduler: true,
        version: app.getVersion(),
        versions: { electron: process.versions.electron ?? '', chrome: process.versions.chrome ?? '' },
        // better-sqlite3 built for Electron's ABI (scripts/native-electron.cjs), not node_modules' Node build
        sqliteBinding: sqliteNativeBinding(appDir),
      });
    } catch (e) {
      // A catalog that cannot open (its SQLite module built for another runtime, a newer schema) is
      // one sentence saying what to do, not a stack and a window that never appears.
      const message = toAppError(e).message;
      console.error(`Backstack cannot start: ${message}`);
      dialog.showErrorBox('Backstack cannot start', message);
      app.exit(1);
      return;
    }
    registerIpc(core, () => win, rendererUrl);
    registerDrag(core.services.dragOut, () => win, resourcesDir);
    showPostedNotifications(core, resourcesDir, openWindow);
    openWindow();
    const c = core;
    const t = createTray(resourcesDir, {
      open: openWindow,
      quit: () => app.quit(),
      status: () => trayStatusLines(c.services.scheduler.status(), c.services.jobs.list({ states: ['running'], limit: 20 }).items.map((j) => `${j.target}`), new Date()),
    });
    tray = t;
    // Rebuilt on what changes it (jobs, runs), at most once a second.
    let pending: NodeJS.Timeout | undefined;
    const refresh = () => (pending ??= setTimeout(() => ((pending = undefined), t.refresh()), 1000));
    c.bus.on('jobs.changed', refresh);
    c.bus.on('catalog.changed', ({ tables }) => tables.includes('policies') && refresh());
  });

  // Closing the window leaves Backstack in the tray (a setting), so schedules and jobs go on.
  app.on('window-all-closed', () => {
    if (!tray || !core?.services.app.settings().keepRunningInTray) app.quit();
  });
  let closing = false;
  app.on('will-quit', (e) => {
    if (!core || closing) return;
    // Let running jobs clean up (snapshots, temp files) before the process ends.
    e.preventDefault();
    closing = true;
    tray?.destroy();
    void core.close().finally(() => app.quit());
  });
}
