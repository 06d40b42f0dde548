import path from 'node:path';
import { Menu, Tray } from 'electron';

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
}

/** Only what works today: open the window and quit (closing the window still quits the app). */
export function createTray(resourcesDir: string, actions: TrayActions): Tray {
  const tray = new Tray(trayIconFile(resourcesDir));
  tray.setToolTip('Backstack');
  tray.setContextMenu(
    Menu.buildFromTemplate([
      { label: 'Open Backstack', click: () => actions.open() },
      { type: 'separator' },
      { label: 'Quit', click: () => actions.quit() },
    ]),
  );
  // A left click on Windows opens the window, as Windows users expect; macOS and Linux show the menu.
  if (process.platform === 'win32') tray.on('click', () => actions.open());
  return tray;
}
