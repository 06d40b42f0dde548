import fs from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

/**
 * How to start a worker thread whose entry is `name` beside the module at `moduleUrl`: the
 * given file (a bundle puts it next to its main entry), else `name.js` there (a build that
 * emits the worker as its own entry), else `name.ts` run through tsx (dev, tests, the CLI).
 */
export function workerEntry(moduleUrl: string, name: string, explicit: string | undefined): { code: string; eval: boolean } {
  const js = fileURLToPath(new URL(`./${name}.js`, moduleUrl));
  const ts = fileURLToPath(new URL(`./${name}.ts`, moduleUrl));
  const file = explicit ?? (fs.existsSync(js) ? js : ts);
  if (!file.endsWith('.ts')) return { code: file, eval: false };
  // Node 20 cannot load .ts and does not pass --import hooks to workers: register tsx's
  // require hook inside the worker, then load the entry. tsx is a runtime dependency.
  const tsxApi = createRequire(moduleUrl).resolve('tsx/cjs/api');
  return { code: `require(${JSON.stringify(tsxApi)}).register(); require(${JSON.stringify(file)});`, eval: true };
}
