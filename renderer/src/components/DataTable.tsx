import { useLayoutEffect, useMemo, useReducer, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';
import { flexRender, getCoreRowModel, useReactTable, type ColumnDef, type SortingState } from '@tanstack/react-table';
import { defaultRangeExtractor, useVirtualizer } from '@tanstack/react-virtual';
import { Box, UnstyledButton } from '@mantine/core';
import { IconArrowDown, IconArrowUp } from '@tabler/icons-react';
import { ColumnMenu } from './ColumnMenu';
import classes from './DataTable.module.css';
import { moveIndex } from './roving';
import { longestValues, minTrackPx, raiseTrackMin, widestPx } from './table-layout';
import { dragColumnEdge, useTableLayout } from './useTableLayout';

/** A column as screens declare it; the table does sorting, filtering, virtualization, sizing and hiding. */
export interface Column<T> {
  id: string;
  header: string;
  getValue: (row: T) => string | number | null;
  render?: (row: T) => ReactNode;
  /** CSS grid track, e.g. '2fr' or '120px'; a width dragged by the user replaces it */
  width?: string;
  /** false: always shown (the column that names the rows); a column without a header (actions) always is */
  hideable?: boolean;
  /** hidden until shown from the column menu */
  hidden?: boolean;
  /** the track is at least as wide as the column's longest value (up to 480 px): the other columns give way first */
  fitContent?: boolean;
}

export interface DataTableProps<T> {
  rows: T[];
  columns: Column<T>[];
  getRowId: (row: T) => string;
  /** free text matched against every column's value */
  filter?: string;
  selectedId?: string | null;
  /** makes rows keyboard-reachable (one tab stop, arrow keys) and Enter or a click opens the row */
  onRowClick?: (row: T) => void;
  emptyText?: string;
  /** the scroll area's height; 'auto' fits the rows, up to maxHeight (for short lists inside a page) */
  height?: number | string | 'auto';
  maxHeight?: number;
  /** for rows whose cells show two lines */
  rowHeight?: number;
  initialSort?: SortingState;
  testId?: string;
  /** the table's accessible name, e.g. "Instances" */
  label?: string;
  /** where column widths and hidden columns are remembered across reloads; default: testId (none: not remembered) */
  storageKey?: string;
}

const ROW_HEIGHT = 40;
const HEADER_HEIGHT = 38;
/** the header's last track, under the column menu button */
const MENU_TRACK = 32;
const KEY_RESIZE_PX = 16;

// Natural order ("web-9" before "web-10") at collator speed.
const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });
const compareValues = (x: string | number | null, y: string | number | null): number => {
  if (typeof x === 'number' && typeof y === 'number') return x - y;
  return collator.compare(x === null ? '' : String(x), y === null ? '' : String(y));
};

const titled = (c: { header: string }) => c.header.trim() !== '';

function numeric<T>(rows: readonly T[], get: (row: T) => string | number | null): boolean {
  for (const r of rows) {
    const v = get(r);
    if (v !== null && v !== undefined) return typeof v === 'number';
  }
  return false;
}

