import { NumberInput, SegmentedControl, Stack, Switch, Text, useMantineColorScheme } from '@mantine/core';
import type { Theme } from '../../../../shared/domain/app';
import { useAppStore } from '../../stores/app.store';

export function AppearancePanel() {
  const settings = useAppStore((s) => s.settings);
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
      <Switch
        label="Notify me when a job fails or a long job ends"
        checked={settings.notifyOnJobEnd}
        onChange={(e) => void update({ notifyOnJobEnd: e.currentTarget.checked })}
      />
    </Stack>
  );
}
