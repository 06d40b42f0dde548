import type { Page } from '@playwright/test';

/** The Protection screens: the policy list, the editor's sections and a policy's detail. */
export class ProtectionPage {
  constructor(readonly page: Page) {}

  newPolicy() {
    return this.page.getByRole('link', { name: 'New policy' }).first();
  }

  schedulerStatus() {
    return this.page.getByTestId('scheduler-status');
  }

  table() {
    return this.page.getByTestId('policies-table');
  }

  row(name: string) {
    return this.table().getByTestId('row').filter({ hasText: name });
  }

  /** An action in a row's "…" menu. */
  async rowAction(name: string, action: 'Run now' | 'Pause' | 'Resume' | 'Remove…') {
    await this.page.getByRole('button', { name: `Actions for ${name}` }).click();
    await this.page.getByRole('menuitem', { name: action }).click();
  }

  section(id: 'general' | 'members' | 'schedules' | 'retention' | 'options') {
    return this.page.getByTestId(`section-${id}`);
  }

  /** A text field by its accessible name (a required field's label also shows "*"). */
  field(label: string) {
    return this.page.getByRole('textbox', { name: label, exact: true });
  }

  select(label: string) {
    return this.page.getByRole('combobox', { name: label, exact: true });
  }

  /** The error shown under a field. */
  fieldError(label: string) {
    return this.page.locator('.mantine-InputWrapper-root', { has: this.field(label) }).locator('.mantine-InputWrapper-error');
  }

  preview(group: 'matches' | 'leaving' | 'conflicts') {
    return this.page.getByTestId(`preview-${group}`);
  }

  schedule(index: number) {
    return this.page.getByTestId(`schedule-${index}`);
  }

  simulator() {
    return this.page.getByTestId('retention-simulator');
  }

  simulated(figure: 'taken' | 'peak' | 'kept') {
    return this.page.getByTestId(`sim-${figure}`);
  }

  save() {
    return this.page.getByRole('button', { name: /^(Create policy|Save)$/ });
  }

  members() {
    return this.page.getByTestId('members-table').getByTestId('row');
  }

  runOutcome() {
    return this.page.getByTestId('run-outcome');
  }

  toast(title: string | RegExp) {
    return this.page.locator('.mantine-Notification-root').filter({ hasText: title });
  }
}
