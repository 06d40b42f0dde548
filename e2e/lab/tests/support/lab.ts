// Where the lab keeps its state, what seed.json promised, and polling with a deadline.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const labHome = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** The lab's state folder (LAB_DIR, as for e2e/lab/up). */
export const labDir = resolve(process.env.LAB_DIR ?? join(labHome, 'state'));

export interface SeedServer {
  name: string;
  project: string;
  kind: 'image-qcow2' | 'image-raw' | 'boot-from-volume' | 'proxy';
  host: string;
  image?: string;
  bootVolume?: string;
  flavor: string;
  volumes?: string[];
}
export interface SeedVolume {
  name: string;
  project: string;
  size: number;
  history?: ({ write: number[] } | { snapshot: string })[];
}
export interface SeedManifest {
  domains: { name: string }[];
  projects: { name: string; domain: string }[];
  users: { name: string; domain: string }[];
  images: { name: string; project: string }[];
  volumes: SeedVolume[];
  servers: SeedServer[];
}

/** The content e2e/lab/seed creates (BACKSTACK_TEST_SEED overrides the file). */
export function seedManifest(): SeedManifest {
  const file = process.env.BACKSTACK_TEST_SEED ?? join(labHome, 'seed.json');
  return JSON.parse(readFileSync(file, 'utf8')) as SeedManifest;
}

export function readJsonIfExists<T>(file: string): T | undefined {
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as T) : undefined;
}

/** Calls fn until it returns a value other than undefined/false, or throws after timeoutMs. */
export async function until<T>(what: string, fn: () => Promise<T | undefined | false>, { timeoutMs = 120_000, intervalMs = 1_000 } = {}): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined && v !== false) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) {
      const why = last instanceof Error ? `: ${last.message}` : '';
      throw new Error(`${what}: not true within ${timeoutMs / 1000}s${why}`);
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
