import { z } from 'zod';

/** What a person chose for a table's columns: widths they dragged and columns they showed or hid. */
export interface TableLayout {
  /** px, per column id; a column without one keeps its declared track */
  widths: Record<string, number>;
  /** explicit choices only, per column id; the rest follow the column's default */
  visible: Record<string, boolean>;
}

export const EMPTY_LAYOUT: TableLayout = { widths: {}, visible: {} };
export const MIN_COLUMN_PX = 56;
export const MAX_COLUMN_PX = 1200;
const FIT_MAX_PX = 480;

const Stored = z.object({
  v: z.literal(1),
  widths: z.record(z.string(), z.number().finite()),
  visible: z.record(z.string(), z.boolean()),
});

export const clampWidth = (px: number): number => Math.round(Math.min(MAX_COLUMN_PX, Math.max(MIN_COLUMN_PX, px)));

const storageKeyOf = (key: string) => `backstack.table.${key}`;

/** The stored layout, or none: a value from an older version or edited by hand is ignored, not trusted. */
export function parseLayout(text: string | null): TableLayout {
  if (!text) return EMPTY_LAYOUT;
  try {
    const r = Stored.safeParse(JSON.parse(text));
    if (!r.success) return EMPTY_LAYOUT;
    const widths = Object.fromEntries(Object.entries(r.data.widths).map(([id, px]) => [id, clampWidth(px)]));
    return { widths, visible: r.data.visible };
  } catch {
    return EMPTY_LAYOUT;
  }
}

export function readLayout(key: string | undefined): TableLayout {
  if (!key) return EMPTY_LAYOUT;
  try {
    return parseLayout(localStorage.getItem(storageKeyOf(key)));
  } catch {
    // Storage refused (a locked-down profile): the table works, it just does not remember.
    return EMPTY_LAYOUT;
  }
}

export function writeLayout(key: string | undefined, layout: TableLayout): void {
  if (!key) return;
  try {
    if (Object.keys(layout.widths).length === 0 && Object.keys(layout.visible).length === 0) localStorage.removeItem(storageKeyOf(key));
    else localStorage.setItem(storageKeyOf(key), JSON.stringify({ v: 1, ...layout }));
  } catch {
    // as in readLayout: not remembered, nothing lost
  }
}

/** A declared CSS grid track whose minimum is raised to `px` (e.g. a column fitted to its longest value). */
export function raiseTrackMin(track: string, px: number): string {
  const min = Math.min(FIT_MAX_PX, Math.ceil(px));
  const m = /^minmax\(\s*(\d+)px\s*,\s*(.+)\)$/.exec(track.trim());
  if (m) return `minmax(${Math.max(Number(m[1]), min)}px, ${m[2]})`;
  const fixed = /^(\d+)px$/.exec(track.trim());
  if (fixed) return `${Math.max(Number(fixed[1]), min)}px`;
  return `minmax(${min}px, ${track})`;
}

/** The narrowest a track may get, so a narrow window scrolls sideways instead of clipping columns. */
export function minTrackPx(track: string): number {
  const px = /(\d+)px/.exec(track);
  return px ? Number(px[1]) : 120;
}

/** The strings most likely to be the widest (the longest by characters): measuring all of 10,000 rows is not needed. */
export function longestValues(values: readonly string[], count = 40): string[] {
  if (values.length <= count) return [...values];
  return [...values].sort((a, b) => b.length - a.length).slice(0, count);
}

let measureCtx: CanvasRenderingContext2D | null | undefined;
/** The rendered width of the widest string in the table's text style (14 px at the default root size), plus the cell's padding. */
export function widestPx(values: string[]): number {
  measureCtx ??= document.createElement('canvas').getContext('2d');
  if (!measureCtx) return 0;
  const root = parseFloat(getComputedStyle(document.documentElement).fontSize) || 16;
  measureCtx.font = `${root * 0.875}px ${getComputedStyle(document.body).fontFamily}`;
  return Math.max(0, ...values.map((v) => measureCtx!.measureText(v).width)) + 20;
}
