import { describe, expect, it } from 'vitest';
import { AppError } from '../../../shared/errors/app-error';
import { runAction, type Action, type ActionUi, type Notice, type RunAction } from './actions';

function ui(answer = true) {
  const notices: Notice[] = [];
  const busy: [string, boolean][] = [];
  const questions: string[] = [];
  const u: ActionUi = {
    confirm: (q) => (questions.push(q.title), Promise.resolve(answer)),
    notify: (n) => notices.push(n),
    busy: (id, on) => busy.push([id, on]),
  };
  return { u, notices, busy, questions };
}

type Item = { name: string; locked: boolean };
const a: Item = { name: 'a', locked: false };
const locked: Item = { name: 'b', locked: true };

const action = (over: Partial<RunAction<Item>> = {}): Action<Item> => ({
  id: 'touch',
  label: 'Touch',
  isAllowed: (i) => !i.locked,
  run: (items) => Promise.resolve(`${items.length} touched`),
  done: (items) => `Touched ${items.map((i) => i.name).join(', ')}`,
  ...over,
});

describe('action runner', () => {
  it('runs, shows progress around the call, then the success toast', async () => {
    const t = ui();
    expect(await runAction(action(), [a], t.u)).toBe('done');
    expect(t.busy).toEqual([
      ['touch', true],
      ['touch', false],
    ]);
    expect(t.notices).toEqual([{ kind: 'success', title: 'Touched a', message: '1 touched' }]);
  });

  it('does nothing for an item it is not allowed on', async () => {
    const t = ui();
    let ran = false;
    const out = await runAction(action({ run: () => ((ran = true), Promise.resolve('')) }), [a, locked], t.u);
    expect(out).toBe('not-allowed');
    expect(ran).toBe(false);
    expect(t.busy).toEqual([]);
  });

  it("shows the error's message and request id, and ends the progress", async () => {
    const t = ui();
    const failing = action({ run: () => Promise.reject(new AppError('destination.locked', 'The destination is busy.', { requestId: 'req-9' })) });
    expect(await runAction(failing, [a], t.u)).toBe('failed');
    expect(t.notices).toEqual([{ kind: 'error', title: 'Touch: failed', message: 'The destination is busy. (request id req-9)' }]);
    expect(t.busy.at(-1)).toEqual(['touch', false]);
  });

  it('shows a plain Error (a bug of ours) by its message', async () => {
    const t = ui();
    await runAction(action({ run: () => Promise.reject(new Error('boom')) }), [a], t.u);
    expect(t.notices[0]).toMatchObject({ kind: 'error', message: 'boom' });
  });

  it('asks before a danger action and runs nothing when declined', async () => {
    const t = ui(false);
    let ran = false;
    const remove = action({
      id: 'remove',
      label: 'Remove',
      danger: true,
      confirm: (items) => ({ title: `Remove ${items[0]!.name}?`, message: 'Gone for good.', confirmLabel: 'Remove' }),
      run: () => ((ran = true), Promise.resolve('')),
    });
    expect(await runAction(remove, [a], t.u)).toBe('declined');
    expect(t.questions).toEqual(['Remove a?']);
    expect(ran).toBe(false);
    expect(t.notices).toEqual([]);

    const yes = ui(true);
    expect(await runAction(remove, [a], yes.u)).toBe('done');
    expect(ran).toBe(true);
  });

  it('asks a default question for a danger action without its own', async () => {
    const t = ui();
    await runAction(action({ danger: true }), [a, a], t.u);
    expect(t.questions).toEqual(['Touch?']);
  });

  it('asks a question looked up first (a count of what the action touches)', async () => {
    const t = ui(false);
    const counted = action({
      danger: true,
      confirm: async (items) => ({ title: `Touch ${await Promise.resolve(items.length)} item?`, message: '', confirmLabel: 'Touch' }),
    });
    expect(await runAction(counted, [a], t.u)).toBe('declined');
    expect(t.questions).toEqual(['Touch 1 item?']);
  });

  it('opens the dialog of an editor action: no question, no progress, no toast (the dialog reports)', async () => {
    const t = ui();
    const opened: Item[][] = [];
    const edit: Action<Item> = { id: 'edit', label: 'Edit…', isAllowed: (i) => !i.locked, open: (items) => opened.push(items) };
    expect(await runAction(edit, [a], t.u)).toBe('done');
    expect(await runAction(edit, [locked], t.u)).toBe('not-allowed');
    expect(opened).toEqual([[a]]);
    expect([t.questions, t.busy, t.notices]).toEqual([[], [], []]);
  });
});
