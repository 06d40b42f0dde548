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
