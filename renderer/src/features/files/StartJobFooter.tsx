import { Button, Group } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import type { AppError } from '../../../../shared/errors/app-error';
import { followJob } from '../../api/actions';
import { ErrorAlert } from '../../components/ErrorAlert';
import { ModalFooter } from '../../components/ModalFooter';

/**
 * The foot of a dialog that starts a file restore job: why it could not start, Cancel, and the
 * button that starts it; once started, a notice that leads to the job, and the dialog closes.
 */
export function StartJobFooter(props: {
  start: { run: () => Promise<{ ok: true; value: { jobId: string } } | { ok: false }>; busy: boolean; error: AppError | null };
  label: string;
  disabled: boolean;
  /** the notice's title once the job is queued */
  started: () => string;
  onClose: () => void;
}) {
  return (
    <ModalFooter>
      {props.start.error && <ErrorAlert error={props.start.error} title="The restore could not start" compact />}
      <Group justify="flex-end" mt="sm">
        <Button variant="default" onClick={props.onClose}>
          Cancel
        </Button>
        <Button
          disabled={props.disabled}
          loading={props.start.busy}
          onClick={async () => {
            const r = await props.start.run();
            if (!r.ok) return;
            notifications.show({ title: props.started(), message: followJob(r.value) });
            props.onClose();
          }}
        >
          {props.label}
        </Button>
      </Group>
    </ModalFooter>
  );
}
