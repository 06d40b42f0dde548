import type { Page } from '@playwright/test';

export class JobsPage {
  constructor(readonly page: Page) {}

  table() {
    return this.page.getByTestId('jobs-table');
  }

  rows() {
    return this.table().getByTestId('row');
  }

  detail() {
    return this.page.getByTestId('job-detail');
  }

  log() {
    return this.page.getByTestId('job-log');
  }

  /** the part of the log that scrolls */
  logViewport() {
    return this.log().locator('.mantine-ScrollArea-viewport');
  }

  /** what the selected job does now, in words */
  phase() {
    return this.detail().getByTestId('job-phase');
  }

  /** A filter chip (a state, or "last 24 hours"), as a checkbox to read */
  filter(name: string) {
    return this.page.getByRole('checkbox', { name, exact: true });
  }

  /** The chip people click (its checkbox input is hidden behind the label) */
  filterChip(name: string) {
    return this.page.locator('label').filter({ hasText: new RegExp(`^${name}$`) });
  }
}
