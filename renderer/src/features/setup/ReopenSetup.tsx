import { useState } from 'react';
import { useNavigate } from 'react-router';
import { Button } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconRoute } from '@tabler/icons-react';
import { asAppError } from '../../api/errors';
import { useAppStore } from '../../stores/app.store';
import { reopen } from './first-run';

/** Settings → "Set up Backstack": the guided first run again, where it was left, with what was skipped to do again. */
export function ReopenSetup() {
  const navigate = useNavigate();
  const firstRun = useAppStore((s) => s.settings?.firstRun);
  const update = useAppStore((s) => s.updateSettings);
  const [busy, setBusy] = useState(false);
  const open = async () => {
    if (!firstRun) return;
    setBusy(true);
    try {
      await update({ firstRun: reopen(firstRun) });
      void navigate('/welcome');
    } catch (e) {
      notifications.show({ color: 'red', title: 'The setup did not open', message: asAppError(e).message });
    } finally {
      setBusy(false);
    }
  };
  return (
    <Button variant="light" leftSection={<IconRoute size={16} />} onClick={() => void open()} loading={busy} disabled={!firstRun}>
      Set up Backstack
    </Button>
  );
}
