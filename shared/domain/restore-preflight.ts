import { z } from 'zod';

/**
 * What a restore would run into, checked before anything is created (`restore.preflight`, and
 * first thing in `restore.start`): each conflict, how serious it is and what to do about it.
 */

/** blocker: the restore would fail, it is refused; warning: it works, differently from the original; info: what will happen */
export const PreflightSeverity = z.enum(['blocker', 'warning', 'info']);
export type PreflightSeverity = z.infer<typeof PreflightSeverity>;

/** The restore option an item concerns, so a form shows it next to that field. */
export const PreflightField = z.enum([
  'restorePoint',
  'project',
  'name',
  'flavor',
  'network',
  'keypair',
  'securityGroups',
  'volumeType',
  'image',
  'quota',
  'host',
  'disks',
  'availabilityZone',
  'attachTo',
]);
export type PreflightField = z.infer<typeof PreflightField>;

export const PreflightItem = z.object({
  severity: PreflightSeverity,
  field: PreflightField,
  /** what it is about, short ("Flavor m1.tiny", "Quota: cores") */
  item: z.string(),
  /** what happens, or what to do */
  message: z.string(),
});
export type PreflightItem = z.infer<typeof PreflightItem>;

export const PreflightReport = z.object({
  /** the name the restored instance gets (the given one, or the default) */
  name: z.string(),
  items: z.array(PreflightItem),
  /** true when an item is a blocker: the restore would be refused */
  blocked: z.boolean(),
});
export type PreflightReport = z.infer<typeof PreflightReport>;

export function preflightReport(name: string, items: PreflightItem[]): PreflightReport {
  const order: Record<PreflightSeverity, number> = { blocker: 0, warning: 1, info: 2 };
  const sorted = [...items].sort((a, b) => order[a.severity] - order[b.severity]);
  return { name, items: sorted, blocked: sorted.some((i) => i.severity === 'blocker') };
}

/** The one message a refused restore gives: every blocker, each with what to do. */
export function blockersMessage(r: PreflightReport): string {
  const blockers = r.items.filter((i) => i.severity === 'blocker');
  return `The restore was not started (nothing was created): ${blockers.map((b) => `${b.item}: ${b.message}`).join(' · ')}`;
}
