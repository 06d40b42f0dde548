import type { ReactNode } from 'react';
import { Alert, Stack, Text, Title } from '@mantine/core';
import { IconCircleCheck, IconInfoCircle } from '@tabler/icons-react';

/** One step of the setup: what it is for, then its work. */
export function StepFrame(props: { title: string; children: ReactNode; intro: ReactNode }) {
  return (
    <Stack gap="md" maw={1100}>
      <div>
        <Title order={2} size="h3">
          {props.title}
        </Title>
        <Text c="dimmed" size="sm" maw={760}>
          {props.intro}
        </Text>
      </div>
      {props.children}
    </Stack>
  );
}

/** What exists already for this step. */
export function DoneNote({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <Alert color="green" variant="light" icon={<IconCircleCheck size={18} />} title={title} data-testid="step-done">
      {children}
    </Alert>
  );
}

/** A step that needs an earlier one first: says which. */
export function NeedsFirst({ children }: { children: ReactNode }) {
  return (
    <Alert color="gray" variant="light" icon={<IconInfoCircle size={18} />} data-testid="step-needs">
      {children}
    </Alert>
  );
}
