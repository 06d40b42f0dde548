import type { Locator, Page } from '@playwright/test';

export class InventoryPage {
  constructor(readonly page: Page) {}

  /** Signs in with the console's token and opens the inventory. */
  async open(console: { loginUrl: string; url: string }) {
    await this.page.goto(console.loginUrl);
    await this.page.goto(`${console.url}/#/inventory`);
  }

  /** The clickable row of a tree node (the lab journeys click these). */
  treeNode(kind: 'provider' | 'domain' | 'project', name: string) {
    return this.page.getByTestId(`tree-${kind}-${name}`);
  }

  tree() {
    return this.page.getByRole('tree', { name: 'Inventory tree' });
  }

  /** A node as assistive technology sees it: the element that takes the focus. */
  treeItem(name: string) {
    return this.tree().getByRole('treeitem', { name, exact: true });
  }

  table() {
    return this.page.getByTestId('instances-table');
  }

  row(name: string) {
    return this.table().getByTestId('row').filter({ hasText: name });
  }

  /** The column headers shown, in order. */
  headers() {
    return this.table().getByRole('columnheader');
  }

  header(name: string) {
    return this.table().getByRole('columnheader', { name, exact: true });
  }

  resizeHandle(columnId: string) {
    return this.table().getByTestId(`resize-${columnId}`);
  }

  columnsButton() {
    return this.table().getByRole('button', { name: 'Columns' });
  }

  columnMenu() {
    return this.page.getByTestId('column-menu');
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

  /** The switch between the instances and the volumes of the tree's selected node (its radio is hidden behind the label). */
  show(view: 'Instances' | 'Volumes') {
    return this.page.locator('label').filter({ hasText: new RegExp(`^${view}$`) });
  }

  volumes() {
    return this.page.getByTestId('volumes-table');
  }

  volume(name: string) {
    return this.volumes().getByTestId('row').filter({ hasText: name });
  }

  volumeCount() {
    return this.page.getByTestId('volume-count');
  }

  volumeDetail(name: string) {
    return this.page.getByRole('dialog', { name });
  }

  toast(title: string | RegExp) {
    return this.page.locator('.mantine-Notification-root').filter({ hasText: title });
  }
}

/** Whether the element has the keyboard focus now. */
export const hasFocus = (l: Locator) => l.evaluate((el) => el === document.activeElement);

/** Presses Tab until `target` has the focus (it must be reachable in `max` presses): what a keyboard user does. */
export async function tabTo(page: Page, target: Locator, max = 30): Promise<number> {
  for (let presses = 1; presses <= max; presses++) {
    await page.keyboard.press('Tab');
    if (await hasFocus(target)) return presses;
  }
  throw new Error(`Not reached with ${max} presses of Tab`);
}
