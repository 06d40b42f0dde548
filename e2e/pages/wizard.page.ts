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

  password() {
    return this.dialog().getByRole('textbox', { name: 'Password' });
  }

  next() {
    return this.dialog().getByRole('button', { name: 'Next' });
  }

  back() {
    return this.dialog().getByRole('button', { name: 'Back' });
  }

  testAgain() {
    return this.dialog().getByRole('button', { name: 'Test again' });
  }

  /** the endpoint interface's choice, opened */
  async chooseInterface(name: 'public' | 'internal' | 'admin') {
    await this.field('Endpoint interface').click();
    await this.page.getByRole('option', { name }).click();
  }

  /** the alert that says why saving failed */
  notSaved() {
    return this.dialog().getByRole('alert').filter({ hasText: 'Not saved' });
  }

  loginsTable() {
    return this.dialog().getByTestId('logins-table');
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
