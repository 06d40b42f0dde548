// Adding a cloud when it answers badly, against the MockAgent cloud (the lab journey
// e2e/lab-journeys/add-cloud.spec.ts is the good path): each failure is said once, in words,
// with what to do, and the dialog's buttons stay in reach.
import path from 'node:path';
import type { Page } from '@playwright/test';
import { screenshotDir } from '../fixtures/console';
import { expect, test, type MockCloudConsole } from '../fixtures/mock-cloud-console';
import { ShellPage } from '../pages/shell.page';
import { WizardPage } from '../pages/wizard.page';

/** Through the first two steps to the connection test. */
async function addCloud(page: Page, m: MockCloudConsole, o: { name?: string; password?: string } = {}): Promise<WizardPage> {
  const wizard = new WizardPage(page);
  await page.goto(m.loginUrl);
  await new ShellPage(page).nav('Clouds').click();
  await page.getByRole('button', { name: 'Add a cloud' }).first().click();
  await wizard.field('Name').fill(o.name ?? 'mock');
  await wizard.field('Keystone URL').fill('http://keystone.test:5000/v3');
  await wizard.next().click();
  await wizard.field('User').fill('admin');
  await wizard.password().fill(o.password ?? 'admin-pass');
  await wizard.field('Default project').fill('admin');
  await wizard.next().click();
  return wizard;
}

test('a wrong password is said once, with what to check', async ({ page, mockCloud }) => {
  const wizard = await addCloud(page, mockCloud, { password: 'not the password' });
  await expect(wizard.connectionTest()).toContainText('Login failed');
  await expect(wizard.dialog().getByText(/Keystone rejected the credentials for user "admin" in domain "Default"/)).toHaveCount(1);
  await expect(wizard.connectionTest()).toContainText('Check the user name, domain and password');
  // the login's line points to the reason instead of repeating it
  await expect(wizard.loginsTable()).toContainText('failed see above');
  await expect(wizard.save()).toBeDisabled();
  await page.screenshot({ path: path.join(screenshotDir, 'wizard-wrong-password.png') });
});

test('an endpoint out of reach is named with its service, URL and interface, and the interface it suggests works', async ({ page, mockCloud }) => {
  // This workstation has no route to the public endpoints of Nova; Keystone and the others answer.
  await mockCloud.command('refuse-nova-public');
  const wizard = await addCloud(page, mockCloud);
  await expect(wizard.connectionTest()).toContainText('The connection test failed');
  const said = wizard.dialog().getByText(/^The compute service \(nova\) at http:\/\/nova\.test:8774\/v2\.1 \(public interface\) cannot be reached/);
  await expect(said).toHaveCount(1);
  await expect(said).toContainText('Keystone answered, so the cloud is up: choose the internal or admin interface');
  await page.screenshot({ path: path.join(screenshotDir, 'wizard-endpoint-unreachable.png') });

  await wizard.back().click();
  await wizard.back().click();
  await wizard.chooseInterface('internal');
  await wizard.next().click();
  await wizard.next().click();
  await expect(wizard.connectionTest()).toContainText('Connection works');
  await expect(wizard.servicesTable()).toContainText('http://nova-internal.test:8774/v2.1');
});

test('when saving fails, the reason and the dialog’s buttons stay in view', async ({ page, mockCloud }) => {
  // A laptop's screen: the test step's tables and the alert are taller than the window.
  await page.setViewportSize({ width: 1280, height: 720 });
  await mockCloud.command('add-cloud');
  // The same cloud again: the connection test passes, saving is refused.
  const wizard = await addCloud(page, mockCloud);
  await expect(wizard.connectionTest()).toContainText('Connection works');
  await wizard.save().click();
  const notSaved = wizard.notSaved();
  await expect(notSaved).toContainText(/A cloud named "mock" exists already|already connects to/);
  await page.screenshot({ path: path.join(screenshotDir, 'wizard-not-saved.png') });
  for (const button of [wizard.save(), wizard.testAgain(), wizard.back()]) {
    await expect(button).toBeInViewport({ ratio: 1 });
  }
  await expect(notSaved).toBeInViewport();
});
