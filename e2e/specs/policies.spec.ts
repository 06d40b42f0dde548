import path from 'node:path';
import { expect, screenshotDir, test } from '../fixtures/console';
import { InventoryPage } from '../pages/inventory.page';
import { ProtectionPage } from '../pages/protection.page';
import { ShellPage } from '../pages/shell.page';

// The mock cloud (demo-web-1, demo-bfv-1, acme-app-1; no SSH settings for its hypervisors) and a
// destination "local". Tokyo: the browser's zone is the schedules' default, and has no DST, so a
// daily schedule runs exactly 35 times in 35 days.
test.use({ seed: 'mock-cloud', timezoneId: 'Asia/Tokyo' });

const shot = (name: string) => path.join(screenshotDir, `${name}.png`);

test('create a policy: preview its name rule, a bad pattern at its field, a daily schedule with its next runs, retention simulated', async ({
  page,
  backstack,
}) => {
  const shell = new ShellPage(page);
  const protection = new ProtectionPage(page);
  await page.goto(backstack.loginUrl);
  await shell.nav('Protection').click();
  await expect(protection.schedulerStatus()).toContainText('Schedules run in this app');
  await protection.newPolicy().click();
  await expect(shell.heading('New policy')).toBeVisible();

  await protection.field('Name').fill('web-nightly');
  await expect(protection.select('Destination')).toHaveValue('local');

  // A pattern that does not compile is an error at its field; the preview waits for a good one.
  await protection.field('Names to include').fill('demo-web-[');
  await expect(protection.fieldError('Names to include')).toContainText('Not a valid regular expression');
  await expect(protection.section('members')).toContainText('Fix the fields marked in red to see what the rules match.');
  await protection.field('Names to include').fill('^demo-web-');
  await expect(protection.fieldError('Names to include')).toHaveCount(0);
  await expect(protection.preview('matches')).toContainText('demo-web-1');
  await expect(protection.preview('matches').getByRole('row')).toHaveCount(1);
  await expect(protection.preview('conflicts')).toContainText('No conflict with another policy.');
  await protection.section('members').screenshot({ path: shot('policy-editor-members') });
  await page.screenshot({ path: shot('policy-editor') });

  await protection.section('schedules').getByRole('button', { name: 'Add a schedule' }).click();
  const schedule = protection.schedule(0);
  await expect(schedule.getByRole('combobox', { name: 'Time zone' })).toHaveValue('Asia/Tokyo');
  await schedule.getByLabel('At').fill('02:30');
  await expect(schedule).toContainText('schedule-1: daily at 02:30 (Asia/Tokyo)');
  await expect(schedule.getByTestId('next-runs')).toHaveText(/Next runs \(Asia\/Tokyo\): [^·]*02:30[^·]* · [^·]*02:30[^·]* · [^·]*02:30/);
  await protection.section('schedules').screenshot({ path: shot('policy-editor-schedules') });

  // Every day for 35 days; 7 daily kept: the 8th backup is the most that exist, before its prune.
  await protection.field('Keep daily').fill('7');
  await expect(protection.simulated('taken')).toHaveText('35');
  await expect(protection.simulated('peak')).toHaveText('7');
  await expect(protection.simulated('kept')).toHaveText('7');
  await expect(protection.simulator()).toContainText('daily');
  await protection.section('retention').screenshot({ path: shot('policy-editor-retention') });

  // A cron expression that cannot run is an error at its field, and the simulator waits for it.
  await protection.section('schedules').getByRole('button', { name: 'Add a schedule' }).click();
  await protection.schedule(1).getByRole('combobox', { name: 'Runs' }).click();
  await page.getByRole('option', { name: 'Cron expression (experts)' }).click();
  await protection.field('Cron expression').fill('61 2 * * *');
  await expect(protection.fieldError('Cron expression')).toContainText('Not a valid cron expression "61 2 * * *"');
  await expect(protection.simulator()).toContainText('Fix the schedules marked in red to simulate.');
  await protection.schedule(1).screenshot({ path: shot('policy-editor-cron-error') });
  await protection.schedule(1).getByRole('button', { name: 'Remove schedule schedule-2' }).click();
  await expect(protection.simulated('kept')).toHaveText('7');
  await protection.section('general').screenshot({ path: shot('policy-editor-general') });
  // Verify by booting: off until switched on, then every 7 days unless changed.
  await protection.section('options').getByRole('switch', { name: 'Verify by booting' }).check();
  await protection.field('At least every').fill('3');
  await protection.section('options').screenshot({ path: shot('policy-editor-options') });

  await protection.save().click();
  await expect(shell.heading('web-nightly')).toBeVisible();
  await expect(page.getByText("every 3 days, in the cloud's sandbox project")).toBeVisible();
  await expect(protection.toast('Policy web-nightly saved')).toContainText('Its rules assigned the instances they match now, and do again at each inventory sync.');
  await expect(page.getByTestId('policy-summary')).toContainText('names matching ^demo-web-');
  await expect(page.getByTestId('policy-next-runs')).toContainText('schedule-1: daily at 02:30 (Asia/Tokyo), auto — next');

  await shell.nav('Protection').click();
  const row = protection.row('web-nightly');
  await expect(row).toContainText('enabled');
  await expect(row).toContainText('local');
  await expect(row).toContainText('daily at 02:30 (Asia/Tokyo)');
  await expect(row).toContainText('7 daily');
  await page.screenshot({ path: shot('protection-list') });

  // Edit: the editor opens with what was saved; a change is saved over it.
  await row.getByRole('link', { name: 'Edit web-nightly' }).click();
  await expect(shell.heading('Edit policy web-nightly')).toBeVisible();
  await expect(protection.field('Names to include')).toHaveValue('^demo-web-');
  await expect(protection.field('Keep daily')).toHaveValue('7');
  await protection.field('Keep daily').fill('14');
  await expect(protection.simulated('kept')).toHaveText('14');
  await protection.save().click();
  await expect(shell.heading('web-nightly')).toBeVisible();
  await shell.nav('Protection').click();
  await expect(row).toContainText('14 daily');

  // Pause from the row's menu: the schedules stop and the list says so.
  await protection.rowAction('web-nightly', 'Pause');
  await expect(row).toContainText('paused');
});

