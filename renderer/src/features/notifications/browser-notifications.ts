import type { PostedNotification } from '../../../../shared/domain/notifications';

export type BrowserPermission = NotificationPermission | 'unsupported';

/**
 * The browser's Notification API, as console mode uses it for what policies' rules post. The
 * desktop app does not: its main process shows them with the system's notifications.
 */
export const browserNotifications = {
  permission(): BrowserPermission {
    return typeof Notification === 'undefined' ? 'unsupported' : Notification.permission;
  },
  /** Asks once, from a click (browsers ignore requests no person made). */
  async request(): Promise<BrowserPermission> {
    if (typeof Notification === 'undefined') return 'unsupported';
    return Notification.requestPermission();
  },
  /** Shows it when allowed; false when it is the page's to show instead. */
  show(n: Pick<PostedNotification, 'title' | 'body'>): boolean {
    if (this.permission() !== 'granted') return false;
    new Notification(n.title, { body: n.body });
    return true;
  },
};

/** In the desktop app (the preload's window.api) the main process shows notifications. */
export const inDesktopApp = (): boolean => typeof window !== 'undefined' && window.api !== undefined;
