import { useState } from 'react';
import { Box, Button, Group, Modal, Stepper } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import type { ProviderView } from '../../../../shared/domain/providers';
import { call } from '../../api/client';
import { useSubmit } from '../../api/useSubmit';
import { ErrorAlert } from '../../components/ErrorAlert';
import { ModalFooter } from '../../components/ModalFooter';
import { CloudStep } from './CloudStep';
import { DomainsStep } from './DomainsStep';
import { TestStep, type TestState } from './TestStep';
import { cloudStep, domainsError, draftFromSaved, emptyDraft, firstError, toInput, type WizardDraft } from './wizard-state';

/**
 * Add a cloud: where it is, how to log in, a connection test, then save (and offer the first sync).
 * With `editing`, the same steps change a saved cloud: prefilled, its stored secrets kept unless
 * new ones are typed, tested the same way before it is saved under the same id.
 */
export function ProviderWizard({ opened, editing, onClose }: { opened: boolean; editing: ProviderView | null; onClose: () => void }) {
  const [step, setStep] = useState(0);
  const initial = () => (editing ? draftFromSaved(editing) : emptyDraft());
  const [draft, setDraft] = useState<WizardDraft>(initial);
  const [test, setTest] = useState<TestState>({ running: false, result: null, accepted: null });
  const editingId = editing ? { id: editing.id } : {};

  const save = useSubmit(async () => {
    const accepted = test.accepted ? { acceptFingerprint: test.accepted } : {};
    const p = editing
      ? await call('providers.update', { id: editing.id, provider: toInput(draft), ...accepted })
      : await call('providers.add', { provider: toInput(draft), ...accepted });
    const { jobId } = await call('inventory.startSync', { providerId: p.id });
    notifications.show({
      color: 'green',
      title: editing ? `Cloud "${p.name}" saved` : `Cloud "${p.name}" added`,
      message: `${editing ? 'Its inventory is synced again with the new settings' : 'The first inventory sync is running'} (job ${jobId.slice(0, 8)}).`,
    });
  });

  const blockers = [firstError(cloudStep.safeParse(draft)), domainsError(draft), null];
  const reset = () => {
    setStep(0);
    setDraft(initial());
    setTest({ running: false, result: null, accepted: null });
    save.clearError();
  };
  const close = () => {
    reset();
    onClose();
  };

  const runTest = async (accepted: string | null = test.accepted) => {
    setTest({ running: true, result: null, accepted });
    save.clearError();
    try {
      const result = await call('providers.test', { provider: toInput(draft), ...editingId, ...(accepted ? { acceptFingerprint: accepted } : {}) });
      setTest({ running: false, result, accepted });
    } catch (e) {
      setTest({
        running: false,
        result: { ok: false, certificate: null, authDomains: [], services: [], error: { code: 'error', message: (e as Error).message } },
        accepted,
      });
    }
  };

  const goTo = (n: number) => {
    setStep(n);
    if (n === 2) void runTest();
  };
  const needsTrust = test.result?.error?.code === 'tls.untrusted' || test.result?.error?.code === 'tls.certificateChanged';

  return (
    <Modal opened={opened} onClose={close} title={editing ? `Edit cloud "${editing.name}"` : 'Add a cloud'} size="xl" closeOnClickOutside={false}>
      <Stepper active={step} onStepClick={(n) => n < step && goTo(n)} size="sm" mb="md">
        <Stepper.Step label="Cloud" description="Keystone and options">
          <CloudStep draft={draft} onChange={setDraft} />
        </Stepper.Step>
        <Stepper.Step label="Authentication" description="Domains and users">
          <DomainsStep draft={draft} onChange={setDraft} />
        </Stepper.Step>
        <Stepper.Step label="Test connection" description="Services and certificate">
          <TestStep state={test} trustEnabled={draft.trustCertificates} onAccept={(fp) => void runTest(fp)} />
        </Stepper.Step>
      </Stepper>
      <ModalFooter>
        {save.error && (
          <Box mb="sm">
            <ErrorAlert error={save.error} title="Not saved" />
          </Box>
        )}
        <Group justify="space-between">
          <Button variant="default" onClick={() => (step === 0 ? close() : goTo(step - 1))}>
            {step === 0 ? 'Cancel' : 'Back'}
          </Button>
          {step < 2 ? (
            <Button onClick={() => goTo(step + 1)} disabled={blockers[step] !== null} title={blockers[step] ?? undefined}>
              Next
            </Button>
          ) : (
            <Group>
              <Button variant="default" onClick={() => void runTest()} loading={test.running}>
                Test again
              </Button>
              <Button
                onClick={() => void save.run().then((r) => r.ok && close())}
                loading={save.busy}
                disabled={!test.result?.ok || (needsTrust && !test.accepted)}
              >
                Save and sync
              </Button>
            </Group>
          )}
        </Group>
      </ModalFooter>
    </Modal>
  );
}
