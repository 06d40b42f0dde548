import fs from 'node:fs';
import type { Command } from 'commander';
import { AppError } from '../../../shared/errors/app-error';
import type { Repository } from '../../engine';
import type { CliContext } from '../context';
import { stdinLine } from '../read-input';

/** How a bare-folder command gets the secret of an encrypted destination. */
export interface SecretOptions {
  passphraseStdin?: boolean;
  recoveryKeyFile?: string;
}

export const withSecrets = (c: Command): Command =>
  c
    .option('--passphrase-stdin', 'encrypted: read the passphrase from the first line of standard input (else BACKSTACK_PASSPHRASE)')
    .option('--recovery-key-file <file>', 'encrypted: open it with its recovery key instead of the passphrase');

/** Passphrases come from stdin or the environment, never from argv: ps would show them. */
export async function passphraseFrom(o: SecretOptions, ctx: CliContext): Promise<string | undefined> {
  if (o.passphraseStdin) return stdinLine(ctx.stdin, 0, 'the passphrase');
  return ctx.env.BACKSTACK_PASSPHRASE || undefined;
}

/** Opens the destination in `dir` with the engine alone (no catalog); the caller closes it. */
export async function openFolder(dir: string, o: SecretOptions, ctx: CliContext): Promise<Repository> {
  const engine = await import('../../engine');
  try {
    if (o.recoveryKeyFile) return await engine.openRepository(dir, { recoveryKey: fs.readFileSync(o.recoveryKeyFile, 'utf8').trim() });
    const passphrase = await passphraseFrom(o, ctx);
    return await engine.openRepository(dir, passphrase === undefined ? {} : { passphrase });
  } catch (e) {
    // The engine's words are the repository's; say which flag or command fixes it.
    if (e instanceof engine.PassphraseRequiredError)
      throw new AppError(
        'destination.wrongPassphrase',
        `${dir} is an encrypted destination: pipe its passphrase with --passphrase-stdin, set BACKSTACK_PASSPHRASE, or give --recovery-key-file FILE.`,
      );
    if (e instanceof engine.RepositoryNotFoundError)
      throw new AppError('resource.notFound', `${dir} is not a destination folder (it has no config.json). Create one with: backstack destination folder init DIR`);
    throw e;
  }
}

export async function usingFolder<T>(dir: string, o: SecretOptions, ctx: CliContext, fn: (repo: Repository) => Promise<T>): Promise<T> {
  const repo = await openFolder(dir, o, ctx);
  try {
    return await fn(repo);
  } finally {
    await repo.close();
  }
}
