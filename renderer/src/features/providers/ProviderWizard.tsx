import { useState } from 'react';
import { Alert, Button, Group, Modal, Stepper } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { call } from '../../api/client';
import { CloudStep } from './CloudStep';
import { DomainsStep } from './DomainsStep';
import { TestStep, type TestState } from './TestStep';
import { cloudStep, domainsStep, emptyDraft, firstError, toInput, type WizardDraft } from './wizard-state';

/** Add a cloud: where it is, how to log in, a connection test, then save (and offer the first sync). */
export function ProviderWizard({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const [step, setStep] = useState(0);
  const [draft, setDraft] = useState<WizardDraft>(emptyDraft);
  const [test, setTest] = useState<TestState>({ running: false, result: null, accepted: null });
  const [saving, setSaving] = useState(false);
  const [saveError, setSaveError] = useState<string | null>(null);

  const blockers = [firstError(cloudStep.safeParse(draft)), firstError(domainsStep.safeParse(toInput(draft))), null];
  const reset = () => {
    setStep(0);
    setDraft(emptyDraft());
    setTest({ running: false, result: null, accepted: null });
    setSaveError(null);
  };
  const close = () => {
    reset();
    onClose();
  };

  const runTest = async (accepted: string | null = test.accepted) => {
    setTest({ running: true, result: null, accepted });
    setSaveError(null);
    try {
      const result = await call('providers.test', { provider: toInput(draft), ...(accepted ? { acceptFingerprint: accepted } : {}) });
      setTest({ running: false, result, accepted });
    } catch (e) {
      setTest({
        running: false,
        result: { ok: false, certificate: null, authDomains: [], services: [], error: { code: 'error', message: (e as Error).message } },
        accepted,
      });
    }
  };

  const save = async () => {
    setSaving(true);
    setSaveError(null);
    try {
      const p = await call('providers.add', { provider: toInput(draft), ...(test.accepted ? { acceptFingerprint: test.accepted } : {}) });
      const { jobId } = await call('inventory.startSync', { providerId: p.id });
      notifications.show({
        color: 'green',
        title: `Cloud "${p.name}" added`,
        message: `The first inventory sync is running (job ${jobId.slice(0, 8)}).`,
      });
      close();
    } catch (e) {
      setSaveError((e as Error).message);
    } finally {
      setSaving(false);
    }
  };

  const goTo = (n: number) => {
    setStep(n);
    if (n === 2) void runTest();
  };
  const needsTrust = test.result?.error?.code === 'tls.untrusted';

  return (
    <Modal opened={opened} onClose={close} title="Add a cloud" size="xl" closeOnClickOutside={false}>
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
      {saveError && (
        <Alert color="red" mb="sm" title="Not saved">
          {saveError}
        </Alert>
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
            <Button onClick={() => void save()} loading={saving} disabled={!test.result?.ok || (needsTrust && !test.accepted)}>
              Save and sync
            </Button>
          </Group>
        )}
      </Group>
    </Modal>
  );
}
