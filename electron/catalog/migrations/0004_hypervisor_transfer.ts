import type { Migration } from './types';

/**
 * How a hypervisor's disks reach the workstation: NULL (through SSH), or JSON
 * {"kind":"direct","address":…|null,"ports":[lo,hi]} for the direct TLS transfer.
 */
export const m0004: Migration = {
  version: 4,
  name: 'hypervisor transfer mode',
  up(db) {
    db.exec('ALTER TABLE hypervisors ADD COLUMN transfer TEXT');
  },
};
