import type { ReactNode } from 'react';
import { Stack, Text, ThemeIcon, Title } from '@mantine/core';

/** What a screen shows when it has nothing yet: says what this is for and the next step. */
export function EmptyState(props: { icon: ReactNode; title: string; children: ReactNode; action?: ReactNode }) {
  return (
    <Stack align="center" gap="sm" py={64} maw={560} mx="auto" ta="center" data-testid="empty-state">
      <ThemeIcon size={56} radius="xl" variant="light">
        {props.icon}
      </ThemeIcon>
      <Title order={2} size="h3">
        {props.title}
      </Title>
      <Text c="dimmed">{props.children}</Text>
      {props.action}
    </Stack>
  );
}
