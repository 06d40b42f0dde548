import type { Page } from '@playwright/test';

/** The Backups screen: restore points, their detail and actions. */
export class BackupsPage {
  constructor(readonly page: Page) {}

  table() {
    return this.page.getByTestId('backups-table');
  }

  rows() {
    return this.table().getByTestId('row');
  }

  detail() {
    return this.page.getByTestId('backup-detail');
  }

  protectedBadge() {
    return this.detail().getByTestId('protected-badge');
  }

  action(name: 'Protect from pruning' | 'Remove protection' | 'Verify' | 'Restore…') {
    return this.detail().getByRole('button', { name });
  }

  /** A toast (Mantine notification) with this title. */
  toast(title: string | RegExp) {
    return this.page.locator('.mantine-Notification-root').filter({ hasText: title });
  }
}
