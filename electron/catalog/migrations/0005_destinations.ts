import type { Migration } from './types';

/**
 * One vocabulary: what users call a destination is called so in the catalog too. Renames the
 * table and its references, and rewrites what earlier versions stored under the old words (job
 * kinds, job parameters and error codes), so every job in the history still reads and retries.
 */
export const m0005: Migration = {
  version: 5,
  name: 'destinations (was repositories)',
  up(db) {
    db.exec(`
      ALTER TABLE repositories RENAME TO destinations;
      ALTER TABLE backups RENAME COLUMN repository_id TO destination_id;

      UPDATE jobs SET kind = 'destination.' || substr(kind, length('repository.') + 1) WHERE kind LIKE 'repository.%';
      UPDATE jobs SET params = json_set(json_remove(params, '$.repositoryId'), '$.destinationId', json_extract(params, '$.repositoryId'))
        WHERE json_type(params, '$.repositoryId') = 'text';
      UPDATE jobs SET params = json_set(json_remove(params, '$.destination'), '$.file', json_extract(params, '$.destination'))
        WHERE kind = 'catalog.backup' AND json_type(params, '$.destination') = 'text';
      UPDATE jobs SET error = json_set(error, '$.code', 'destination.' || substr(json_extract(error, '$.code'), length('repository.') + 1))
        WHERE error IS NOT NULL AND json_extract(error, '$.code') LIKE 'repository.%';
    `);
  },
};
