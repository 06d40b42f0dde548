#!/usr/bin/env node
// Runs the CLI as built JavaScript (out/cli, `npm run build:cli`; `npm install` builds it through
// `prepare`): compiling the TypeScript sources with tsx at every start cost about a second.
// There is deliberately no automatic fallback to the sources: a missing or stale build would
// then pass unnoticed as a slow start running old code. To run the sources while working on
// them, ask for it: BACKSTACK_FROM_SOURCE=1 backstack … (tsx, as the unit tests do).
const fs = require('node:fs');
const path = require('node:path');

if (process.env.BACKSTACK_FROM_SOURCE === '1') {
  require('tsx/cjs');
  require('../electron/cli/main.ts')
    .main(process.argv)
    .then((code) => {
      process.exitCode = code;
    });
} else {
  const built = path.join(__dirname, '..', 'out', 'cli', 'backstack.js');
  if (fs.existsSync(built)) require(built);
  else {
    process.stderr.write(`backstack: the CLI is not built yet (${path.relative(process.cwd(), built) || built} is missing): run npm run build:cli\n`);
    process.exitCode = 1;
  }
}
