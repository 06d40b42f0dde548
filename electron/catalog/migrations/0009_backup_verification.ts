import type { Migration } from './types';

/**
 * The last boot check of a restore point (restore.verify) as JSON, NULL when never checked. The
 * destination keeps it too (a note beside the manifest): a re-index fills it again.
 */
export const m0009: Migration = {
  version: 9,
  name: 'backup verification',
  up(db) {
    db.exec(`ALTER TABLE backups ADD COLUMN verification TEXT;`);
  },
};
