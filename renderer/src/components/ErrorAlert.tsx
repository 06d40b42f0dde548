import { Alert, Button, Code, Text } from '@mantine/core';
import { IconAlertTriangle } from '@tabler/icons-react';
import type { AppError } from '../../../shared/errors/app-error';
import { nextStep } from '../api/errors';

/** An error as people should see it: what failed, the core's message, what to do next, and the request id. */
export function ErrorAlert(props: { error: AppError; title: string; onRetry?: () => void; compact?: boolean }) {
  const { error } = props;
  const step = nextStep(error);
  return (
    <Alert
      color="red"
      variant="light"
      icon={props.compact ? undefined : <IconAlertTriangle size={18} />}
      title={props.title}
      p={props.compact ? 'xs' : undefined}
    >
      <Text size="sm">{error.message}</Text>
      {step && (
        <Text size="sm" mt={4}>
          {step}
        </Text>
      )}
      {error.requestId && (
        <Text size="xs" c="dimmed" mt={4}>
          request id <Code>{error.requestId}</Code>
        </Text>
      )}
      {props.onRetry && (
        <Button size="compact-xs" variant="light" color="red" mt="xs" onClick={props.onRetry}>
          Try again
        </Button>
      )}
    </Alert>
  );
}
