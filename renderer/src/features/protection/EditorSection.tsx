import type { ReactNode } from 'react';
import { Paper, Stack, Text, Title } from '@mantine/core';

/** One titled part of the policy editor, with a line that says what it decides. */
export function EditorSection(props: { id: string; title: string; description: string; children: ReactNode }) {
  return (
    <Paper withBorder p="md" component="section" aria-labelledby={`${props.id}-title`} data-testid={`section-${props.id}`}>
      <Stack gap="sm">
        <div>
          <Title order={2} size="h4" id={`${props.id}-title`}>
            {props.title}
          </Title>
          <Text size="sm" c="dimmed">
            {props.description}
          </Text>
        </div>
        {props.children}
      </Stack>
    </Paper>
  );
}
