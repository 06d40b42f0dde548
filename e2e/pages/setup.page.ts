import type { Page } from '@playwright/test';

type Step = 'cloud' | 'hypervisors' | 'destination' | 'policy' | 'run' | 'summary';

/** The guided first run (/welcome): its stepper, the current step's work and the Back / Skip / Next buttons. */
export class SetupPage {
  constructor(readonly page: Page) {}

  heading() {
    return this.page.getByRole('heading', { level: 1, name: 'Set up Backstack' });
  }

  /** A step's button in the stepper; its data-status says done, skipped or todo. */
  step(step: Step) {
    return this.page.getByTestId(`setup-step-${step}`);
  }

  /** The current step's title. */
  stepTitle(name: string) {
    return this.page.getByRole('heading', { level: 2, name });
  }

  button(name: 'Next' | 'Skip for now' | 'Back' | 'Close setup' | 'Go to the dashboard' | 'Add a cloud…' | 'Create a destination…' | 'Create policy' | 'Test all') {
    return this.page.getByRole('button', { name, exact: true });
  }

  doneNote() {
    return this.page.getByTestId('step-done');
  }

  host(hostname: string) {
    return this.page.getByTestId('host-row').filter({ hasText: hostname });
  }

  sshModal(host: string) {
    return this.page.getByRole('dialog', { name: `SSH to ${host}` });
  }

  testResults() {
    return this.page.getByTestId('host-test-result');
  }

  /** A field of the first policy's short form. */
  field(label: 'Name' | 'Names to include' | 'Daily at') {
    return this.page.getByRole('textbox', { name: label, exact: true });
  }

  keep(rule: 'daily' | 'weekly') {
    return this.page.getByRole('textbox', { name: `Keep ${rule}` });
  }

  previewMatches() {
    return this.page.getByTestId('preview-matches');
  }

  runButton() {
    return this.page.getByRole('button', { name: /^Back up .* now$/ });
  }

  runResult() {
    return this.page.getByTestId('run-result');
  }

  summary() {
    return this.page.getByTestId('setup-summary');
  }

  summaryRow(step: Exclude<Step, 'summary'>) {
    return this.page.getByTestId(`summary-${step}`);
  }
}
