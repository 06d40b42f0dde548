import path from 'node:path';
import { Menu, Tray } from 'electron';
import type { TrayLine } from './tray-menu';

/**
 * The tray icon file for a platform: a template image macOS tints for light and dark menu bars,
 * the coloured small mark elsewhere. Electron picks the @2x file beside it on HiDPI screens.
 */
export function trayIconFile(resourcesDir: string, platform: NodeJS.Platform = process.platform): string {
  return path.join(resourcesDir, 'tray', platform === 'darwin' ? 'trayTemplate.png' : 'tray.png');
}

export interface TrayActions {
  open(): void;
  quit(): void;
  /** the next run and running jobs, shown above the actions */
  status(): TrayLine[];
}

/** Open, quit, and what runs: the menu is rebuilt when jobs or schedules change. */
export function createTray(resourcesDir: string, actions: TrayActions): Tray & { refresh(): void } {
  const tray = new Tray(trayIconFile(resourcesDir)) as Tray & { refresh(): void };
  tray.setToolTip('Backstack');
  tray.refresh = () =>
    tray.setContextMenu(
      Menu.buildFromTemplate([
        ...actions.status(),
        { type: 'separator' },
        { label: 'Open Backstack', click: () => actions.open() },
        { type: 'separator' },
        { label: 'Quit', click: () => actions.quit() },
      ]),
    );
  tray.refresh();
  // A left click on Windows opens the window, as Windows users expect; macOS and Linux show the menu.
  if (process.platform === 'win32') tray.on('click', () => actions.open());
  return tray;
}
