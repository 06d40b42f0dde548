import { useState } from 'react';
import { Divider, Loader, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '../../api/useQuery';
import { ErrorAlert } from '../../components/ErrorAlert';
import { DesktopNotifications } from '../notifications/DesktopNotifications';
import { SmtpForm } from '../notifications/SmtpForm';
import { SmtpTest } from '../notifications/SmtpTest';

/** The mail server notifications go through (with a test message), and where desktop notifications appear. What is reported, and to whom, each policy says. */
export function NotificationsPanel() {
  const smtp = useQuery('notifications.getSmtp', {}, { tables: ['settings'] });
  const [dirty, setDirty] = useState(false);
  if (smtp.error) return <ErrorAlert error={smtp.error} title="The mail server settings could not be read" onRetry={smtp.reload} />;
  if (!smtp.data) return <Loader />;
  const saved = smtp.data.smtp;
  return (
    <Stack maw={640}>
      <Text size="sm" c="dimmed">
        What is reported (failed and successful backups, RPO breaches, a destination nearly full, an unusual change rate) and to which addresses is set in each
        policy’s Notifications section.
      </Text>
      <Title order={2} size="h4">
        Mail server (SMTP)
      </Title>
      <SmtpForm saved={saved} onDirty={setDirty} />
      {saved && <SmtpTest saved={saved} dirty={dirty} />}
      <Divider />
      <Title order={2} size="h4">
        Desktop notifications
      </Title>
      <DesktopNotifications />
    </Stack>
  );
}
