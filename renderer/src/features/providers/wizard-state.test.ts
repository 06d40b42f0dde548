import { describe, expect, it } from 'vitest';
import type { ProviderView } from '../../../../shared/domain/providers';
import { domainsError, draftFromSaved, emptyDraft, toInput } from './wizard-state';

// The wizard's draft of a saved cloud: nothing secret comes back, an empty secret means "keep".
const saved: ProviderView = {
  id: 'p-1',
  name: 'prod',
  authUrl: 'https://keystone.example:5000/v3',
  region: 'RegionOne',
  endpointInterface: 'internal',
  strategy: 'image-transfer',
  trustCertificates: true,
  caFile: null,
  scoped: true,
  pinnedCertificate: { subject: 'CN=keystone', fingerprint256: 'AA' },
  authDomains: [
    { id: 'ad-1', name: 'Default', domainId: null, userName: 'admin', userDomain: 'admins', defaultProject: 'admin', authKind: 'password' },
    { id: 'ad-2', name: 'acme', domainId: 'd-acme', userName: 'svc', userDomain: null, defaultProject: null, authKind: 'application-credential' },
  ],
  lastSyncAt: null,
  lastSyncError: null,
  createdAt: '2026-12-01T00:00:00Z',
};

describe('editing a saved cloud in the wizard', () => {
  it('sends every saved field back, each domain with its id and without a secret (kept)', () => {
    const draft = draftFromSaved(saved);
    expect(domainsError(draft)).toBeNull();
    expect(toInput(draft)).toEqual({
      name: 'prod',
      authUrl: 'https://keystone.example:5000/v3',
      region: 'RegionOne',
      endpointInterface: 'internal',
      // the cloud's strategy is kept (an edit that reset it would switch its backups to SSH)
      strategy: 'image-transfer',
      trustCertificates: true,
      scoped: true,
      authDomains: [
        { id: 'ad-1', name: 'Default', userName: 'admin', userDomain: 'admins', defaultProject: 'admin' },
        { id: 'ad-2', name: 'acme', userName: 'svc', domainId: 'd-acme' },
      ],
    });
  });

  it('keeps a cloud saved with disk attachment on disk attachment', () => {
    expect(toInput(draftFromSaved({ ...saved, strategy: 'disk-attachment' })).strategy).toBe('disk-attachment');
  });

  it('sends a typed secret, and asks for one when the credential kind changes or the domain is new', () => {
    const draft = draftFromSaved(saved);
    draft.authDomains[0] = { ...draft.authDomains[0]!, password: 'new' };
    expect(toInput(draft).authDomains[0]).toMatchObject({ id: 'ad-1', password: 'new' });
    draft.authDomains[1] = { ...draft.authDomains[1]!, kind: 'password' };
    expect(domainsError(draft)).toBe('Enter the password of svc');
    draft.authDomains[1] = { ...draft.authDomains[1]!, kind: 'applicationCredential', appCredId: 'ac-2' };
    expect(domainsError(draft)).toBe('Enter the application credential ID and its secret');
    draft.authDomains[1] = { ...draft.authDomains[1]!, appCredSecret: 's' };
    expect(toInput(draft).authDomains[1]).toMatchObject({ id: 'ad-2', applicationCredential: { id: 'ac-2', secret: 's' } });
    expect(domainsError(emptyDraft())).toBe('Enter the password of the user');
  });
});
