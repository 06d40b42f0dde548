import type { KeyboardEvent } from 'react';

/**
 * Props for a drawer or modal that others open over (a confirmation, the restore dialog): Escape
 * closes it only while the focus is inside it, so one Escape closes the dialog on top alone and
 * the focus goes back to its opener. Mantine closes every open modal on one Escape unless they
 * share a stack, and a Drawer cannot share a Modal's stack.
 */
export function escapeInside(onClose: () => void) {
  return {
    closeOnEscape: false,
    onKeyDown: (e: KeyboardEvent<HTMLElement>) => {
      // React bubbles events out of portals: a dialog opened over this one is not inside it in the DOM.
      if (e.key === 'Escape' && !e.nativeEvent.isComposing && e.currentTarget.contains(e.target as Node)) onClose();
    },
  };
}
