import { z } from 'zod';
import type { SettingsTable } from '../../catalog';

const KEY = 'notifications.state';
const State = z.object({
  /** "policy|cloud|instance" → when its RPO breach was reported */
  rpo: z.record(z.string(), z.string()).default({}),
  /** destination id → when it was reported nearly full */
  full: z.record(z.string(), z.string()).default({}),
});
export type EpisodeKind = keyof z.infer<typeof State>;

/**
 * What was already reported and is still true (an RPO breach, a destination nearly full):
 * reported once when it starts, again only after it has ended. Kept in the catalog, so a
 * restart does not report it again.
 */
export interface Episodes {
  /** the keys of a kind reported and not yet over */
  open(kind: EpisodeKind): Map<string, string>;
  /** records which of a kind are open now (the rest are over) */
  save(kind: EpisodeKind, open: ReadonlyMap<string, string>): void;
}

export function catalogEpisodes(settings: Pick<SettingsTable, 'readValue' | 'writeValue'>): Episodes {
  const read = () => settings.readValue(KEY, State) ?? { rpo: {}, full: {} };
  return {
    open: (kind) => new Map(Object.entries(read()[kind])),
    save(kind, open) {
      const current = read();
      const next = Object.fromEntries(open);
      if (JSON.stringify(current[kind]) === JSON.stringify(next)) return;
      settings.writeValue(KEY, { ...current, [kind]: next });
    },
  };
}

/** In memory, for tests. */
export function memoryEpisodes(): Episodes {
  const kinds: Record<EpisodeKind, Map<string, string>> = { rpo: new Map(), full: new Map() };
  return { open: (k) => new Map(kinds[k]), save: (k, open) => void (kinds[k] = new Map(open)) };
}
