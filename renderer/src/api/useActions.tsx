import { useState, type ReactNode } from 'react';
import { Button, Group, Modal, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { runAction, type Action, type ActionOutcome, type ActionUi } from './actions';

type Question = Parameters<ActionUi['confirm']>[0];

export interface ActionRunner {
  run<T>(action: Action<T>, items: T[]): Promise<ActionOutcome>;
  isBusy(actionId: string): boolean;
  /** the confirmation dialog: render it once where the runner is used */
  confirmation: ReactNode;
}

/**
 * An action chosen from a menu: the focus goes back to the menu's button before the question
 * opens, so closing the question returns it there (the menu item it was on is gone by then).
 */
function focusMenuButton(): void {
  const menu = document.activeElement?.closest('[role="menu"]');
  if (menu?.id) document.querySelector<HTMLElement>(`[aria-controls="${CSS.escape(menu.id)}"]`)?.focus();
}

/** The action runner with Mantine's toasts, a confirmation modal and per-action busy state. */
export function useActions(): ActionRunner {
  const [busy, setBusy] = useState<ReadonlySet<string>>(new Set());
  const [asking, setAsking] = useState<{ question: Question; answer: (yes: boolean) => void } | null>(null);
  const answer = (yes: boolean) => {
    asking?.answer(yes);
    setAsking(null);
  };
  const ui: ActionUi = {
    confirm: (question) =>
      new Promise((resolve) => {
        focusMenuButton();
        setAsking({ question, answer: resolve });
      }),
    notify: (n) =>
      notifications.show({
        color: n.kind === 'success' ? 'green' : 'red',
        title: n.title,
        message: n.message,
        autoClose: n.kind === 'error' ? false : 6000,
      }),
    busy: (id, on) =>
      setBusy((s) => {
        const next = new Set(s);
        if (on) next.add(id);
        else next.delete(id);
        return next;
      }),
  };
  return {
    // A second click while the first runs does nothing.
    run: (action, items) => (busy.has(action.id) ? Promise.resolve('declined') : runAction(action, items, ui)),
    isBusy: (id) => busy.has(id),
    confirmation: (
      <Modal opened={asking !== null} onClose={() => answer(false)} title={asking?.question.title ?? ''}>
        <Text size="sm">{asking?.question.message}</Text>
        <Group justify="flex-end" mt="md">
          <Button variant="default" onClick={() => answer(false)}>
            Cancel
          </Button>
          <Button color="red" onClick={() => answer(true)}>
            {asking?.question.confirmLabel}
          </Button>
        </Group>
      </Modal>
    ),
  };
}
