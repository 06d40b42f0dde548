import { useEffect, type KeyboardEvent } from 'react';

/**
 * Props for a drawer or modal that others open over (a confirmation, the restore dialog): Escape
 * closes it only while the focus is inside it, so one Escape closes the dialog on top alone and
 * the focus goes back to its opener. Mantine closes every open modal on one Escape unless they
 * share a stack, and a Drawer cannot share a Modal's stack.
 *
 * When nothing has the focus (a clicked button turned disabled while it works, which drops the
 * focus to the page), Escape still closes it as long as no other dialog is open over it.
 */
export function useEscapeInside(opened: boolean, onClose: () => void) {
  useEffect(() => {
    if (!opened) return;
    const onKey = (e: globalThis.KeyboardEvent) => {
      if (e.key !== 'Escape' || e.isComposing) return;
      const focusLost = e.target === document.body || e.target === document.documentElement;
      if (focusLost && document.querySelectorAll('[role="dialog"]').length <= 1) onClose();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [opened, onClose]);
  return {
    closeOnEscape: false,
    onKeyDown: (e: KeyboardEvent<HTMLElement>) => {
      // React bubbles events out of portals: a dialog opened over this one is not inside it in the DOM.
      if (e.key === 'Escape' && !e.nativeEvent.isComposing && e.currentTarget.contains(e.target as Node)) onClose();
    },
  };
}
