import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { AppError } from '../../shared/errors/app-error';

const texts = new WeakMap<NodeJS.ReadableStream, Promise<string>>();

/** Standard input as text, read once per stream (a command may want two lines of it). */
function stdinText(stdin: NodeJS.ReadableStream): Promise<string> {
  let text = texts.get(stdin);
  if (!text) {
    text = (async () => {
      const chunks: Buffer[] = [];
      for await (const c of stdin) chunks.push(typeof c === 'string' ? Buffer.from(c) : (c as Buffer));
      return Buffer.concat(chunks).toString('utf8');
    })();
    texts.set(stdin, text);
  }
  return text;
}

/** A password or passphrase piped in (never from argv: ps would show it), without its final newline. */
export async function readStdin(stdin: NodeJS.ReadableStream): Promise<string> {
  return (await stdinText(stdin)).replace(/\r?\n$/, '');
}

/** Line n of standard input; `what` names it in the error when it is missing. */
export async function stdinLine(stdin: NodeJS.ReadableStream, n: number, what: string): Promise<string> {
  const line = (await stdinText(stdin)).split(/\r?\n/)[n];
  if (!line) throw new AppError('validation.invalidInput', `Expected ${what} on line ${n + 1} of standard input.`);
  return line;
}

export function readUserFile(file: string, what: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new AppError('resource.notFound', `Cannot read the ${what} ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}.`);
  }
}

/** Where openstacksdk looks for clouds.yaml, in its order. */
export function findCloudsYaml(explicit: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  const candidates = explicit
    ? [explicit]
    : [
        env.OS_CLIENT_CONFIG_FILE,
        path.resolve('clouds.yaml'),
        path.join(os.homedir(), '.config/openstack/clouds.yaml'),
        '/etc/openstack/clouds.yaml',
      ].filter((f): f is string => Boolean(f));
  const found = candidates.find((f) => fs.existsSync(f));
  if (!found) throw new AppError('resource.notFound', `No clouds.yaml found (looked in ${candidates.join(', ')}). Give one with --clouds-yaml FILE.`);
  return found;
}

/** The first line typed (or piped) on standard input, as soon as it ends: a terminal need not close the stream. */
export async function readLine(stdin: NodeJS.ReadableStream): Promise<string> {
  const rl = readline.createInterface({ input: stdin, terminal: false });
  try {
    for await (const line of rl) return line;
    return '';
  } finally {
    rl.close();
  }
}
