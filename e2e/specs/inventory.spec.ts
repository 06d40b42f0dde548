import path from 'node:path';
import { cloudTest as test, expect, screenshotDir } from '../fixtures/console';
import { InventoryPage, tabTo } from '../pages/inventory.page';
import { ShellPage } from '../pages/shell.page';

// A console over the synced MockAgent cloud (e2e/mock-console/serve.ts): 6 instances in 2
// domains; demo-web-1 has a restore point, the others none.

test('keyboard only: the tree scopes the table, a row opens its detail, and Escape gives the focus back to each opener', async ({
  page,
  backstack,
}) => {
  const inventory = new InventoryPage(page);
  await inventory.open(backstack);
  await expect(inventory.count()).toHaveText('6 instances');

  // The tree is one tab stop: "All clouds" first.
  await tabTo(page, inventory.treeItem('All clouds'));
  await page.keyboard.press('ArrowDown');
  await expect(inventory.treeItem('mock')).toBeFocused();
  await page.keyboard.press('ArrowRight'); // opens the cloud; its domains load
  await expect(inventory.treeItem('mock')).toHaveAttribute('aria-expanded', 'true');
  await expect(inventory.treeItem('Default')).toBeVisible();
  await page.keyboard.press('ArrowRight'); // to its first domain
  await expect(inventory.treeItem('Default')).toBeFocused();
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowRight');
  await expect(inventory.treeItem('acme')).toHaveAttribute('aria-expanded', 'true');
  await expect(inventory.treeItem('acme-dev')).toBeVisible();
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowDown');
  await expect(inventory.treeItem('acme-prod')).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(inventory.treeItem('acme-prod')).toHaveAttribute('aria-selected', 'true');
  await expect(inventory.count()).toHaveText('3 instances in project acme-prod');

  // One Tab leaves the tree for the table, whose rows are one tab stop too.
  await page.keyboard.press('Tab');
  await expect(inventory.row('acme-app-1')).toBeFocused();
  await expect(inventory.table().locator('[tabindex="0"]')).toHaveCount(1);
  await page.keyboard.press('Tab');
  expect(await inventory.table().evaluate((t) => t.contains(document.activeElement))).toBe(false);
  await page.keyboard.press('Shift+Tab');
  await expect(inventory.row('acme-app-1')).toBeFocused();
  await page.keyboard.press('ArrowDown');
  const row = inventory.row('acme-erp-database-primary-01');
  await expect(row).toBeFocused();
  await page.screenshot({ path: path.join(screenshotDir, 'inventory-focused-row.png') });
  await page.keyboard.press('Enter');
  const detail = page.getByRole('dialog', { name: 'acme-erp-database-primary-01' });
  await expect(detail).toBeVisible();
  // The drawer holds the focus: Tab cycles inside it.
  for (let i = 0; i < 8; i++) {
    await page.keyboard.press('Tab');
    expect(await detail.evaluate((d) => d.contains(document.activeElement))).toBe(true);
  }

  // A modal opened from a menu in the drawer: Escape closes it alone and gives the focus back.
  await tabTo(page, detail.getByRole('tab', { name: 'Overview' }));
  await page.keyboard.press('End'); // the last tab, Snapshots
  await expect(detail.getByRole('tab', { name: 'Snapshots' })).toHaveAttribute('aria-selected', 'true');
  await page.keyboard.press('ArrowLeft');
  await expect(detail.getByRole('tab', { name: 'Backups' })).toHaveAttribute('aria-selected', 'true');
  const kind = detail.getByRole('button', { name: 'Backup kind' });
  await tabTo(page, kind);
  await page.keyboard.press('Enter');
  await page.getByRole('menuitem', { name: 'Release kept snapshot…' }).press('Enter');
  const confirm = page.getByRole('dialog', { name: 'Release the snapshot kept for acme-erp-database-primary-01?' });
  await expect(confirm).toBeVisible();
  expect(await confirm.evaluate((d) => d.contains(document.activeElement))).toBe(true);
  await page.keyboard.press('Escape');
  await expect(confirm).toBeHidden();
  await expect(detail).toBeVisible();
  await expect(kind).toBeFocused();

  // Escape closes the drawer: the focus is back on the row that opened it.
  await page.keyboard.press('Escape');
  await expect(detail).toBeHidden();
  await expect(row).toBeFocused();
  // A button that turns disabled while it works drops the focus to the page ("Back up now" does):
  // Escape still closes the drawer.
  await page.keyboard.press('Enter');
  await expect(detail).toBeVisible();
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  await page.keyboard.press('Escape');
  await expect(detail).toBeHidden();
  await row.focus();
  // Up past the first row reaches the headers; Enter there sorts.
  await page.keyboard.press('Home');
  await expect(inventory.row('acme-app-1')).toBeFocused();
  await page.keyboard.press('ArrowUp');
  await expect(inventory.header('Name').getByRole('button')).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(inventory.header('Name')).toHaveAttribute('aria-sort', 'descending');
  // Down goes back to the row last used, wherever the sort put it.
  await page.keyboard.press('ArrowDown');
  await expect(inventory.row('acme-app-1')).toBeFocused();
  await expect(inventory.row('acme-app-1')).toHaveAttribute('aria-rowindex', '4');
});

