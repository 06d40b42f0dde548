import type { Page } from '@playwright/test';

export class InventoryPage {
  constructor(readonly page: Page) {}

  treeNode(kind: 'provider' | 'domain' | 'project', name: string) {
    return this.page.getByTestId(`tree-${kind}-${name}`);
  }

  table() {
    return this.page.getByTestId('instances-table');
  }

  row(name: string) {
    return this.table().getByTestId('row').filter({ hasText: name });
  }

  count() {
    return this.page.getByTestId('instance-count');
  }

  search() {
    return this.page.getByLabel('Search instances');
  }

  detail() {
    return this.page.getByRole('dialog');
  }
}
