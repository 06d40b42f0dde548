import type { KeyboardEvent } from 'react';
import { ActionIcon, Button, Checkbox, Popover, Stack, Text } from '@mantine/core';
import { IconColumns3 } from '@tabler/icons-react';
import type { TableLayoutState } from './useTableLayout';

interface MenuColumn {
  id: string;
  header: string;
  hideable?: boolean;
}

/** What the table's roving focus needs on the button: it is the last stop of the header row. */
interface ButtonProps {
  tabIndex: number;
  'data-header-index': number;
  onKeyDown: (e: KeyboardEvent<HTMLButtonElement>) => void;
  onFocus: () => void;
}

/** Shows and hides a table's columns, and puts widths and columns back as they were declared. */
export function ColumnMenu({ columns, layout, button }: { columns: readonly MenuColumn[]; layout: TableLayoutState; button: ButtonProps }) {
  const shown = columns.filter((c) => layout.visibility[c.id] !== false).length;
  return (
    <Popover position="bottom-end" shadow="md" trapFocus returnFocus withinPortal>
      <Popover.Target>
        <ActionIcon variant="subtle" color="gray" aria-label="Columns" title="Show, hide or reset columns" {...button}>
          <IconColumns3 size={16} />
        </ActionIcon>
      </Popover.Target>
      <Popover.Dropdown aria-label="Columns" data-testid="column-menu">
        <Stack gap={6}>
          <Text size="xs" c="dimmed">
            Shown columns (drag a header&apos;s edge to resize)
          </Text>
          {columns.map((c) => {
            const visible = layout.visibility[c.id] !== false;
            // The column that names the rows, and the last shown one, stay.
            const fixed = c.hideable === false || (visible && shown === 1);
            return (
              <Checkbox
                key={c.id}
                label={c.header}
                checked={visible}
                disabled={fixed}
                onChange={(e) => layout.setVisible(c.id, e.currentTarget.checked)}
                size="xs"
              />
            );
          })}
          <Button variant="subtle" size="compact-xs" mt={4} onClick={layout.reset} disabled={!layout.customized}>
            Reset widths and columns
          </Button>
        </Stack>
      </Popover.Dropdown>
    </Popover>
  );
}
