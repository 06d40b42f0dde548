import type { Page } from '@playwright/test';

/** The add-a-cloud wizard, or the same wizard editing a saved cloud (title `Edit cloud "NAME"`). */
export class WizardPage {
  constructor(
    readonly page: Page,
    readonly title = 'Add a cloud',
  ) {}

  dialog() {
    return this.page.getByRole('dialog', { name: this.title });
  }

  async importFile(file: string) {
    await this.dialog().locator('input[type=file]').setInputFiles(file);
  }

  /** A text field or select by its label (not the password/application-credential switch, nor a show-password button). */
  field(label: string | RegExp) {
    return this.dialog().getByLabel(label).and(this.page.locator('input:not([type=radio]), textarea'));
  }

  next() {
    return this.dialog().getByRole('button', { name: 'Next' });
  }

  save() {
    return this.dialog().getByRole('button', { name: 'Save and sync' });
  }

  connectionTest() {
    return this.dialog().getByTestId('connection-test');
  }

  servicesTable() {
    return this.dialog().getByTestId('services-table');
  }
}