export function DataTable<T>(props: DataTableProps<T>) {
  const [sorting, setSorting] = useState<SortingState>(props.initialSort ?? []);
  const layout = useTableLayout(props.storageKey ?? props.testId, props.columns);
  const defs = useMemo<ColumnDef<T>[]>(
    () =>
      props.columns.map((c) => ({
        id: c.id,
        header: c.header,
        accessorFn: c.getValue,
        // A column without a header holds buttons: nothing to sort by.
        enableSorting: titled(c),
        cell: (ctx) => (c.render ? c.render(ctx.row.original) : String(ctx.getValue() ?? '')),
        // Numbers sort largest first on the first click, text (times too) A to Z, decided by the
        // first value present: TanStack would decide by the first row's, and an empty one flips it.
        sortDescFirst: numeric(props.rows, c.getValue),
      })),
    [props.columns, props.rows],
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
  // Widths of the columns fitted to their content, over every row (not just the shown ones): filtering does not make columns jump.
  const fitted = useMemo(() => {
    const px: Record<string, number> = {};
    for (const c of props.columns) if (c.fitContent) px[c.id] = widestPx(longestValues(props.rows.map((r) => String(c.getValue(r) ?? ''))));
    return px;
  }, [props.rows, props.columns]);
  // TanStack Table returns fresh functions each render; the React Compiler skipping this component is expected.
  // eslint-disable-next-line react-hooks/incompatible-library
  const table = useReactTable({
    data,
    columns: defs,
    state: { sorting, columnSizing: layout.sizing, columnVisibility: layout.visibility },
    onSortingChange: setSorting,
    manualSorting: true,
    enableMultiSort: false,
    getRowId: props.getRowId,
    getCoreRowModel: getCoreRowModel(),
  });
  const rows = table.getRowModel().rows;
  const headers = table.getHeaderGroups()[0]?.headers ?? [];
  const clickable = props.onRowClick !== undefined;
  const declared = new Map(props.columns.map((c) => [c.id, c]));

  // One tab stop: the active row, or a header once the focus went up there (arrow keys move it).
  const [activeId, setActiveId] = useState<string | null>(null);
  const [headerAt, setHeaderAt] = useState<number | null>(null);
  const indexById = useMemo(() => new Map(rows.map((r, i) => [r.id, i])), [rows]);
  const activeIndex = rows.length === 0 ? -1 : activeId === null ? 0 : (indexById.get(activeId) ?? 0);
  const rowsHoldTabStop = clickable && rows.length > 0 && headerAt === null;
  // The header row's stops: the sort buttons of titled columns, then the column menu.
  const stops = [...headers.flatMap((h, i) => (titled(declared.get(h.id) ?? { header: '' }) ? [i] : [])), headers.length];
  const headerTabStop = rowsHoldTabStop ? -1 : headerAt !== null && stops.includes(headerAt) ? headerAt : stops[0]!;
  const focusNext = useRef<{ kind: 'row' | 'header'; index: number } | null>(null);
  const [, rerender] = useReducer((n: number) => n + 1, 0);

  const scrollRef = useRef<HTMLDivElement>(null);
  const rowHeight = props.rowHeight ?? ROW_HEIGHT;
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => rowHeight,
    overscan: 12,
    // The row holding the tab stop stays rendered when scrolled away, so Tab always finds it.
    rangeExtractor: (range) => {
      const shown = defaultRangeExtractor(range);
      return clickable && activeIndex >= 0 && !shown.includes(activeIndex) ? [...shown, activeIndex].sort((a, b) => a - b) : shown;
    },
  });
  useLayoutEffect(() => {
    const f = focusNext.current;
    if (!f) return;
    focusNext.current = null;
    scrollRef.current?.querySelector<HTMLElement>(f.kind === 'row' ? `[data-index="${f.index}"]` : `[data-header-index="${f.index}"]`)?.focus();
  });
  const moveFocus = (kind: 'row' | 'header', index: number) => {
    if (kind === 'row') {
      setActiveId(rows[index]!.id);
      setHeaderAt(null);
    } else setHeaderAt(index);
    focusNext.current = { kind, index };
    rerender();
  };
  const pageSize = () => Math.max(1, Math.floor(((scrollRef.current?.clientHeight ?? 0) - HEADER_HEIGHT) / rowHeight) - 1);

  const onRowKey = (e: KeyboardEvent<HTMLDivElement>, index: number, row: T) => {
    if (e.target !== e.currentTarget) return; // a button inside the row handles its own keys
    if (e.key === 'Enter') {
      e.preventDefault();
      props.onRowClick?.(row);
      return;
    }
    const next = e.key === 'ArrowUp' && index === 0 ? 'header' : moveIndex(e.key, index, rows.length, pageSize());
    if (next === null) return;
    e.preventDefault();
    if (next === 'header') moveFocus('header', stops[0]!);
    else moveFocus('row', next);
  };
  // Headers, then the column menu button, as one row of the roving focus.
  const onHeaderKey = (e: KeyboardEvent<HTMLButtonElement>, index: number, columnId: string | null) => {
    if (columnId && e.shiftKey && (e.key === 'ArrowLeft' || e.key === 'ArrowRight')) {
      e.preventDefault();
      const now = e.currentTarget.parentElement?.getBoundingClientRect().width ?? 0;
      layout.setWidth(columnId, now + (e.key === 'ArrowRight' ? KEY_RESIZE_PX : -KEY_RESIZE_PX));
      return;
    }
    const at = stops.indexOf(index);
    const next = { ArrowLeft: stops[Math.max(0, at - 1)], ArrowRight: stops[Math.min(stops.length - 1, at + 1)], Home: stops[0], End: stops.at(-1) }[
      e.key
    ];
    if (e.key === 'ArrowDown' && clickable && rows.length > 0) {
      e.preventDefault();
      moveFocus('row', activeIndex);
    } else if (next !== undefined) {
      e.preventDefault();
      moveFocus('header', next);
    }
  };

  // The empty text takes about one row; a horizontal scrollbar is left room for.
  const height =
    props.height === 'auto' ? Math.min(props.maxHeight ?? 360, HEADER_HEIGHT + Math.max(1, rows.length) * rowHeight + 16) : (props.height ?? '100%');
  const tracks = headers.map((h) => {
    const dragged = layout.sizing[h.id];
    if (dragged !== undefined) return `${dragged}px`;
    const track = declared.get(h.id)?.width ?? '1fr';
    const fit = fitted[h.id];
    return fit ? raiseTrackMin(track, fit) : track;
  });
  const template = [...tracks, `${MENU_TRACK}px`].join(' ');
  const minWidth = tracks.reduce((sum, t) => sum + minTrackPx(t), MENU_TRACK);
  const cellRole = clickable ? 'gridcell' : 'cell';

  return (
    <Box className={classes.table} style={props.height === 'auto' ? { height: 'auto' } : undefined}>
      <div
        ref={scrollRef}
        data-testid={props.testId}
        className={classes.scroll}
        style={{ height, minHeight: props.height === 'auto' ? 0 : undefined, scrollPaddingTop: HEADER_HEIGHT }}
        role={clickable ? 'grid' : 'table'}
        aria-label={props.label}
        aria-rowcount={rows.length + 1}
      >
        <div className={classes.header} role="row" aria-rowindex={1} style={{ gridTemplateColumns: template, minWidth }}>
          {headers.map((h, i) => {
            const dir = h.column.getIsSorted();
            const sortable = h.column.getCanSort();
            return (
              <div
                key={h.id}
                role="columnheader"
                className={classes.headerCell}
                aria-sort={!sortable ? undefined : dir === 'asc' ? 'ascending' : dir === 'desc' ? 'descending' : 'none'}
              >
                {sortable && (
                  <UnstyledButton
                    className={classes.sortButton}
                    onClick={h.column.getToggleSortingHandler()}
                    tabIndex={i === headerTabStop ? 0 : -1}
                    data-header-index={i}
                    onKeyDown={(e) => onHeaderKey(e, i, h.id)}
                    onFocus={() => headerAt !== i && setHeaderAt(i)}
                    aria-keyshortcuts="Shift+ArrowLeft Shift+ArrowRight"
                  >
                    <span className={classes.headerText}>{flexRender(h.column.columnDef.header, h.getContext())}</span>
                    {dir === 'asc' && <IconArrowUp size={14} />}
                    {dir === 'desc' && <IconArrowDown size={14} />}
                  </UnstyledButton>
                )}
                <div
                  className={classes.resizer}
                  aria-hidden
                  title="Drag to resize; double-click for the original width"
                  data-testid={`resize-${h.id}`}
                  onPointerDown={(e) => dragColumnEdge(e, (px) => layout.setWidth(h.id, px))}
                  onDoubleClick={() => layout.resetWidth(h.id)}
                />
              </div>
            );
          })}
          <div role="columnheader" className={classes.menuCell}>
            <ColumnMenu
              columns={props.columns.filter(titled)}
              layout={layout}
              button={{
                tabIndex: headerTabStop === headers.length ? 0 : -1,
                'data-header-index': headers.length,
                onKeyDown: (e) => onHeaderKey(e, headers.length, null),
                onFocus: () => headerAt !== headers.length && setHeaderAt(headers.length),
              }}
            />
          </div>
        </div>
        {rows.length === 0 ? (
          <div role="row" aria-rowindex={2}>
            <div role={cellRole} className={classes.empty}>
              {props.emptyText ?? 'Nothing to show.'}
            </div>
          </div>
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
                  aria-rowindex={v.index + 2}
                  aria-selected={clickable ? selected : undefined}
                  tabIndex={clickable ? (rowsHoldTabStop && v.index === activeIndex ? 0 : -1) : undefined}
                  data-testid="row"
                  data-index={v.index}
                  className={classes.row}
                  data-selected={selected || undefined}
                  data-clickable={clickable || undefined}
                  style={{ gridTemplateColumns: template, transform: `translateY(${v.start}px)`, height: rowHeight }}
                  onClick={() => props.onRowClick?.(row.original)}
                  onKeyDown={(e) => onRowKey(e, v.index, row.original)}
                  onFocus={(e) => {
                    if (e.target !== e.currentTarget) return;
                    if (activeId !== row.id) setActiveId(row.id);
                    if (headerAt !== null) setHeaderAt(null);
                  }}
                >
                  {row.getVisibleCells().map((cell) => {
                    const value = declared.get(cell.column.id)?.render ? undefined : String(cell.getValue() ?? '');
                    return (
                      <div key={cell.id} role={cellRole} className={classes.cell} title={value || undefined}>
                        {flexRender(cell.column.columnDef.cell, cell.getContext())}
                      </div>
                    );
                  })}
                </div>
              );
            })}
          </div>
        )}
      </div>
    </Box>
  );
}
