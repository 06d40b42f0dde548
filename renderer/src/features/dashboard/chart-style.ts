import type { CSSProperties } from 'react';

/** Chart colours from the theme's variables, so axes, grid and tooltips read in light and dark. */
export const axisTick = { fill: 'var(--mantine-color-dimmed)', fontSize: 11 };
export const gridStroke = 'var(--mantine-color-default-border)';
export const tooltipStyle: CSSProperties = {
  background: 'var(--mantine-color-body)',
  border: '1px solid var(--mantine-color-default-border)',
  borderRadius: 4,
  fontSize: 12,
};

/** Axis ticks for byte counts at round binary figures (0, 1 GiB, 2 GiB …), not at decimal ones (619.9 MiB). */
export function byteTicks(max: number): number[] {
  if (max <= 0) return [0];
  const unit = 1024 ** Math.max(0, Math.floor(Math.log(max) / Math.log(1024)));
  const rough = max / unit / 4;
  const pow = 10 ** Math.floor(Math.log10(rough));
  const step = ([1, 2, 2.5, 5].find((m) => m * pow >= rough) ?? 10) * pow * unit;
  return Array.from({ length: Math.ceil(max / step) + 1 }, (_, i) => i * step);
}
