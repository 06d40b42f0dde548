import path from 'node:path';
import { selfSignedCertificate, startMailServer } from '../../electron/lib/testing/smtp-server';
import { expect, screenshotDir, test } from '../fixtures/console';
import { NotificationsPage } from '../pages/notifications.page';

test('set up the mail server, trust its self-signed certificate from the refused test, and receive the test message', async ({ page, backstack }) => {
  const mail = await startMailServer({ users: { alerts: 'pa55-word' }, certificate: selfSignedCertificate('mail.backstack.test') });
  try {
    const n = new NotificationsPage(page);
    await n.open(backstack.loginUrl);

    await n.field('Host').fill('127.0.0.1');
    await n.field('Port').fill(String(mail.port));
    await n.field('User').fill('alerts');
    await n.field('Password').fill('pa55-word');
    await n.field('From').fill('backstack@example.org');
    await n.save().click();
    await expect(n.field('Password')).toHaveAttribute('placeholder', /stored/);

    await n.field('Send a test to').fill('ops@example.org');
    await n.sendTest().click();
    await expect(n.alert('The test message was not sent')).toContainText('subject CN=mail.backstack.test, O=Backstack tests, issued by itself (self-signed)');
    await page.screenshot({ path: path.join(screenshotDir, 'settings-notifications-untrusted.png'), fullPage: true });
    expect(mail.received).toHaveLength(0);

    await n.trustCertificate().click();
    await expect(n.alert('Test message sent')).toContainText('Sent to ops@example.org; the server said: 250');
    await expect(page.getByText(/^Trusts the certificate CN=mail\.backstack\.test/)).toBeVisible();
    expect(mail.received.map((m) => [m.to, m.user, m.secure, m.subject])).toEqual([[['ops@example.org'], 'alerts', true, 'Backstack: test message']]);
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: path.join(screenshotDir, 'settings-notifications.png'), fullPage: true });
  } finally {
    await mail.close();
  }
});

test('a mail server without TLS is refused at the field unless it runs on this computer; browser notifications are allowed from Settings', async ({ page, backstack, context }) => {
  const n = new NotificationsPage(page);
  await n.open(backstack.loginUrl);
  await n.field('Host').fill('mail.example.org');
  await n.security('None (this computer only)').click();
  await expect(page.getByRole('alert').filter({ hasText: 'Without TLS the password and the mail would cross the network in clear' })).toBeVisible();
  await expect(n.field('Port')).toHaveValue('25'); // the port follows the security while it is the usual one

  await expect(n.browserState()).toContainText('has not been allowed to show them yet');
  await context.grantPermissions(['notifications']);
  await n.allowBrowser().click();
  await expect(n.browserState()).toHaveText('This browser shows them.');
});
