import { AppError, type AppErrorCode } from '../../shared/errors/codes';
import { isOpenStackError, type OpenStackErrorCode } from '../openstack';

const CODES: Record<OpenStackErrorCode, AppErrorCode> = {
  AUTH_FAILED: 'auth.failed',
  UNAUTHORIZED: 'auth.failed',
  FORBIDDEN: 'auth.forbidden',
  NOT_FOUND: 'resource.notFound',
  CONFLICT: 'resource.conflict',
  BAD_REQUEST: 'openstack.apiError',
  RATE_LIMITED: 'openstack.apiError',
  SERVER_ERROR: 'openstack.apiError',
  SERVICE_UNAVAILABLE: 'openstack.apiError',
  UNEXPECTED_STATUS: 'openstack.apiError',
  UNREACHABLE: 'network.unreachable',
  TIMEOUT: 'network.unreachable',
  TLS_UNTRUSTED: 'tls.untrusted',
  TLS_CERT_CHANGED: 'tls.certificateChanged',
  ENDPOINT_NOT_FOUND: 'openstack.apiError',
  FEATURE_UNSUPPORTED: 'unsupported',
  BAD_RESPONSE: 'openstack.apiError',
  WAIT_TIMEOUT: 'openstack.apiError',
  WAIT_FAILED: 'openstack.apiError',
  CANCELLED: 'job.cancelled',
  INVALID_OPTIONS: 'validation.invalidInput',
};

/**
 * The SDK's typed errors, as the closed set of codes the UI acts on (message and request id kept).
 * Registered by the composition root (core/create-core.ts), never as a side effect of an import.
 */
export function openStackToAppError(e: unknown): AppError | undefined {
  if (!isOpenStackError(e)) return undefined;
  return new AppError(CODES[e.code], e.message, { retryable: e.retryable, ...(e.requestId ? { requestId: e.requestId } : {}), cause: e });
}
