import type { Page } from '@playwright/test';

/** The add-a-cloud wizard. */
export class WizardPage {
  constructor(readonly page: Page) {}

  dialog() {
    return this.page.getByRole('dialog', { name: 'Add a cloud' });
  }

  async importFile(file: string) {
    await this.dialog().locator('input[type=file]').setInputFiles(file);
  }

  field(label: string | RegExp) {
    return this.dialog().getByLabel(label);
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
