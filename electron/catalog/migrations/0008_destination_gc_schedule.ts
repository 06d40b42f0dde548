import type { Migration } from './types';

/**
 * Garbage collection on its own schedule per destination. gc_schedule: NULL until an admin sets
 * one (the service reads it as the default, weekly), 'off', or a schedule as JSON.
 * gc_last_due: the due time of the last scheduled collection handled, so a run is never queued twice
 * and what was missed while no scheduler ran is made up once.
 */
export const m0008: Migration = {
  version: 8,
  name: 'destination gc schedule',
  up(db) {
    db.exec(`
      ALTER TABLE destinations ADD COLUMN gc_schedule TEXT;
      ALTER TABLE destinations ADD COLUMN gc_last_due TEXT;
    `);
  },
};
