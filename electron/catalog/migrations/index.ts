import { m0001 } from './0001_initial';
import { m0002 } from './0002_providers_inventory';
import { m0003 } from './0003_repositories_backups';
import { m0004 } from './0004_hypervisor_transfer';
import { m0005 } from './0005_destinations';
import { m0006 } from './0006_installation';
import { m0007 } from './0007_policies';
import { m0008 } from './0008_destination_gc_schedule';
import { m0009 } from './0009_backup_verification';
import type { Migration } from './types';

/** In order. Append only. */
export const migrations: readonly Migration[] = [m0001, m0002, m0003, m0004, m0005, m0006, m0007, m0008, m0009];
export type { Migration };
