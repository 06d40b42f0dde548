import { describe, expect, it } from 'vitest';
import type * as os from '../../openstack';
import { deleteOnTermination, type BackedUpDisk, type InstanceBackupMetadata } from './backup-metadata';

const disk = (target: string, serial: string | null): BackedUpDisk => ({ target, serial } as BackedUpDisk);
const backup = (attached: os.Server['attachedVolumes']): InstanceBackupMetadata => ({ server: { attachedVolumes: attached } } as unknown as InstanceBackupMetadata);

describe('deleteOnTermination', () => {
  it('follows what Nova said of each original attachment; unknown or local disks: false', () => {
    const b = backup([
      { id: 'v-boot', deleteOnTermination: true },
      { id: 'v-data', deleteOnTermination: false },
      { id: 'v-old', deleteOnTermination: undefined },
    ]);
    expect(deleteOnTermination(b, disk('vda', 'v-boot'))).toBe(true);
    expect(deleteOnTermination(b, disk('vdb', 'v-data'))).toBe(false);
    expect(deleteOnTermination(b, disk('vdc', 'v-old'))).toBe(false);
    expect(deleteOnTermination(b, disk('vdd', null))).toBe(false);
  });
});
