import { describe, expect, it } from 'vitest';
import type { ProviderView } from '../../../shared/domain/providers';
import type { InspectedCertificate } from '../../openstack';
import { decideTrust } from './certificate-trust';
import { resolveEdit } from './provider-edit';

// When Backstack connects to an https Keystone, and which certificate it pins; the TLS itself is
// tested against real servers (electron/openstack/core/tls.test.ts, the lab's inventory-sync test).
const fp = (byte: string) => Array.from({ length: 32 }, () => byte).join(':');
const OLD = fp('AA');
const NEW = fp('BB');
const url = 'https://keystone.example:5001/v3';
const cert = (fingerprint256: string, trusted = false): InspectedCertificate =>
  ({
    subject: 'CN=keystone',
    issuer: 'CN=keystone',
    fingerprint256,
    validTo: '',
    trusted,
    problem: trusted ? undefined : 'self-signed certificate',
  }) as InspectedCertificate;

describe('trusting a Keystone certificate', () => {
  it('connects to the pinned certificate, and refuses a changed one with both fingerprints and the way to trust it', () => {
    expect(decideTrust(url, cert(OLD), { pinned: OLD, accepted: undefined, trustCertificates: true })).toEqual({ ok: true, pin: null, pinned: OLD });
    const changed = decideTrust(url, cert(NEW), { pinned: OLD, accepted: undefined, trustCertificates: true });
    expect(changed.ok === false && changed.error.code).toBe('tls.certificateChanged');
    expect(changed.ok === false && changed.error.message).toContain(`pinned SHA-256 ${OLD}, now ${NEW}`);
    expect(changed.ok === false && changed.error.message).toContain(`backstack provider edit NAME --accept-certificate ${NEW}`);
  });

  it('pins a changed certificate only when the admin trusts exactly its fingerprint, with "Trust certificates" on', () => {
    expect(decideTrust(url, cert(NEW), { pinned: OLD, accepted: NEW.toLowerCase(), trustCertificates: true })).toEqual({
      ok: true,
      pin: { subject: 'CN=keystone', fingerprint256: NEW },
      pinned: NEW,
    });
    expect(decideTrust(url, cert(NEW), { pinned: OLD, accepted: OLD, trustCertificates: true }).ok).toBe(false);
    expect(decideTrust(url, cert(NEW), { pinned: OLD, accepted: NEW, trustCertificates: false }).ok).toBe(false);
    expect(decideTrust(url, cert(NEW), { pinned: OLD, accepted: 'not a fingerprint', trustCertificates: true }).ok).toBe(false);
  });

  it('without a pin: a CA-vouched certificate connects, a self-signed one only once trusted on first use', () => {
    expect(decideTrust(url, cert(NEW, true), { pinned: null, accepted: undefined, trustCertificates: false })).toEqual({
      ok: true,
      pin: null,
      pinned: null,
    });
    const off = decideTrust(url, cert(NEW), { pinned: null, accepted: NEW, trustCertificates: false });
    expect(off.ok === false && off.error).toMatchObject({ code: 'tls.untrusted', message: expect.stringContaining('turn on "Trust certificates"') });
    const unconfirmed = decideTrust(url, cert(NEW), { pinned: null, accepted: undefined, trustCertificates: true });
    expect(unconfirmed.ok === false && unconfirmed.error.message).toContain(`Check its SHA-256 fingerprint ${NEW}`);
    expect(decideTrust(url, cert(NEW), { pinned: null, accepted: NEW, trustCertificates: true })).toMatchObject({ ok: true, pinned: NEW });
  });
});

describe('which pin an edit keeps', () => {
  const saved = {
    id: 'p',
    name: 'prod',
    authUrl: url,
    trustCertificates: true,
    pinnedCertificate: { subject: 'CN=keystone', fingerprint256: OLD },
    authDomains: [],
  } as unknown as ProviderView;
  const edit = (authUrl: string, trustCertificates = true) =>
    resolveEdit(saved, [], () => ({ kind: 'password', password: 'x' }), {
      name: 'prod',
      authUrl,
      region: 'RegionOne',
      endpointInterface: 'public',
      strategy: 'libvirt-ssh',
      trustCertificates,
      scoped: false,
      authDomains: [{ name: 'Default', userName: 'admin', password: 'pw' }],
    }).pinned;

  it('keeps the pin for the same host and port, and drops it for another endpoint or once "Trust certificates" is off', () => {
    expect(edit('https://keystone.example:5001/v3/')).toBe(OLD);
    expect(edit('https://keystone.example:5002/v3')).toBeNull();
    expect(edit('https://other.example:5001/v3')).toBeNull();
    expect(edit(url, false)).toBeNull();
  });
});
