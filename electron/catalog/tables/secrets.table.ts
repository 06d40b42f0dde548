import type Database from 'better-sqlite3';
import type { SecretBox } from '../../lib/secret-box';

/** Stores secrets sealed by the SecretBox; the plaintext only exists in the core's memory when used. */
export class SecretsTable {
  constructor(
    private readonly db: Database.Database,
    private readonly box: SecretBox,
  ) {}

  put(id: string, plaintext: string): void {
    this.db
      .prepare('INSERT INTO secrets(id, ciphertext, updated_at) VALUES (?, ?, ?) ON CONFLICT(id) DO UPDATE SET ciphertext = excluded.ciphertext, updated_at = excluded.updated_at')
      .run(id, this.box.seal(id, plaintext), new Date().toISOString());
  }

  get(id: string): string | undefined {
    const r = this.db.prepare('SELECT ciphertext FROM secrets WHERE id = ?').get(id) as { ciphertext: Buffer } | undefined;
    return r && this.box.open(id, r.ciphertext);
  }

  delete(id: string): void {
    this.db.prepare('DELETE FROM secrets WHERE id = ?').run(id);
  }
}
