import path from 'node:path';
import { BrowserWindow, shell, type WebContents } from 'electron';

export const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** http(s) links open in the user's browser; nothing else leaves the app. */
function openExternally(url: string): void {
  if (/^https?:\/\//i.test(url)) void shell.openExternal(url);
}

function harden(contents: WebContents, appUrl: string): void {
  contents.on('will-navigate', (e, url) => {
    if (url.split('#')[0] !== appUrl.split('#')[0]) {
      e.preventDefault();
      openExternally(url);
    }
  });
  contents.on('will-attach-webview', (e) => e.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    openExternally(url);
    return { action: 'deny' };
  });
}

/** The window's icon (Linux and Windows; macOS takes the app bundle's). */
export function windowIconFile(resourcesDir: string): string {
  return path.join(resourcesDir, 'icons', '256x256.png');
}

export function createMainWindow(rendererUrl: string, preloadFile: string, resourcesDir: string): BrowserWindow {
  const win = new BrowserWindow({
    width: 1360,
    height: 860,
    minWidth: 960,
    minHeight: 600,
    show: false,
    title: 'Backstack',
    icon: windowIconFile(resourcesDir),
    webPreferences: {
      preload: path.resolve(preloadFile),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      spellcheck: false,
    },
  });
  harden(win.webContents, rendererUrl);
  win.once('ready-to-show', () => win.show());
  void win.loadURL(rendererUrl);
  return win;
}
