import { useMemo, useState, type PointerEvent } from 'react';
import type { ColumnSizingState, VisibilityState } from '@tanstack/react-table';
import { clampWidth, EMPTY_LAYOUT, readLayout, writeLayout, type TableLayout } from './table-layout';

interface LayoutColumn {
  id: string;
  header: string;
  hidden?: boolean;
  hideable?: boolean;
}

/** The column naming the rows, and a column without a header (its buttons) are never hidden. */
const alwaysShown = (c: LayoutColumn) => c.hideable === false || c.header.trim() === '';

export interface TableLayoutState {
  /** TanStack's column sizing: only the widths a person set */
  sizing: ColumnSizingState;
  /** TanStack's column visibility: defaults with the person's choices over them */
  visibility: VisibilityState;
  setWidth(id: string, px: number): void;
  resetWidth(id: string): void;
  setVisible(id: string, visible: boolean): void;
  /** back to the declared widths and default columns, and nothing remembered */
  reset(): void;
  customized: boolean;
}

/** Column widths and visibility, remembered per table in localStorage across reloads. */
export function useTableLayout(key: string | undefined, columns: readonly LayoutColumn[]): TableLayoutState {
  const [layout, setLayout] = useState<TableLayout>(() => readLayout(key));
  const update = (next: (l: TableLayout) => TableLayout) =>
    setLayout((l) => {
      const n = next(l);
      writeLayout(key, n);
      return n;
    });
  const visibility = useMemo(() => {
    const v: VisibilityState = {};
    for (const c of columns) v[c.id] = alwaysShown(c) ? true : (layout.visible[c.id] ?? !c.hidden);
    return v;
  }, [columns, layout.visible]);
  return {
    sizing: layout.widths,
    visibility,
    setWidth: (id, px) => update((l) => ({ ...l, widths: { ...l.widths, [id]: clampWidth(px) } })),
    resetWidth: (id) =>
      update((l) => {
        const { [id]: _dropped, ...widths } = l.widths;
        return { ...l, widths };
      }),
    setVisible: (id, visible) => {
      const c = columns.find((x) => x.id === id);
      if (!c || alwaysShown(c)) return;
      update((l) => ({ ...l, visible: { ...l.visible, [id]: visible } }));
    },
    reset: () => update(() => EMPTY_LAYOUT),
    customized: Object.keys(layout.widths).length > 0 || Object.keys(layout.visible).length > 0,
  };
}

/** Follows a drag of a column header's right edge, reporting the column's new width in px. */
export function dragColumnEdge(e: PointerEvent<HTMLElement>, onWidth: (px: number) => void): void {
  e.preventDefault();
  e.stopPropagation();
  const handle = e.currentTarget;
  const from = handle.parentElement?.getBoundingClientRect().width ?? 0;
  const x0 = e.clientX;
  handle.setPointerCapture(e.pointerId);
  const move = (ev: globalThis.PointerEvent) => onWidth(from + ev.clientX - x0);
  const end = () => {
    handle.removeEventListener('pointermove', move);
    handle.removeEventListener('pointerup', end);
    handle.removeEventListener('pointercancel', end);
  };
  handle.addEventListener('pointermove', move);
  handle.addEventListener('pointerup', end);
  handle.addEventListener('pointercancel', end);
}
