/** Called by repositories after a write, so the core can emit `catalog.changed { tables }`. */
export type NotifyChanged = (tables: string[]) => void;
export const noNotify: NotifyChanged = () => undefined;
