import type { Locator, Page } from '@playwright/test';

/** The file browser of a restore point: volumes, folder tree, path bar, the list and the preview. */
export class FilesPage {
  constructor(readonly page: Page) {}

  volume(disk: string) {
    return this.page.getByTestId(`disk-${disk}`).getByTestId('volume');
  }

  tree() {
    return this.page.getByTestId('folder-tree');
  }

  treeFolder(name: string) {
    return this.tree()
      .getByTestId('tree-folder')
      .filter({ hasText: new RegExp(`^${name}$`) });
  }

  breadcrumbs() {
    return this.page.getByTestId('breadcrumbs');
  }

  pathField() {
    return this.page.getByRole('textbox', { name: 'Path' });
  }

  table() {
    return this.page.getByTestId('files-table');
  }

  rows() {
    return this.table().getByTestId('row');
  }

  /** The row of the entry named exactly `name`. */
  row(name: string) {
    return this.rows().filter({ has: this.page.getByRole('checkbox', { name: `Select ${name}`, exact: true }) });
  }

  select(name: string) {
    return this.table().getByRole('checkbox', { name: `Select ${name}`, exact: true });
  }

  button(
    name:
      | 'Download'
      | `Download ${number} items`
      | 'Download this folder'
      | 'Select all'
      | 'Clear selection'
      | 'Up to the parent folder'
      | 'Restore to folder…'
      | 'Restore this folder to…'
      | 'Restore into instance…',
  ) {
    return this.page.getByRole('button', { name, exact: true });
  }

  /** The dialog that restores `what` (a path, or "N entries") into a local folder. */
  restoreDialog(what: string) {
    return this.page.getByRole('dialog', { name: `Restore ${what} to a folder` });
  }

  /** The dialog that writes `what` (a path, or "N entries") into a running instance. */
  intoInstanceDialog(what: string) {
    return this.page.getByRole('dialog', { name: `Restore ${what} into an instance` });
  }

  preview() {
    return this.page.getByTestId('file-preview');
  }

  /** Goes to a path typed into the path bar (Enter). */
  async goTo(path: string) {
    await this.pathField().fill(path);
    await this.pathField().press('Enter');
  }

  /** Searches the restore points for `pattern` (in the search of the page, or of a drawer). */
  async searchFor(pattern: string, within: Locator = this.page.locator('body')) {
    const box = within.getByRole('textbox', { name: 'Search files' });
    await box.fill(pattern);
    await box.press('Enter');
  }

  searchSummary() {
    return this.page.getByTestId('search-summary');
  }

  searchHits() {
    return this.page.getByTestId('search-hit');
  }

  /** Clicks `button` and waits for the download it starts; returns its file name and bytes. */
  async download(button: ReturnType<FilesPage['button']>) {
    const [d] = await Promise.all([this.page.waitForEvent('download'), button.click()]);
    const file = await d.path();
    const fs = await import('node:fs');
    return { name: d.suggestedFilename(), file, bytes: fs.readFileSync(file) };
  }
}
