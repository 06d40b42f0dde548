import type { Page } from '@playwright/test';

/** Settings → Notifications: the mail server form, its test, and where desktop notifications appear. */
export class NotificationsPage {
  constructor(readonly page: Page) {}

  /** Signs in and opens Settings → Notifications. */
  async open(loginUrl: string) {
    await this.page.goto(loginUrl);
    await this.page.getByTestId('nav-settings').click();
    await this.page.getByRole('tab', { name: 'Notifications' }).click();
  }

  field(label: 'Host' | 'Port' | 'User' | 'Password' | 'From' | 'Send a test to') {
    return this.page.getByRole('textbox', { name: label, exact: true }).or(this.page.getByLabel(label, { exact: true }));
  }

  security(label: 'STARTTLS' | 'TLS' | 'None (this computer only)') {
    return this.page.getByText(label, { exact: true });
  }

  save() {
    return this.page.getByRole('button', { name: 'Save mail server' });
  }

  sendTest() {
    return this.page.getByRole('button', { name: 'Send test' });
  }

  trustCertificate() {
    return this.page.getByRole('button', { name: /^Trust this certificate/ });
  }

  alert(title: 'Test message sent' | 'The test message was not sent' | 'Not saved') {
    return this.page.getByRole('alert').filter({ hasText: title });
  }

  browserState() {
    return this.page.getByTestId('browser-notifications');
  }

  allowBrowser() {
    return this.page.getByRole('button', { name: 'Allow notifications in this browser' });
  }
}
