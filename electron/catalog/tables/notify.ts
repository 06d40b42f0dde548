import type { CatalogTable } from '../../../shared/domain/app';

/** Called by a table after a write, so the core can emit `catalog.changed { tables }`. */
export type NotifyChanged = (tables: CatalogTable[]) => void;
export const noNotify: NotifyChanged = () => undefined;
