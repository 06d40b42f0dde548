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
}
