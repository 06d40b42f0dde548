import type { Page } from '@playwright/test';

/** All selectors of the app shell live here; specs speak in user terms. */
export class ShellPage {
  constructor(readonly page: Page) {}

  static readonly sections = ['Dashboard', 'Inventory', 'Protection', 'Jobs', 'Backups', 'Files', 'Clouds', 'Destinations', 'Settings'] as const;

  nav(section: (typeof ShellPage.sections)[number]) {
    return this.page.getByTestId(`nav-${section.toLowerCase()}`);
  }

  /** The page's title: its only h1. */
  heading(text: string) {
    return this.page.getByRole('heading', { level: 1, name: text });
  }

  headings() {
    return this.page.getByRole('heading', { level: 1 });
  }

  settingsTab(name: 'Appearance & jobs' | 'About') {
    return this.page.getByRole('tab', { name });
  }

  emptyState() {
    return this.page.getByTestId('empty-state');
  }

  themeToggle() {
    return this.page.getByRole('button', { name: /Switch to (dark|light) theme/ });
  }

  async colorScheme(): Promise<string | null> {
    return this.page.locator('html').getAttribute('data-mantine-color-scheme');
  }
}
