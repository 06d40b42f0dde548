import { normalizeFingerprint, type InspectedCertificate } from '../../openstack';

export interface TrustChoice {
  /** the fingerprint pinned for this cloud (null: none, or it does not apply to this URL) */
  pinned: string | null;
  /** the fingerprint the admin ticked "trust" for after seeing the certificate */
  accepted: string | undefined;
  /** the cloud's "Trust certificates" switch: without it only a CA vouches */
  trustCertificates: boolean;
}

export type TrustDecision =
  | {
      ok: true;
      /** to pin when the cloud is saved (a first use, or a new certificate the admin trusted) */ pin: {
        subject: string;
        fingerprint256: string;
      } | null;
      pinned: string | null;
    }
  | { ok: false; error: { code: 'tls.untrusted' | 'tls.certificateChanged'; message: string } };

const sameFingerprint = (a: string, b: string): boolean => {
  try {
    return normalizeFingerprint(a) === normalizeFingerprint(b);
  } catch {
    return false;
  }
};

/**
 * Whether to connect to an https Keystone presenting `cert`: a pinned certificate must match (a
 * different one is refused unless the admin trusts the new fingerprint explicitly); an
 * unpinned one must be vouched for by a CA, or trusted on first use.
 */
export function decideTrust(authUrl: string, cert: InspectedCertificate, c: TrustChoice): TrustDecision {
  const accepted = c.trustCertificates && c.accepted !== undefined && sameFingerprint(c.accepted, cert.fingerprint256);
  const pinNew = { ok: true as const, pin: { subject: cert.subject, fingerprint256: cert.fingerprint256 }, pinned: cert.fingerprint256 };
  if (c.pinned && !sameFingerprint(c.pinned, cert.fingerprint256)) {
    if (accepted) return pinNew;
    return {
      ok: false,
      error: {
        code: 'tls.certificateChanged',
        message: `The certificate of ${authUrl} changed since it was trusted (pinned SHA-256 ${c.pinned}, now ${cert.fingerprint256}). Backstack refuses to connect. If the change is expected (a renewal), check the new fingerprint with your cloud's operators, then trust it: edit the cloud (Clouds → … → Edit), or backstack provider edit NAME --accept-certificate ${cert.fingerprint256}`,
      },
    };
  }
  if (c.pinned) return { ok: true, pin: null, pinned: c.pinned };
  if (cert.trusted) return { ok: true, pin: null, pinned: null };
  if (accepted) return pinNew;
  return {
    ok: false,
    error: {
      code: 'tls.untrusted',
      message: c.trustCertificates
        ? `${authUrl} presents a certificate no CA vouches for (${cert.problem ?? 'untrusted'}). Check its SHA-256 fingerprint ${cert.fingerprint256} and confirm to trust it.`
        : `${authUrl} presents a certificate no CA vouches for (${cert.problem ?? 'untrusted'}). Give the CA bundle that signed it, or turn on "Trust certificates" to pin this one after checking its fingerprint.`,
    },
  };
}