test('the tree has the WAI-ARIA tree roles and states, and its keys move, open, close and select', async ({ page, backstack }) => {
  const inventory = new InventoryPage(page);
  await inventory.open(backstack);
  await inventory.treeNode('provider', 'mock').click();
  await inventory.treeNode('domain', 'acme').click();
  await inventory.treeNode('project', 'acme-dev').click();
  await expect(inventory.count()).toHaveText('1 instance in project acme-dev');
  await expect(inventory.tree()).toMatchAriaSnapshot(`
    - tree "Inventory tree":
      - treeitem "All clouds" [level=1]
      - treeitem "mock" [expanded] [level=1]:
        - group:
          - treeitem "Default" [expanded=false] [level=2]: Default 2 projects
          - treeitem "acme" [expanded] [level=2]:
            - text: acme 2 projects
            - group:
              - treeitem "acme-dev" [level=3] [selected]: acme-dev 1 instance
              - treeitem "acme-prod" [level=3]: acme-prod 3 instances
  `);
  // Exactly one item is in the tab order: the one last used.
  await expect(inventory.tree().locator('[tabindex="0"]')).toHaveCount(1);
  await expect(inventory.treeItem('acme-dev')).toHaveAttribute('tabindex', '0');

  await inventory.treeItem('acme-dev').focus();
  await page.keyboard.press('ArrowLeft'); // a leaf: to its parent
  await expect(inventory.treeItem('acme')).toBeFocused();
  await page.keyboard.press('ArrowLeft'); // open: closes
  await expect(inventory.treeItem('acme')).toHaveAttribute('aria-expanded', 'false');
  await expect(inventory.treeItem('acme-dev')).toHaveCount(0);
  await page.keyboard.press('End');
  await expect(inventory.treeItem('acme')).toBeFocused();
  await page.keyboard.press('Home');
  await expect(inventory.treeItem('All clouds')).toBeFocused();
  await page.keyboard.press(' ');
  await expect(inventory.treeItem('All clouds')).toHaveAttribute('aria-selected', 'true');
  await expect(inventory.count()).toHaveText('6 instances');
  await expect(inventory.tree().locator('[tabindex="0"]')).toHaveCount(1);
});

test('the table shows what an admin scans, with the age of the last backup', async ({ page, backstack }) => {
  const inventory = new InventoryPage(page);
  await inventory.open(backstack);
  await expect(inventory.headers()).toHaveText(['Name', 'Project', 'Status', 'Host', 'AZ', 'IP addresses', 'Flavor', 'Last backup', 'Policy', 'Tags', '']);
  await expect(inventory.row('demo-web-1').getByRole('gridcell')).toHaveText([
    'demo-web-1',
    'demo',
    'ACTIVE',
    'compute-1',
    'nova',
    '10.0.0.3',
    'm1.tiny',
    'just now',
    'none',
    'web, backup-daily',
  ]);
  await expect(inventory.row('acme-app-1').getByRole('gridcell').nth(7)).toHaveText('never');
  // The longest name is shown whole, the other columns give way first.
  const name = inventory.row('acme-erp-database-primary-01').getByRole('gridcell').first();
  expect(await name.evaluate((c) => c.scrollWidth <= c.clientWidth)).toBe(true);
  // Sorting by the last backup puts the instances never backed up first.
  await inventory.header('Last backup').click();
  await expect(inventory.table().getByTestId('row').last()).toContainText('demo-web-1');
  await page.screenshot({ path: path.join(screenshotDir, 'inventory-columns.png') });
  await page.setViewportSize({ width: 1920, height: 900 });
  await page.screenshot({ path: path.join(screenshotDir, 'inventory-columns-1920.png') });
});

