import { useMemo, useRef, useState, type ReactNode } from 'react';
import { flexRender, getCoreRowModel, useReactTable, type ColumnDef, type SortingState } from '@tanstack/react-table';
import { useVirtualizer } from '@tanstack/react-virtual';
import { Box, Text, UnstyledButton } from '@mantine/core';
import { IconArrowDown, IconArrowUp } from '@tabler/icons-react';
import classes from './DataTable.module.css';

/** A column as screens declare it; the table does sorting, filtering and virtualization. */
export interface Column<T> {
  id: string;
  header: string;
  getValue: (row: T) => string | number | null;
  render?: (row: T) => ReactNode;
  /** CSS grid track, e.g. '2fr' or '120px' */
  width?: string;
}

export interface DataTableProps<T> {
  rows: T[];
  columns: Column<T>[];
  getRowId: (row: T) => string;
  /** free text matched against every column's value */
  filter?: string;
  selectedId?: string | null;
  onRowClick?: (row: T) => void;
  emptyText?: string;
  /** the scroll area's height; 'auto' fits the rows, up to maxHeight (for short lists inside a page) */
  height?: number | string | 'auto';
  maxHeight?: number;
  /** for rows whose cells show two lines */
  rowHeight?: number;
  initialSort?: SortingState;
  testId?: string;
}

const ROW_HEIGHT = 40;
const HEADER_HEIGHT = 38;

// Natural order ("web-9" before "web-10") at collator speed.
const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });
const compareValues = (x: string | number | null, y: string | number | null): number => {
  if (typeof x === 'number' && typeof y === 'number') return x - y;
  return collator.compare(x === null ? '' : String(x), y === null ? '' : String(y));
};

/** The narrowest each track may get, so a narrow window scrolls sideways instead of clipping columns. */
function minTrackPx(track: string): number {
  const px = /(\d+)px/.exec(track);
  return px ? Number(px[1]) : 120;
}

export function DataTable<T>(props: DataTableProps<T>) {
  const [sorting, setSorting] = useState<SortingState>(props.initialSort ?? []);
  const defs = useMemo<ColumnDef<T>[]>(
    () =>
      props.columns.map((c) => ({
        id: c.id,
        header: c.header,
        accessorFn: c.getValue,
        cell: (ctx) => (c.render ? c.render(ctx.row.original) : String(ctx.getValue() ?? '')),
      })),
    [props.columns],
  );
  // Search over one lower-cased string per row, built once per row list: a keystroke over
  // 10,000 rows is one includes() per row instead of one per cell.
  const haystacks = useMemo(
    () =>
      props.rows.map((r) =>
        props.columns
          .map((c) => c.getValue(r) ?? '')
          .join('\u0000')
          .toLowerCase(),
      ),
    [props.rows, props.columns],
  );
  // Sorted once per row list and sort order, then filtered: a keystroke never re-sorts.
  const order = useMemo(() => {
    const idx = props.rows.map((_, i) => i);
    const rule = sorting[0];
    const col = rule && props.columns.find((c) => c.id === rule.id);
    if (!col || !rule) return idx;
    const keys = props.rows.map((r) => col.getValue(r));
    return idx.sort((a, b) => (rule.desc ? -1 : 1) * compareValues(keys[a] ?? null, keys[b] ?? null));
  }, [props.rows, props.columns, sorting]);
  const needle = (props.filter ?? '').trim().toLowerCase();
  const data = useMemo(() => {
    const picked = needle ? order.filter((i) => haystacks[i]!.includes(needle)) : order;
    return picked.map((i) => props.rows[i]!);
  }, [order, haystacks, needle, props.rows]);
  // TanStack Table returns fresh functions each render; the React Compiler skipping this component is expected.
  // eslint-disable-next-line react-hooks/incompatible-library
  const table = useReactTable({
    data,
    columns: defs,
    state: { sorting },
    onSortingChange: setSorting,
    manualSorting: true,
    enableMultiSort: false,
    getRowId: props.getRowId,
    getCoreRowModel: getCoreRowModel(),
  });
  const rows = table.getRowModel().rows;
  const scrollRef = useRef<HTMLDivElement>(null);
  const rowHeight = props.rowHeight ?? ROW_HEIGHT;
  const virtualizer = useVirtualizer({ count: rows.length, getScrollElement: () => scrollRef.current, estimateSize: () => rowHeight, overscan: 12 });
  // The empty text takes about one row; a horizontal scrollbar is left room for.
  const height =
    props.height === 'auto' ? Math.min(props.maxHeight ?? 360, HEADER_HEIGHT + Math.max(1, rows.length) * rowHeight + 16) : (props.height ?? '100%');
  const clickable = props.onRowClick !== undefined;
  const template = props.columns.map((c) => c.width ?? '1fr').join(' ');
  const minWidth = props.columns.reduce((sum, c) => sum + minTrackPx(c.width ?? '1fr'), 0);

  return (
    <Box
      className={classes.table}
      style={props.height === 'auto' ? { height: 'auto' } : undefined}
      role="table"
      aria-rowcount={rows.length}
      data-testid={props.testId}
    >
      <div ref={scrollRef} className={classes.scroll} style={{ height, minHeight: props.height === 'auto' ? 0 : undefined }}>
        <div className={classes.header} role="row" style={{ gridTemplateColumns: template, minWidth }}>
          {table.getHeaderGroups()[0]?.headers.map((h) => {
            const dir = h.column.getIsSorted();
            return (
              <UnstyledButton
                key={h.id}
                role="columnheader"
                className={classes.headerCell}
                onClick={h.column.getToggleSortingHandler()}
                aria-sort={dir === 'asc' ? 'ascending' : dir === 'desc' ? 'descending' : 'none'}
              >
                {flexRender(h.column.columnDef.header, h.getContext())}
                {dir === 'asc' && <IconArrowUp size={14} />}
                {dir === 'desc' && <IconArrowDown size={14} />}
              </UnstyledButton>
            );
          })}
        </div>
        {rows.length === 0 ? (
          <Text c="dimmed" p="md" ta="center">
            {props.emptyText ?? 'Nothing to show.'}
          </Text>
        ) : (
          <div style={{ height: virtualizer.getTotalSize(), position: 'relative', minWidth }}>
            {virtualizer.getVirtualItems().map((v) => {
              const row = rows[v.index];
              if (!row) return null;
              const selected = props.selectedId === row.id;
              return (
                <div
                  key={row.id}
                  role="row"
                  aria-rowindex={v.index + 1}
                  aria-selected={selected}
                  tabIndex={clickable ? 0 : undefined}
                  data-testid="row"
                  className={classes.row}
                  data-selected={selected || undefined}
                  data-clickable={clickable || undefined}
                  style={{ gridTemplateColumns: template, transform: `translateY(${v.start}px)`, height: rowHeight }}
                  onClick={() => props.onRowClick?.(row.original)}
                  onKeyDown={(e) => {
                    if (e.key === 'Enter' && e.target === e.currentTarget) props.onRowClick?.(row.original);
                  }}
                >
                  {row.getVisibleCells().map((cell) => (
                    <div key={cell.id} role="cell" className={classes.cell}>
                      {flexRender(cell.column.columnDef.cell, cell.getContext())}
                    </div>
                  ))}
                </div>
              );
            })}
          </div>
        )}
      </div>
    </Box>
  );
}
