/**
 * Where a roving focus moves in a vertical list (table rows, tree items) for a key, or null when
 * the key is not a move. Stops at the ends: no wrapping, as the WAI-ARIA grid and tree patterns do.
 */
export function moveIndex(key: string, index: number, count: number, pageSize = 10): number | null {
  if (count === 0) return null;
  const at = (i: number) => Math.min(count - 1, Math.max(0, i));
  switch (key) {
    case 'ArrowDown':
      return at(index + 1);
    case 'ArrowUp':
      return at(index - 1);
    case 'Home':
      return 0;
    case 'End':
      return count - 1;
    case 'PageDown':
      return at(index + pageSize);
    case 'PageUp':
      return at(index - pageSize);
    default:
      return null;
  }
}
