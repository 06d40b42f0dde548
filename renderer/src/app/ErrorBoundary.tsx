import { Component, type ReactNode } from 'react';
import { Alert, Button, Code, Stack } from '@mantine/core';

/** A crash in one screen shows what happened and a way out, not a blank window. */
export class ErrorBoundary extends Component<{ children: ReactNode }, { error: Error | null }> {
  override state = { error: null as Error | null };

  static getDerivedStateFromError(error: Error) {
    return { error };
  }

  override render() {
    if (!this.state.error) return this.props.children;
    return (
      <Stack p="xl" maw={720}>
        <Alert color="red" title="This screen failed to render">
          Your data is not affected. Reload the window; if it happens again, include this message in a report.
          <Code block mt="sm">
            {this.state.error.message}
          </Code>
        </Alert>
        <Button onClick={() => location.reload()} w={160}>
          Reload
        </Button>
      </Stack>
    );
  }
}
