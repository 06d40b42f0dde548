import { useState, type ReactNode } from 'react';
import { useNavigate } from 'react-router';
import { Box, Button, Group, Loader, Paper, Stack, Stepper, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconCheck, IconPlayerSkipForward } from '@tabler/icons-react';
import type { FirstRun, FirstRunStep } from '../../../../shared/domain/app';
import { asAppError } from '../../api/errors';
import { ErrorAlert } from '../../components/ErrorAlert';
import { PageHeader } from '../../components/PageHeader';
import { useAppStore } from '../../stores/app.store';
import { CloudSetup } from './CloudSetup';
import { DestinationSetup } from './DestinationSetup';
import { FirstBackup } from './FirstBackup';
import { advance, dismiss, moveTo, resumeAt, SETUP_STEPS, skip, statusOf } from './first-run';
import { HypervisorSetup } from './HypervisorSetup';
import { PolicySetup } from './PolicySetup';
import { SetupSummary, STATUS_WORDS, STEP_LABELS } from './SetupSummary';
import { useSetupData, type SetupData } from './useSetupData';

const TITLE = 'Set up Backstack';

function content(step: FirstRunStep, d: SetupData, progress: FirstRun): ReactNode {
  switch (step) {
    case 'cloud':
      return <CloudSetup providers={d.providers} />;
    case 'hypervisors':
      return <HypervisorSetup providers={d.providers} hosts={d.hosts} />;
    case 'destination':
      return <DestinationSetup destinations={d.destinations} />;
    case 'policy':
      return <PolicySetup destinations={d.destinations} policies={d.policies} />;
    case 'run':
      return <FirstBackup policies={d.policies} jobs={d.jobs} />;
    case 'summary':
      return <SetupSummary data={d} progress={progress} />;
  }
}

/** The stepper, the current step's work, and Back / Skip / Next; every move is stored so the setup resumes there. */
function Wizard({ data, stored, failed }: { data: SetupData; stored: FirstRun; failed: ReactNode }) {
  const navigate = useNavigate();
  const update = useAppStore((s) => s.updateSettings);
  const [progress, setProgress] = useState<FirstRun>(() => ({ ...stored, step: resumeAt(stored, data.facts) }));
  const save = (next: FirstRun) => {
    setProgress(next);
    update({ firstRun: next }).catch((e: unknown) =>
      notifications.show({ color: 'red', title: 'Where the setup stands was not saved', message: asAppError(e).message }),
    );
  };
  const leave = (next: FirstRun) => {
    save(next);
    void navigate('/dashboard');
  };
  const step = progress.step;
  const index = SETUP_STEPS.indexOf(step);
  const status = statusOf(step, data.facts, progress);
  return (
    <Stack h="100%" gap="sm">
      <PageHeader title={TITLE}>
        <Button variant="default" onClick={() => leave(dismiss(progress))}>
          Close setup
        </Button>
      </PageHeader>
      <Text size="sm" c="dimmed" mt={-8}>
        From a cloud to its first protected instance. Each step can be skipped and done later: Settings → Set up Backstack opens this again.
      </Text>
      {failed}
      <Box style={{ flex: 1, minHeight: 0, overflowY: 'auto' }} pr="xs">
        <Stepper active={index} onStepClick={(i) => save(moveTo(progress, SETUP_STEPS[i]!))} allowNextStepsSelect size="sm" mt="xs">
          {SETUP_STEPS.map((s, i) => {
            const st = statusOf(s, data.facts, progress);
            return (
              <Stepper.Step
                key={s}
                label={STEP_LABELS[s]}
                description={s === 'summary' ? undefined : STATUS_WORDS[st]}
                data-testid={`setup-step-${s}`}
                data-status={st}
                icon={st === 'done' ? <IconCheck size={16} /> : undefined}
                completedIcon={st === 'skipped' ? <IconPlayerSkipForward size={16} /> : st === 'todo' ? i + 1 : undefined}
                color={st === 'skipped' || (st === 'todo' && i < index) ? 'gray' : undefined}
              >
                <Paper withBorder p="lg" mt="xs">
                  {content(s, data, progress)}
                </Paper>
              </Stepper.Step>
            );
          })}
        </Stepper>
      </Box>
      <Group justify="space-between" pt="xs" style={{ borderTop: '1px solid var(--mantine-color-default-border)' }}>
        <Button variant="default" disabled={index === 0} onClick={() => save(moveTo(progress, SETUP_STEPS[index - 1]!))}>
          Back
        </Button>
        {step === 'summary' ? (
          <Button onClick={() => leave(dismiss(progress))}>Go to the dashboard</Button>
        ) : status === 'done' ? (
          <Button onClick={() => save(advance(progress, step))}>Next</Button>
        ) : (
          <Button variant="default" onClick={() => save(skip(progress, step))}>
            Skip for now
          </Button>
        )}
      </Group>
    </Stack>
  );
}

/** /welcome: the guided first run, from an empty catalog to a first protected instance. */
export function WelcomePage() {
  const settings = useAppStore((s) => s.settings);
  const data = useSetupData();
  const failed = data.error && <ErrorAlert error={data.error} title="What is set up already could not be read" onRetry={data.reload} />;
  // Once shown, the wizard stays: a reload that fails later is said above it, the step in progress kept.
  if (!settings || !data.loaded)
    return (
      <Stack>
        <PageHeader title={TITLE} />
        {failed || <Loader />}
      </Stack>
    );
  return <Wizard data={data} stored={settings.firstRun} failed={failed} />;
}
