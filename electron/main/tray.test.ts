import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeEach, describe, expect, it, vi } from 'vitest';

// Electron's binary is not needed (nor downloadable): the tray is checked against a stand-in of its API.
const made = vi.hoisted(() => ({
  trays: [] as { icon: string; tooltip?: string; menu?: { label?: string; type?: string; click?: () => void }[] }[],
}));
vi.mock('electron', () => ({
  Tray: class {
    entry: (typeof made.trays)[number];
    constructor(icon: string) {
      this.entry = { icon };
      made.trays.push(this.entry);
    }
    setToolTip(t: string) {
      this.entry.tooltip = t;
    }
    setContextMenu(menu: (typeof made.trays)[number]['menu']) {
      this.entry.menu = menu;
    }
    on() {}
  },
  Menu: { buildFromTemplate: (template: unknown) => template },
  BrowserWindow: class {},
  shell: {},
}));

const { createTray, trayIconFile } = await import('./tray');
const { windowIconFile } = await import('./window');
const resourcesDir = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'resources');

beforeEach(() => (made.trays.length = 0));

describe('tray and window icons', () => {
  it('shows what runs, then open and quit, under the tooltip "Backstack"; refreshed on demand', () => {
    const open = vi.fn();
    const quit = vi.fn();
    let line = 'Next: nightly at 01:30';
    const t = createTray(resourcesDir, { open, quit, status: () => [{ label: line, enabled: false }] });
    const [tray] = made.trays;
    expect(tray?.tooltip).toBe('Backstack');
    expect(tray?.menu?.map((i) => i.label ?? i.type)).toEqual(['Next: nightly at 01:30', 'separator', 'Open Backstack', 'separator', 'Quit']);
    tray?.menu?.[2]?.click?.();
    expect(open).toHaveBeenCalledTimes(1);
    tray?.menu?.[4]?.click?.();
    expect(quit).toHaveBeenCalledTimes(1);
    line = 'Running: Backup instance web-1 (lab)';
    t.refresh();
    expect(tray?.menu?.[0]?.label).toBe('Running: Backup instance web-1 (lab)');
    expect(fs.existsSync(tray!.icon)).toBe(true);
  });

  it('uses a template image on macOS and the coloured mark elsewhere, each with its @2x file', () => {
    for (const platform of ['darwin', 'linux', 'win32'] as const) {
      const icon = trayIconFile(resourcesDir, platform);
      expect(fs.existsSync(icon)).toBe(true);
      expect(fs.existsSync(icon.replace(/\.png$/, '@2x.png'))).toBe(true);
      expect(path.basename(icon).endsWith('Template.png')).toBe(platform === 'darwin');
    }
  });

  it('gives the main window the Backstack icon', () => {
    expect(fs.existsSync(windowIconFile(resourcesDir))).toBe(true);
  });
});
