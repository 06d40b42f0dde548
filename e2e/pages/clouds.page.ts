import type { Page } from '@playwright/test';

/** The Clouds screen: the clouds table with each row's actions, and each cloud's hypervisors with their SSH settings and its proxy VMs. */
export class CloudsPage {
  constructor(readonly page: Page) {}

  table() {
    return this.page.getByTestId('providers-table');
  }

  row(name: string) {
    return this.table().getByTestId('row').filter({ hasText: name });
  }

  /** Opens the "…" menu of a cloud's row and picks an action. */
  async action(cloud: string, label: 'Edit…' | 'Sync inventory now' | 'Test connection' | 'Remove…') {
    await this.page.getByRole('button', { name: `Actions for ${cloud}` }).click();
    await this.page.getByRole('menuitem', { name: label }).click();
  }

  /** The question a danger action asks. */
  confirmation() {
    return this.page
      .getByRole('dialog')
      .filter({ has: this.page.getByRole('button', { name: 'Cancel' }) })
      .last();
  }

  hypervisor(cloud: string, host: string) {
    return this.page.getByTestId(`hypervisors-${cloud}`).getByTestId('row').filter({ hasText: host });
  }

  sshModal(host: string) {
    return this.page.getByRole('dialog', { name: `SSH to ${host}` });
  }

  /** A cloud's proxy VMs: the list, its "Add proxy VM…" button, and the test results under it. */
  proxies(cloud: string) {
    return this.page.getByTestId(`proxy-vms-${cloud}`);
  }

  proxy(cloud: string, server: string) {
    return this.page.getByTestId(`proxies-${cloud}`).getByTestId('row').filter({ hasText: server });
  }

  addProxyModal(cloud: string) {
    return this.page.getByRole('dialog', { name: `Add a proxy VM to ${cloud}` });
  }

  toast(title: string | RegExp) {
    return this.page.locator('.mantine-Notification-root').filter({ hasText: title });
  }
}
