import path from 'node:path';
import { expect, screenshotDir, test } from '../fixtures/console';
import { DashboardPage } from '../pages/dashboard.page';
import { InventoryPage } from '../pages/inventory.page';
import { JobsPage } from '../pages/jobs.page';
import { ShellPage } from '../pages/shell.page';

// The mock cloud with a policy "nightly" (daily, RPO 48 h): demo-web-1 backed up 3 h ago, demo-bfv-1
// 80 h ago; a paused "archive" with no member; acme-app-1 in no policy, its backup failed 2 h ago
// (e2e/mock-console/dashboard-seed.ts).
test.use({ seed: 'dashboard' });

const shot = (name: string) => path.join(screenshotDir, `${name}.png`);

test('the dashboard shows protection per policy, RPO, next runs, storage and jobs; its figures open the lists behind them', async ({
  page,
  backstack,
}) => {
  const shell = new ShellPage(page);
  const dashboard = new DashboardPage(page);
  await page.goto(backstack.loginUrl);
  await expect(shell.heading('Dashboard')).toBeVisible();

  await expect(dashboard.figure('protected')).toContainText(/Protected\s*1\s*of 2 instances in policies/);
  await expect(dashboard.figure('failing')).toContainText(/Failing\s*1/);
  await expect(dashboard.figure('unprotected')).toContainText(/Not backed up yet\s*0/);
  await expect(dashboard.figure('no-policy')).toContainText(/In no policy\s*1\s*of 3 instances/);

  const nightly = dashboard.policy('nightly');
  await expect(nightly.getByRole('link', { name: '1 protected in nightly' })).toHaveAttribute('href', /#\/protection\/[^?]+\?filter=protected$/);
  await expect(nightly.getByRole('link', { name: '1 failing in nightly' })).toHaveAttribute('href', /\?filter=failing$/);
  await expect(nightly).toContainText('2 days'); // the RPO: twice a day between runs
  await expect(dashboard.policy('archive')).toContainText(/paused.*no schedule/);

  // demo-bfv-1's newest restore point is 80 h old against 48 h: the worst first
  await expect(dashboard.rpoRows().first()).toContainText(/demo-bfv-1.*3 days ago · RPO 2 days · nightly/);
  await expect(dashboard.rpoRows().nth(1)).toContainText(/demo-web-1.*3 h ago/);
  await expect(dashboard.nextRuns()).toContainText('Schedules run in backstack console');
  await expect(dashboard.nextRuns().getByTestId('next-run')).toContainText(/nightly · nightly.*\(in /);
  await expect(dashboard.storageRows()).toHaveText([/local: 2\.3 GiB.*15 restore points of 9\.3 GiB \(4\.0 : 1\)/]);
  await expect(dashboard.jobs()).toContainText('Jobs in the last 24 hours: 3');
  await page.screenshot({ path: shot(`dashboard-figures-${await shell.colorScheme()}`), fullPage: true });

  // The failed job of the last 24 hours, in Jobs filtered by the address
  await dashboard.jobsLink(/^1 failed$/).click();
  await expect(shell.heading('Jobs')).toBeVisible();
  await expect(page).toHaveURL(/#\/jobs\?state=failed,interrupted&since=24h$/);
  const jobs = new JobsPage(page);
  await expect(jobs.rows()).toHaveCount(1);
  await expect(jobs.rows().first()).toContainText('acme-app-1');
  await expect(jobs.filter('failed')).toBeChecked();
  await expect(jobs.filter('interrupted')).toBeChecked();
  await expect(jobs.filter('last 24 hours')).toBeChecked();
  await page.screenshot({ path: shot('jobs-failed-24h') });
  // Lifting the filters shows the rest: the sync and the backups of the past days
  await jobs.filterChip('failed').click();
  await jobs.filterChip('interrupted').click();
  await expect(page).toHaveURL(/#\/jobs\?since=24h$/);
  await expect(jobs.rows()).toHaveCount(3);
  // The 600 older backups: the newest 500 jobs are listed, older ones on request
  const older = page.getByTestId('older-jobs');
  await expect(older).toContainText('Jobs since');
  await page.screenshot({ path: shot('jobs-older') });
  await older.getByRole('button', { name: 'Load older jobs' }).click();
  await expect(older).toBeHidden();

  // The instance in no policy, in Inventory
  await shell.nav('Dashboard').click();
  await dashboard.figure('no-policy').click();
  await expect(page).toHaveURL(/#\/inventory\?protection=unprotected$/);
  const inventory = new InventoryPage(page);
  await expect(inventory.table().getByTestId('row')).toHaveCount(1);
  await expect(inventory.row('acme-app-1')).toBeVisible();
  await page.screenshot({ path: shot('inventory-no-policy') });
  await page.getByRole('button', { name: 'Show instances in policies too' }).click();
  await expect(inventory.table().getByTestId('row')).toHaveCount(3);

  // The failing total: the policies with failing members, then the member on the policy's page
  await shell.nav('Dashboard').click();
  await dashboard.figure('failing').click();
  await expect(page).toHaveURL(/#\/protection\?filter=failing$/);
  await expect(page.getByTestId('policy-status-filter')).toContainText('with failing members');
  await expect(page.getByTestId('policies-table').getByTestId('row')).toHaveText([/nightly/]);
  await page.getByTestId('policies-table').getByTestId('row').first().click();
  await expect(shell.heading('nightly')).toBeVisible();
  await expect(page).toHaveURL(/\?filter=failing$/);
  // and from the policy's own count
  await shell.nav('Dashboard').click();
  await dashboard.policy('nightly').getByRole('link', { name: '1 failing in nightly' }).click();
  await expect(shell.heading('nightly')).toBeVisible();
  const members = page.getByTestId('members-table').getByTestId('row');
  await expect(members).toHaveCount(1);
  await expect(members.first()).toContainText(/demo-bfv-1.*failing/);
  await expect(page.getByTestId('member-filter').getByRole('radio', { name: 'Failing (1)' })).toBeChecked();
  await page.screenshot({ path: shot('policy-members-failing') });
  await page.getByTestId('member-filter').getByText('All (2)').click();
  await expect(page).toHaveURL(/#\/protection\/[^?]+$/);
  await expect(members).toHaveCount(2);
  await expect(members.filter({ hasText: 'demo-web-1' })).toContainText('protected');

  // The destination's restore points, in Backups
  await shell.nav('Dashboard').click();
  await dashboard
    .storageRows()
    .getByRole('link', { name: /^local: 2\.3 GiB stored$/ })
    .click();
  await expect(page).toHaveURL(/#\/backups\?destination=/);
  await expect(page.getByTestId('destination-filter')).toContainText('in destination local');
  await expect(page.getByTestId('backups-table').getByTestId('row')).toHaveCount(15);
  await page.screenshot({ path: shot('backups-of-destination') });

  await shell.nav('Dashboard').click();
  await shell.themeToggle().click();
  await expect(dashboard.figure('failing')).toBeVisible();
  await page.mouse.move(0, 400); // the theme button's tooltip out of the picture
  await page.screenshot({ path: shot(`dashboard-figures-${await shell.colorScheme()}`), fullPage: true });
});
