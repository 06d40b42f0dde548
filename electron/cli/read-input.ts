import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AppError } from '../../shared/errors/codes';

export async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
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
