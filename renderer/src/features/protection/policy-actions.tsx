import { useMemo, useState } from 'react';
import { Button, Modal, Stack, Table, Text } from '@mantine/core';
import { IconPlayerPause, IconPlayerPlay, IconRocket, IconTrash } from '@tabler/icons-react';
import type { PolicyView } from '../../../../shared/domain/policies';
import type { Action } from '../../api/actions';
import { call } from '../../api/client';

export interface RunOutcome {
  policy: string;
  queued: number;
  skipped: { name: string; reason: string }[];
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** "Run now": a backup of every member; the members that could not be backed up are shown with why (onOutcome). */
export const runNow = (onOutcome: (o: RunOutcome) => void): Action<PolicyView> => ({
  id: 'run',
  label: 'Run now',
  icon: <IconRocket size={14} />,
  run: async ([p]) => {
    const r = await call('policies.run', { id: p!.id });
    if (r.skipped.length) onOutcome({ policy: p!.spec.name, queued: r.jobIds.length, skipped: r.skipped });
    if (r.jobIds.length === 0)
      return r.skipped.length
        ? 'No backup queued: the dialog says why.'
        : 'The policy has no member yet: add instances by its rules or from Inventory.';
    return `${plural(r.jobIds.length, 'backup')} queued${r.skipped.length ? `, ${r.skipped.length} not backed up` : ''}: follow them in Jobs.`;
  },
  done: ([p]) => `Run of ${p!.spec.name}`,
});

/** Paused policies keep their members and settings; their schedules do not run. */
export const pauseResume: Action<PolicyView>[] = [
  {
    id: 'pause',
    label: 'Pause',
    icon: <IconPlayerPause size={14} />,
    isAllowed: (p) => p.spec.enabled,
    run: async ([p]) => (
      await call('policies.update', { id: p!.id, spec: { ...p!.spec, enabled: false } }),
      'Its schedules do not run until it is resumed.'
    ),
    done: ([p]) => `${p!.spec.name} paused`,
  },
  {
    id: 'resume',
    label: 'Resume',
    icon: <IconPlayerPlay size={14} />,
    isAllowed: (p) => !p.spec.enabled,
    run: async ([p]) => (await call('policies.update', { id: p!.id, spec: { ...p!.spec, enabled: true } }), 'Its schedules run again from now on.'),
    done: ([p]) => `${p!.spec.name} resumed`,
  },
];

export const removePolicy = (onRemoved?: () => void): Action<PolicyView> => ({
  id: 'remove',
  label: 'Remove…',
  icon: <IconTrash size={14} />,
  danger: true,
  confirm: ([p]) => ({
    title: `Remove policy "${p!.spec.name}"?`,
    message: `Its schedules stop and its ${plural(p!.members, 'member')} leave it. The restore points it made stay in ${p!.destinationName ?? 'their destination'}, and are still listed under Backups.`,
    confirmLabel: 'Remove',
  }),
  run: async ([p]) => {
    await call('policies.remove', { id: p!.id });
    onRemoved?.();
    return 'Its restore points stay in their destination.';
  },
  done: ([p]) => `Removed ${p!.spec.name}`,
});

/** The members a run did not back up, and why: a toast would vanish before the reasons are read. */
export function RunOutcomeModal({ outcome, onClose }: { outcome: RunOutcome | null; onClose: () => void }) {
  return (
    <Modal opened={outcome !== null} onClose={onClose} title={outcome ? `Run of ${outcome.policy}: not every member was backed up` : ''} size="lg">
      {outcome && (
        <Stack gap="sm" data-testid="run-outcome">
          <Text size="sm">
            {plural(outcome.queued, 'backup')} queued; {plural(outcome.skipped.length, 'member')} not backed up:
          </Text>
          <Table>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Instance</Table.Th>
                <Table.Th>Why</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {outcome.skipped.map((s, i) => (
                <Table.Tr key={i}>
                  <Table.Td style={{ whiteSpace: 'nowrap', verticalAlign: 'top' }}>{s.name}</Table.Td>
                  <Table.Td>{s.reason}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
          <Button onClick={onClose} style={{ alignSelf: 'flex-end' }}>
            Close
          </Button>
        </Stack>
      )}
    </Modal>
  );
}

/** Run-now with its outcome dialog, for a screen that offers it. */
export function useRunNow() {
  const [outcome, setOutcome] = useState<RunOutcome | null>(null);
  const action = useMemo(() => runNow(setOutcome), []);
  return { action, dialog: <RunOutcomeModal outcome={outcome} onClose={() => setOutcome(null)} /> };
}
