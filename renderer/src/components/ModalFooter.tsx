import type { ReactNode } from 'react';
import { Box } from '@mantine/core';

/**
 * A dialog's last lines (an error, its buttons), stuck to the bottom of the dialog: when the
 * content above makes the dialog scroll, they stay in view instead of below the fold.
 */
export function ModalFooter({ children }: { children: ReactNode }) {
  return (
    <Box pos="sticky" bottom={0} pt="sm" pb="md" mb="-md" bg="var(--mantine-color-body)" style={{ zIndex: 2 }}>
      {children}
    </Box>
  );
}
