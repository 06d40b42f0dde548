import { describe, expect, it } from 'vitest';
import { cloudIdentity, identityOfSource, providerIdOf } from './cloud-identity';

describe('a cloud identity', () => {
  it('is the same for the ways one Keystone is written', () => {
    const forms = ['https://Keystone.example.org:5000/v3', 'https://keystone.example.org:5000/v3/', 'https://keystone.example.org:5000', 'https://keystone.example.org:5000/'];
    expect(new Set(forms.map((authUrl) => JSON.stringify(cloudIdentity({ authUrl, region: 'RegionOne' }))))).toEqual(
      new Set([JSON.stringify({ authUrl: 'https://keystone.example.org:5000', region: 'RegionOne' })]),
    );
    expect(cloudIdentity({ authUrl: 'https://example.org:443/identity/v3', region: 'r' }).authUrl).toBe('https://example.org/identity');
  });

  it('tells clouds apart by scheme, port, path and region', () => {
    const ids = ['http://k:5000', 'https://k:5000', 'https://k:5001', 'https://k:5000/identity'].map((authUrl) => cloudIdentity({ authUrl, region: 'R' }).authUrl);
    expect(new Set(ids).size).toBe(4);
  });

  it('is read from a manifest only when it is well formed', () => {
    expect(identityOfSource({ cloud: { authUrl: 'https://k:5000/v3', region: 'R' } })).toEqual({ authUrl: 'https://k:5000', region: 'R' });
    expect(identityOfSource({ cloud: { authUrl: 'not a url', region: 'R' } })).toBeNull();
    expect(identityOfSource({ providerId: 'p' })).toBeNull();
  });

  it('finds the cloud of a restore point: its recorded id while known, else the cloud with its identity', () => {
    const clouds = { list: () => [{ id: 'new', authUrl: 'https://k:5000/v3', region: 'R' }] };
    expect(providerIdOf(clouds, 'new', null)).toBe('new');
    expect(providerIdOf(clouds, 'old', { authUrl: 'https://k:5000', region: 'R' })).toBe('new');
    expect(providerIdOf(clouds, 'old', { authUrl: 'https://k:5000', region: 'Other' })).toBe('old');
    expect(providerIdOf(clouds, 'old', null)).toBe('old');
  });
});
