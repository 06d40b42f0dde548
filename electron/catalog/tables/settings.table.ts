import type Database from 'better-sqlite3';
import type { z } from 'zod';
import { DEFAULT_SETTINGS, Settings } from '../../../shared/domain/app';
import type { NotifyChanged } from './notify';

export class SettingsTable {
  constructor(
    private readonly db: Database.Database,
    private readonly notify: NotifyChanged,
  ) {}

  get(): Settings {
    const rows = this.db.prepare('SELECT key, value FROM settings').all() as { key: string; value: string }[];
    const stored: Record<string, unknown> = {};
    for (const r of rows) stored[r.key] = JSON.parse(r.value);
    // Unknown or invalid stored values fall back to defaults rather than breaking start-up.
    const parsed = Settings.partial().safeParse(stored);
    return { ...DEFAULT_SETTINGS, ...(parsed.success ? parsed.data : {}) };
  }

  update(patch: Partial<Settings>): Settings {
    const upsert = this.db.prepare('INSERT INTO settings(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value');
    this.db.transaction(() => {
      for (const [k, v] of Object.entries(patch)) if (v !== undefined) upsert.run(k, JSON.stringify(v));
    })();
    this.notify(['settings']);
    return this.get();
  }

  /**
   * A value kept beside the settings under its own key (the mail server, what notifications
   * already said), outside the Settings the renderer reads and writes; null when absent or invalid.
   */
  readValue<T extends z.ZodType>(key: string, schema: T): z.output<T> | null {
    const r = this.db.prepare('SELECT value FROM settings WHERE key = ?').get(key) as { value: string } | undefined;
    const parsed = r ? schema.safeParse(JSON.parse(r.value)) : undefined;
    return parsed?.success ? parsed.data : null;
  }

  /** Stores (or with null removes) a value readValue reads. */
  writeValue(key: string, value: unknown): void {
    if (value === null) this.db.prepare('DELETE FROM settings WHERE key = ?').run(key);
    else this.db.prepare('INSERT INTO settings(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(key, JSON.stringify(value));
    this.notify(['settings']);
  }
}
