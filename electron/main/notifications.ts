import path from 'node:path';
import { Notification } from 'electron';
import type { Core } from '../core/create-core';

/**
 * What policies' notification rules post (`notifications.posted`) as the system's notifications:
 * shown by the main process, so they appear with the window closed and Backstack in the tray.
 * A click opens the window. (The renderer leaves these to the main process in the desktop app.)
 */
export function showPostedNotifications(core: Core, resourcesDir: string, open: () => void): () => void {
  const icon = path.join(resourcesDir, 'icons', '256x256.png');
  // Held until closed: a notification collected by the garbage collector loses its click handler.
  const live = new Set<Notification>();
  return core.bus.on('notifications.posted', (n) => {
    if (!Notification.isSupported()) return;
    const shown = new Notification({ title: n.title, body: n.body, icon, urgency: n.level === 'error' ? 'critical' : 'normal' });
    live.add(shown);
    shown.on('click', () => (live.delete(shown), open()));
    shown.on('close', () => live.delete(shown));
    shown.show();
  });
}
