import { ActionIcon, Button, Group, Menu, Stack, type MantineSize } from '@mantine/core';
import { IconDots } from '@tabler/icons-react';
import { allowedFor, type Action } from '../api/actions';
import { useActions } from '../api/useActions';

/**
 * One button per action. An action not allowed for these items is not offered, or shown disabled
 * where its button stands for a form's submit (`disallowed="disable"`).
 */
export function ActionButtons<T>(props: {
  actions: Action<T>[];
  items: T[];
  size?: MantineSize;
  variant?: string;
  disallowed?: 'hide' | 'disable';
  /** one full-width button a line, for a narrow detail pane */
  column?: boolean;
}) {
  const runner = useActions();
  const hide = props.disallowed !== 'disable';
  const Layout = props.column ? Stack : Group;
  return (
    <Layout gap="xs">
      {runner.confirmation}
      {props.actions
        .filter((a) => !hide || allowedFor(a, props.items))
        .map((a) => (
          <Button
            key={a.id}
            size={props.size ?? 'xs'}
            variant={props.variant ?? 'light'}
            color={a.danger ? 'red' : undefined}
            leftSection={a.icon}
            loading={runner.isBusy(a.id)}
            disabled={!allowedFor(a, props.items)}
            fullWidth={props.column}
            justify={props.column ? 'flex-start' : undefined}
            onClick={() => void runner.run(a, props.items)}
          >
            {a.label}
          </Button>
        ))}
    </Layout>
  );
}

/** The same actions in a "…" menu, for a table row; clicks stay in the menu (the row is not selected). */
export function ActionMenu<T>(props: { actions: Action<T>[]; item: T; label: string }) {
  const runner = useActions();
  const allowed = props.actions.filter((a) => allowedFor(a, [props.item]));
  const busy = props.actions.some((a) => runner.isBusy(a.id));
  return (
    <span onClick={(e) => e.stopPropagation()} onKeyDown={(e) => e.stopPropagation()}>
      {runner.confirmation}
      <Menu position="bottom-end" withinPortal>
        <Menu.Target>
          <ActionIcon variant="subtle" aria-label={props.label} loading={busy} disabled={allowed.length === 0}>
            <IconDots size={16} />
          </ActionIcon>
        </Menu.Target>
        <Menu.Dropdown>
          {allowed.map((a) => (
            <Menu.Item key={a.id} color={a.danger ? 'red' : undefined} leftSection={a.icon} onClick={() => void runner.run(a, [props.item])}>
              {a.label}
            </Menu.Item>
          ))}
        </Menu.Dropdown>
      </Menu>
    </span>
  );
}
