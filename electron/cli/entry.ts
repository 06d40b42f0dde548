// The built CLI's entry (out/cli/backstack.js, see vite.config.mts); tests call main() from the sources.
import path from 'node:path';
import { main } from './main';

// The engine's chunk workers and the libvirt disk reader start from their own bundled files beside
// this one, as the desktop app points them at its bundle (electron/main/index.ts). Set through the
// environment the engine and transfer read at thread start: importing their setters here would load
// the engine (native modules) before every command, --version included.
process.env.BACKSTACK_CHUNK_WORKER ??= path.join(__dirname, 'chunk-worker.js');
process.env.BACKSTACK_NBD_READER_WORKER ??= path.join(__dirname, 'nbd-reader-worker.js');

// `backstack … | head` closes the pipe early: that is the reader's choice, not a failure to report.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
}

void main(process.argv).then((code) => {
  process.exitCode = code;
});
