#!/usr/bin/env node
// The CLI runs the TypeScript core directly through tsx: no build step between a clone and `npx backstack`.
require('tsx/cjs');
require('../electron/cli/main.ts')
  .main(process.argv)
  .then((code) => {
    process.exitCode = code;
  });
