import type { ReactNode } from 'react';
import { asAppError, describeError } from './errors';

type Question = { title: string; message: string; confirmLabel: string };

interface ActionBase<T> {
  id: string;
  label: string;
  icon?: ReactNode;
  /** shown red, and asked for a confirmation first */
  danger?: boolean;
  /** default: allowed for every item */
  isAllowed?: (item: T) => boolean;
}

/**
 * Something a person can do to one or more items (a restore point, a cloud, a job), declared once
 * and run by one runner: progress on the button, a toast when it worked, the error when it did not.
 */
export interface RunAction<T> extends ActionBase<T> {
  /** the question asked before a danger action runs; it may look something up first (a count), and never fails */
  confirm?: (items: T[]) => Question | Promise<Question>;
  /** resolves with the success toast's message (e.g. "Follow it in Jobs.") */
  run: (items: T[]) => Promise<string>;
  /** the success toast's title */
  done: (items: T[]) => string;
  open?: undefined;
}

/** An action that opens a dialog (an editor) which does the work and reports its own outcome. */
export interface OpenAction<T> extends ActionBase<T> {
  open: (items: T[]) => void;
  confirm?: undefined;
  run?: undefined;
  done?: undefined;
}

export type Action<T> = RunAction<T> | OpenAction<T>;

export interface Notice {
  kind: 'success' | 'error';
  title: string;
  message: string;
}

/** What the runner needs from the screen; React supplies toasts, a modal and button state. */
export interface ActionUi {
  confirm(question: Question): Promise<boolean>;
  notify(n: Notice): void;
  busy(actionId: string, on: boolean): void;
}

export type ActionOutcome = 'done' | 'failed' | 'declined' | 'not-allowed';

export const allowedFor = <T>(action: Action<T>, items: readonly T[]): boolean =>
  items.length > 0 && items.every((i) => action.isAllowed?.(i) ?? true);

// "Remove…" names the action on a button; its question and error title read "Remove".
const verb = (a: { label: string }) => a.label.replace(/…$/, '');

const defaultQuestion = <T>(action: Action<T>, items: T[]) => ({
  title: `${verb(action)}?`,
  message: items.length > 1 ? `This applies to ${items.length} items.` : 'Please confirm.',
  confirmLabel: verb(action),
});

/** Runs an action: checks it is allowed, confirms a danger action, shows progress, then the outcome. */
export async function runAction<T>(action: Action<T>, items: T[], ui: ActionUi): Promise<ActionOutcome> {
  if (!allowedFor(action, items)) return 'not-allowed';
  if (action.open) {
    action.open(items);
    return 'done';
  }
  if (action.danger && !(await ui.confirm((await action.confirm?.(items)) ?? defaultQuestion(action, items)))) return 'declined';
  ui.busy(action.id, true);
  try {
    const message = await action.run(items);
    ui.notify({ kind: 'success', title: action.done(items), message });
    return 'done';
  } catch (e) {
    ui.notify({ kind: 'error', title: `${verb(action)}: failed`, message: describeError(asAppError(e)) });
    return 'failed';
  } finally {
    ui.busy(action.id, false);
  }
}

/** The usual message after a job was started: where to follow it. */
export const followJob = ({ jobId }: { jobId: string }): string => `Follow job ${jobId.slice(0, 8)} in Jobs.`;
