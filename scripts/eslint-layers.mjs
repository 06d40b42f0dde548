// The layers of ARCHITECTURE.md as path zones: every relative import is resolved to the folder it
// reaches, and that folder must be one the importing zone may depend on. Hand-written because the
// plugins that do this (eslint-plugin-import's no-restricted-paths, eslint-plugin-boundaries) are
// large for one rule, and a rule that counts "../" misses imports written from deeper folders.
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '..');

/** zone → the zones it may import (itself included). The first matching prefix names a file's zone. */
export const ZONES = {
  'shared': ['shared'],
  'renderer': ['renderer', 'shared'],
  'electron/lib': ['electron/lib', 'shared'],
  'electron/openstack': ['electron/openstack', 'electron/lib', 'shared'],
  'electron/engine': ['electron/engine', 'electron/lib', 'shared'],
  'electron/filesystems': ['electron/filesystems', 'electron/lib', 'shared'],
  'electron/catalog': ['electron/catalog', 'electron/lib', 'shared'],
  // Serving disks to other programs (NBD): over any block source, so no engine here.
  'electron/export': ['electron/export', 'electron/lib', 'shared'],
  'electron/transfer': ['electron/transfer', 'electron/openstack', 'electron/engine', 'electron/lib', 'shared'],
  'electron/jobs': ['electron/jobs', 'electron/catalog', 'electron/lib', 'shared'],
  'electron/services': [
    'electron/services', 'electron/jobs', 'electron/catalog', 'electron/transfer', 'electron/openstack', 'electron/engine',
    'electron/filesystems', 'electron/export', 'electron/lib', 'shared',
  ],
  'electron/core': ['electron/core', 'electron/services', 'electron/jobs', 'electron/catalog', 'electron/lib', 'shared'],
  'electron/console': ['electron/console', 'electron/core', 'electron/lib', 'shared'],
  // The CLI's bare-folder commands (disaster recovery) work on the engine, and its disks' file systems, without a catalog.
  'electron/cli': ['electron/cli', 'electron/console', 'electron/core', 'electron/engine', 'electron/export', 'electron/filesystems', 'electron/lib', 'shared'],
  'electron/preload': ['electron/preload', 'shared'],
  'electron/main': [
    'electron/main', 'electron/core', 'electron/console', 'electron/services', 'electron/jobs', 'electron/catalog', 'electron/transfer',
    'electron/openstack', 'electron/engine', 'electron/filesystems', 'electron/export', 'electron/lib', 'shared',
  ],
};
const ORDER = Object.keys(ZONES).sort((a, b) => b.length - a.length);
/** Folders whose index.ts is their only door: from outside, nothing deeper may be imported. */
export const DOORS = ['electron/engine', 'electron/openstack', 'electron/transfer/libvirt-ssh', 'electron/export/nbd'];

export function zoneOf(absFile) {
  const rel = path.relative(ROOT, absFile).split(path.sep).join('/');
  return ORDER.find((z) => rel === z || rel.startsWith(`${z}/`)) ?? null;
}

/** The message for an import of `absTarget` from `absFile` that goes past a folder's door, or null. */
export function pastDoor(absFile, absTarget, isTest) {
  const rel = (p) => path.relative(ROOT, p).split(path.sep).join('/');
  const file = rel(absFile);
  const target = rel(absTarget).replace(/\/index$/, '');
  for (const door of DOORS) {
    if (!target.startsWith(`${door}/`) || file.startsWith(`${door}/`)) continue;
    // Tests may build fixtures with a layer's test doubles.
    if (isTest && target.startsWith(`${door}/testing/`)) return null;
    return `Import ${door} through its index.ts, not ${target} (the folder's only door).`;
  }
  return null;
}

/** The message for an import from `fromZone` that reaches `toZone`, or null when allowed. */
export function violation(fromZone, toZone) {
  if (!fromZone || !toZone || ZONES[fromZone].includes(toZone)) return null;
  return `${fromZone} may not import ${toZone} (layers of ARCHITECTURE.md: ${fromZone} depends on ${ZONES[fromZone].filter((z) => z !== fromZone).join(', ') || 'nothing of ours'}).`;
}

const ELECTRON_ALLOWED = new Set(['electron/main', 'electron/preload']);
/** Tests may also build fixtures with the engine, the OpenStack SDK's test doubles and the export's (test certificates). */
const TEST_EXTRA = ['electron/engine', 'electron/openstack', 'electron/export'];

export const layersPlugin = {
  rules: {
    layers: {
      meta: { type: 'problem', schema: [] },
      create(context) {
        const file = context.filename;
        const from = zoneOf(file);
        if (!from) return {};
        const isTest = /\.test\.tsx?$/.test(file);
        const check = (node, source) => {
          if (typeof source !== 'string') return;
          if (source === 'electron' || source.startsWith('electron/')) {
            if (!ELECTRON_ALLOWED.has(from)) context.report({ node, message: 'Only electron/main and electron/preload may import electron.' });
            return;
          }
          if (!source.startsWith('.')) return;
          const target = path.resolve(path.dirname(file), source);
          const door = pastDoor(file, target, isTest);
          if (door) return context.report({ node, message: door });
          const to = zoneOf(target);
          if (isTest && TEST_EXTRA.includes(to)) return;
          const msg = violation(from, to);
          if (msg) context.report({ node, message: msg });
        };
        return {
          ImportDeclaration: (n) => check(n, n.source.value),
          ExportNamedDeclaration: (n) => n.source && check(n, n.source.value),
          ExportAllDeclaration: (n) => check(n, n.source.value),
          ImportExpression: (n) => n.source.type === 'Literal' && check(n, n.source.value),
        };
      },
    },
  },
};
