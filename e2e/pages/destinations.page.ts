import type { Page } from '@playwright/test';

/** The Destinations page: the list of destinations, the add dialog, a destination's card and its prune panel. */
export class DestinationsPage {
  constructor(readonly page: Page) {}

  addButton() {
    return this.page.getByRole('button', { name: 'Add a backup destination' }).first();
  }

  dialog() {
    return this.page.getByRole('dialog', { name: 'Backup destination' });
  }

  field(label: 'Name' | 'Folder' | 'Passphrase again' | 'Encrypt (AES-256-GCM; the passphrase is needed to read or write it)') {
    return this.dialog().getByLabel(label);
  }

  passphrase() {
    return this.dialog().getByLabel('Passphrase', { exact: true });
  }

  mode(label: 'Create a new destination' | 'Add an existing one') {
    return this.dialog().getByText(label);
  }

  submit(name: 'Create' | 'Add') {
    return this.dialog().getByRole('button', { name });
  }

  recoveryKeyDialog() {
    return this.page.getByRole('dialog', { name: 'Save the recovery key' });
  }

  card(name: string) {
    return this.page.getByTestId(`destination-${name}`);
  }

  keep(card: string, rule: 'last' | 'hourly' | 'daily' | 'weekly' | 'monthly' | 'yearly') {
    return this.card(card).getByLabel(`Keep ${rule}`);
  }

  prunePreview(card: string) {
    return this.card(card).getByTestId('prune-preview');
  }

  previewRows(card: string) {
    return this.prunePreview(card).getByTestId('row');
  }
}
