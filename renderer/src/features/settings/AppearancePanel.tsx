import { NumberInput, SegmentedControl, Stack, Switch, Text, useMantineColorScheme } from '@mantine/core';
import type { Theme } from '../../../../shared/domain/app';
import { useAppStore } from '../../stores/app.store';

const LIMITS = [
  { key: 'maxBackupsPerCloud', label: 'Backups at once per cloud', description: 'Spares each cloud’s APIs when a policy starts many backups.' },
  { key: 'maxBackupsPerHost', label: 'Backups at once per hypervisor', description: 'Snapshots and reads on one compute host at a time beyond this wait.' },
  { key: 'maxBackupsPerDestination', label: 'Backups at once per destination', description: 'Writers into one destination (a disk or a share) at once.' },
] as const;

export function AppearancePanel() {
  const settings = useAppStore((s) => s.settings);
  const runtime = useAppStore((s) => s.status?.runtime);
  const update = useAppStore((s) => s.updateSettings);
  const { setColorScheme } = useMantineColorScheme();
  if (!settings) return null;
  return (
    <Stack maw={480}>
      <div>
        <Text fw={600} mb={4}>
          Theme
        </Text>
        <SegmentedControl
          aria-label="Theme"
          value={settings.theme}
          data={[
            { value: 'light', label: 'Light' },
            { value: 'dark', label: 'Dark' },
            { value: 'auto', label: 'System' },
          ]}
          onChange={(v) => {
            setColorScheme(v as Theme);
            void update({ theme: v as Theme });
          }}
        />
      </div>
      <NumberInput
        label="Jobs running at once"
        description="Backups, restores and syncs beyond this wait in the queue."
        min={1}
        max={16}
        value={settings.maxConcurrentJobs}
        onChange={(v) => typeof v === 'number' && v >= 1 && v <= 16 && void update({ maxConcurrentJobs: v })}
      />
      {LIMITS.map((l) => (
        <NumberInput
          key={l.key}
          label={l.label}
          description={l.description}
          min={1}
          max={16}
          value={settings[l.key]}
          onChange={(v) => typeof v === 'number' && v >= 1 && v <= 16 && void update({ [l.key]: v })}
        />
      ))}
      {runtime === 'electron' && (
        <Switch
          label="Keep running in the tray when the window is closed"
          description="Scheduled backups and running jobs go on; Quit in the tray menu stops them."
          checked={settings.keepRunningInTray}
          onChange={(e) => void update({ keepRunningInTray: e.currentTarget.checked })}
        />
      )}
      <Switch
        label="Notify me when a job fails or a long job ends"
        checked={settings.notifyOnJobEnd}
        onChange={(e) => void update({ notifyOnJobEnd: e.currentTarget.checked })}
      />
    </Stack>
  );
}
