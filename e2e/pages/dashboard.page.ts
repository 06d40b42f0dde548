import type { Page } from '@playwright/test';

/** The Dashboard: figures that each open the list behind them. */
export class DashboardPage {
  constructor(readonly page: Page) {}

  figure(name: 'protected' | 'failing' | 'unprotected' | 'no-policy') {
    return this.page.getByTestId(`figure-${name}`);
  }

  /** A policy's row in "Protection per policy". */
  policy(name: string) {
    return this.page.getByTestId(`policy-row-${name}`);
  }

  /** The members furthest behind their RPO, the worst first. */
  rpoRows() {
    return this.page.getByTestId('rpo-row');
  }

  nextRuns() {
    return this.page.getByTestId('next-runs-card');
  }

  storageRows() {
    return this.page.getByTestId('storage-row');
  }

  jobs() {
    return this.page.getByTestId('jobs-card');
  }

  /** A count of jobs by outcome, as a link to them in Jobs. */
  jobsLink(name: RegExp) {
    return this.jobs().getByRole('link', { name });
  }
}
