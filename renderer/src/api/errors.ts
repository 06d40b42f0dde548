import { AppError, type AppErrorCode } from '../../../shared/errors/app-error';
import type { BackstackApi } from '../../../shared/ipc/api';
import type { InputOf, OutputOf, RequestName } from '../../../shared/ipc/contract';

/** Invokes a request and unwraps its Result: the value, or a thrown AppError. */
export async function invokeOrThrow<N extends RequestName>(api: BackstackApi, name: N, input: InputOf<N>): Promise<OutputOf<N>> {
  const r = await api.invoke(name, input);
  if (r.ok) return r.value;
  throw AppError.fromPayload(r.error);
}

/** Anything thrown, as the AppError the UI knows how to show (a bug in our own code becomes `internal`). */
export function asAppError(e: unknown): AppError {
  if (e instanceof AppError) return e;
  return new AppError('internal', e instanceof Error ? e.message : String(e));
}

// What a person can do about each code, where the message alone may not say it.
const NEXT_STEP: Partial<Record<AppErrorCode, string>> = {
  'auth.failed': 'Check the credentials of the cloud in Clouds, or open the console URL again.',
  'auth.forbidden': "The cloud's user lacks a role for this: ask the cloud's operators.",
  'destination.locked': 'Another job or workstation is using this destination: try again when it has finished.',
  'destination.wrongPassphrase': 'Add the destination again with the right passphrase or its recovery key.',
  'storage.full': 'Free space in the destination (prune, then collect garbage) and try again.',
  'tls.certificateChanged': "The certificate differs from the pinned one: check with the cloud's operators before trusting it.",
  'ssh.hostKeyChanged': "The host key differs from the pinned one: check it on the host, then give it in the hypervisor's SSH settings.",
  internal: 'This is a bug in Backstack: if it happens again, report it with the request id.',
};

/** The next step for an error, or null when its message already says it. */
export const nextStep = (e: AppError): string | null => NEXT_STEP[e.code] ?? null;

/** One line for a toast: the message, and the request id when the core gave one. */
export const describeError = (e: AppError): string => (e.requestId ? `${e.message} (request id ${e.requestId})` : e.message);