test('add an instance to a policy from Inventory, run the policy now: members without SSH settings are named with why', async ({
  page,
  backstack,
}) => {
  const shell = new ShellPage(page);
  const protection = new ProtectionPage(page);
  const inventory = new InventoryPage(page);
  await page.goto(backstack.loginUrl);
  for (const name of ['web', 'other']) {
    await shell.nav('Protection').click();
    await protection.newPolicy().click();
    await protection.field('Name').fill(name);
    await protection.save().click();
    await expect(shell.heading(name)).toBeVisible();
  }

  const addTo = async (policy: string) => {
    await shell.nav('Inventory').click();
    await inventory.search().fill('demo-web-1');
    await inventory.row('demo-web-1').click();
    await inventory.detail().getByRole('button', { name: 'Add to policy…' }).click();
    if (policy === 'web') await page.screenshot({ path: shot('add-to-policy') });
    const dialog = page.getByRole('dialog', { name: 'Add demo-web-1 to a policy' });
    await dialog.getByLabel('Policy').click();
    await page.getByRole('option', { name: policy }).click();
    await dialog.getByRole('button', { name: 'Add' }).click();
    return dialog;
  };
  await addTo('web');
  await expect(protection.toast('demo-web-1 added to web')).toBeVisible();
  await page.keyboard.press('Escape');

  // One policy per instance: the second is refused, in the core's words, in the dialog.
  const refused = await addTo('other');
  await expect(refused.getByRole('alert')).toContainText('demo-web-1 belongs to policy "web"');
  await refused.screenshot({ path: shot('add-to-policy-conflict') });
  await refused.getByRole('button', { name: 'Cancel' }).click();
  await page.keyboard.press('Escape');

  await shell.nav('Protection').click();
  await expect(protection.row('web')).toContainText('1');
  await protection.rowAction('web', 'Run now');
  await expect(protection.toast('Run of web')).toContainText('No backup queued: the dialog says why.');
  await expect(protection.runOutcome()).toContainText('0 backups queued; 1 member not backed up');
  await expect(protection.runOutcome()).toContainText('demo-web-1');
  await expect(protection.runOutcome()).toContainText('No SSH settings for the hypervisor compute-1.example.org');
  await page.screenshot({ path: shot('policy-run-skipped') });
  await page.getByRole('button', { name: 'Close' }).click();

  await protection.row('web').click();
  await expect(shell.heading('web')).toBeVisible();
  await expect(protection.members()).toHaveCount(1);
  await expect(protection.members().first()).toContainText('demo-web-1');
  await expect(protection.members().first()).toContainText('by hand');
  await expect(protection.members().first()).toContainText('never');
  await page.screenshot({ path: shot('policy-detail') });

  await page.getByRole('button', { name: 'Actions for demo-web-1' }).click();
  await page.getByRole('menuitem', { name: 'Remove from policy…' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Remove' }).click();
  await expect(protection.members()).toHaveCount(0);
});
