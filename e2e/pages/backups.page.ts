import type { Locator, Page } from '@playwright/test';

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

  action(name: 'Protect from pruning' | 'Remove protection' | 'Verify' | 'Restore…' | 'Verify by booting…' | 'Restore over original disks…') {
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
  async restoreChoice(name: string, label: 'Target project' | 'Flavor' | 'Network' | 'Access key (key pair)' | 'Availability zone' | `Volume type of ${string}`, option: string) {
    await this.choose(this.restoreDialog(name), label, option);
  }

  /** In a dialog: picks `option` in the select labelled `label`. */
  async choose(dialog: Locator, label: string, option: string) {
    await dialog.getByRole('combobox', { name: label }).click();
    await this.page.getByRole('option', { name: option, exact: true }).click();
  }

  /** From the Backups page: opens "Restore as volume…" of one disk of the restore point of `name`, and returns its dialog. */
  async openRestoreVolume(name: string, disk: string) {
    await this.rows().filter({ hasText: name }).click();
    await this.detail().getByTestId(`disk-${disk}`).getByRole('button', { name: 'Restore as volume…' }).click();
    return this.page.getByRole('dialog', { name: `Restore disk ${disk} of ${name} as a volume` });
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
