import os from 'node:os';
import path from 'node:path';

/**
 * Where Backstack keeps its catalog and keys outside Electron: $BACKSTACK_HOME, else the
 * XDG data folder. Under Electron, main passes app.getPath('userData') instead.
 */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.BACKSTACK_HOME) return path.resolve(env.BACKSTACK_HOME);
  const xdg = env.XDG_DATA_HOME && path.isAbsolute(env.XDG_DATA_HOME) ? env.XDG_DATA_HOME : path.join(os.homedir(), '.local', 'share');
  return path.join(xdg, 'backstack');
}