test('hidden columns and dragged widths are remembered across a reload', async ({ page, backstack }) => {
  const inventory = new InventoryPage(page);
  await inventory.open(backstack);
  await expect(inventory.row('demo-web-1')).toBeVisible();

  const columns = inventory.columnsButton();
  await columns.click();
  await expect(inventory.columnMenu().getByRole('checkbox', { name: 'Name' })).toBeDisabled();
  await inventory.columnMenu().getByRole('checkbox', { name: 'Flavor' }).uncheck();
  await inventory.columnMenu().getByRole('checkbox', { name: 'Cloud' }).check();
  await page.screenshot({ path: path.join(screenshotDir, 'inventory-column-menu.png') });
  await page.keyboard.press('Escape');
  await expect(inventory.columnMenu()).toBeHidden();
  await expect(columns).toBeFocused();
  await expect(inventory.header('Flavor')).toHaveCount(0);
  await expect(inventory.header('Cloud')).toBeVisible();

  // Drag the right edge of Host 60 px to the right.
  const host = inventory.header('Host');
  const before = (await host.boundingBox())!.width;
  const handle = (await inventory.resizeHandle('host').boundingBox())!;
  await page.mouse.move(handle.x + handle.width / 2, handle.y + handle.height / 2);
  await page.mouse.down();
  await page.mouse.move(handle.x + handle.width / 2 + 30, handle.y + handle.height / 2);
  await page.mouse.move(handle.x + handle.width / 2 + 60, handle.y + handle.height / 2);
  await page.mouse.up();
  const after = (await host.boundingBox())!.width;
  expect(after).toBeCloseTo(before + 60, 0);
  // Sorting was not touched by the drag.
  await expect(host).toHaveAttribute('aria-sort', 'none');

  await page.reload();
  await expect(inventory.row('demo-web-1')).toBeVisible();
  await expect(inventory.header('Flavor')).toHaveCount(0);
  await expect(inventory.header('Cloud')).toBeVisible();
  expect((await inventory.header('Host').boundingBox())!.width).toBeCloseTo(after, 0);

  // Keyboard resizing from a header, then everything back as declared.
  await inventory.header('Host').getByRole('button').focus();
  await page.keyboard.press('Shift+ArrowLeft');
  expect((await inventory.header('Host').boundingBox())!.width).toBeCloseTo(after - 16, 0);
  await columns.click();
  await inventory.columnMenu().getByRole('button', { name: 'Reset widths and columns' }).click();
  await expect(inventory.header('Flavor')).toBeVisible();
  await expect(inventory.header('Cloud')).toHaveCount(0);
  await page.reload();
  await expect(inventory.header('Flavor')).toBeVisible();
  expect((await inventory.header('Host').boundingBox())!.width).toBeCloseTo(before, 0);
});

test('with a synced cloud every page still has one h1, names the window and counts in words', async ({ page, backstack }) => {
  const shell = new ShellPage(page);
  await page.goto(backstack.loginUrl);
  for (const section of ShellPage.sections) {
    await shell.nav(section).click();
    await expect(shell.heading(section)).toBeVisible();
    await expect(shell.headings()).toHaveCount(1);
    await expect(page).toHaveTitle(`${section} — Backstack`);
    await page.screenshot({ path: path.join(screenshotDir, `with-cloud-${section.toLowerCase()}.png`) });
  }
  // Counts in the singular for one (the tree's are in the snapshot above).
  await shell.nav('Dashboard').click();
  await expect(page.getByTestId('storage-row')).toContainText('1 restore point of');
  await shell.nav('Settings').click();
  await shell.settingsTab('About').click();
  await expect(page).toHaveURL(/#\/settings\/about$/);
  await expect(shell.headings()).toHaveCount(1);
  await expect(page).toHaveTitle('Settings — Backstack');
  // A modal gives the focus back to its opener when Escape closes it.
  await shell.nav('Clouds').click();
  const add = page.getByRole('button', { name: 'Add a cloud' });
  await add.focus();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('dialog', { name: 'Add a cloud' })).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(page.getByRole('dialog', { name: 'Add a cloud' })).toBeHidden();
  await expect(add).toBeFocused();
  // A drawer over a page is titled by an h2: the page keeps its one h1.
  const inventory = new InventoryPage(page);
  await shell.nav('Inventory').click();
  await inventory.row('demo-web-1').click();
  await expect(inventory.detail()).toBeVisible();
  await expect(shell.headings()).toHaveCount(1);
  await expect(inventory.detail().getByRole('heading', { level: 2, name: 'demo-web-1' })).toBeVisible();
});
