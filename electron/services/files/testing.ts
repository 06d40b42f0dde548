// For tests above the services (the core's and the CLI's): real disk images, backed up into a destination.
import { backupDisk, fileSource, type Manifest, type Repository } from '../../engine';

export { mkfsExt4, partitionedDisk, placeAt, sha256, writeHostileNames, writeTree, type Expected } from '../../filesystems/testing/images';

/** Backs up a disk image as disk `disk` of group `group`: a restore point of it. */
export const backUpImage = (repo: Repository, image: string, group = 'vm-1', disk = 'vda'): Promise<Manifest> =>
  backupDisk(repo, { group, name: disk, source: fileSource(image) });
