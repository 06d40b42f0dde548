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

  /** From the Backups page: opens the restore dialog of the restore point of `name`, and returns it. */
  async openRestore(name: string) {
    await this.rows().filter({ hasText: name }).click();
    await this.action('Restore…').click();
    return this.restoreDialog(name);
  }

  /** The restore dialog of a restore point of `name`. */
  restoreDialog(name: string) {
    return this.page.getByRole('dialog', { name: `Restore ${name}` });
  }

  /** In the restore dialog: picks `option` in the select labelled `label`. */
  async restoreChoice(name: string, label: 'Target project' | 'Flavor' | 'Network' | 'Access key (key pair)', option: string) {
    await this.restoreDialog(name).getByRole('combobox', { name: label }).click();
    await this.page.getByRole('option', { name: option, exact: true }).click();
  }

  /** A disk of the selected restore point in its detail, with its export button and state. */
  disk(name: string) {
    return this.detail().getByTestId(`disk-${name}`);
  }

  /** The dialog that exports disk `disk` of a restore point of `name` as a block device. */
  exportDialog(disk: string, name: string) {
    return this.page.getByRole('dialog', { name: `Export ${disk} of ${name} as a block device` });
  }

  /** A toast (Mantine notification) with this title. */
  toast(title: string | RegExp) {
    return this.page.locator('.mantine-Notification-root').filter({ hasText: title });
  }
}
