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
}
