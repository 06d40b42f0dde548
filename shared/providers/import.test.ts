import { describe, expect, it } from 'vitest';
import { listClouds, parseCloudsYaml, parseOpenrc } from './import';

describe('parseOpenrc', () => {
  it('reads a Horizon v3 openrc, leaving the prompted password for the wizard', () => {
    const d = parseOpenrc(`#!/usr/bin/env bash
export OS_AUTH_URL=https://keystone.example.com:5000/v3
export OS_PROJECT_ID=0123
export OS_PROJECT_NAME="acme-prod"
export OS_USER_DOMAIN_NAME="acme"
export OS_PROJECT_DOMAIN_ID="f00"
export OS_USERNAME="acme-admin"
echo "Please enter your OpenStack Password for project $OS_PROJECT_NAME as user $OS_USERNAME: "
read -sr OS_PASSWORD_INPUT
export OS_PASSWORD=$OS_PASSWORD_INPUT
export OS_REGION_NAME="RegionOne"
export OS_INTERFACE=public
`);
    expect(d).toEqual({
      authUrl: 'https://keystone.example.com:5000/v3',
      region: 'RegionOne',
      endpointInterface: 'public',
      authDomain: { name: 'acme', domainId: 'f00', userName: 'acme-admin', defaultProject: 'acme-prod' },
    });
  });

  it('reads a lab openrc with its password and CA file', () => {
    const d = parseOpenrc(
      `export OS_AUTH_URL=http://127.0.0.1:5000/v3\nexport OS_USERNAME=admin\nexport OS_PASSWORD='s3 cret'\nexport OS_PROJECT_NAME=admin\nexport OS_USER_DOMAIN_NAME=Default\nexport OS_PROJECT_DOMAIN_NAME=Default\nexport OS_CACERT=/etc/ssl/lab.pem\nexport OS_ENDPOINT_TYPE=internalURL\n`,
    );
    expect(d.authDomain).toMatchObject({ name: 'Default', userName: 'admin', password: 's3 cret', defaultProject: 'admin' });
    expect(d.caFile).toBe('/etc/ssl/lab.pem');
    expect(d.endpointInterface).toBe('internal');
  });

  it('says plainly when the file is not an openrc', () => {
    expect(() => parseOpenrc('hello')).toThrow(/no OS_AUTH_URL/);
  });
});

describe('parseCloudsYaml', () => {
  const yaml = `clouds:
  lab-admin:
    auth:
      auth_url: http://127.0.0.1:5000/v3
      username: admin
      project_name: admin
      user_domain_name: Default
      project_domain_name: Default
    region_name: RegionOne
    interface: internal
  appcred:
    auth_type: v3applicationcredential
    auth:
      auth_url: https://k.example.com/v3
      application_credential_id: abc
`;
  it('lists the clouds and reads one, merging secure.yaml', () => {
    expect(listClouds(yaml)).toEqual(['lab-admin', 'appcred']);
    const d = parseCloudsYaml(yaml, 'lab-admin', 'clouds:\n  lab-admin:\n    auth:\n      password: admin\n');
    expect(d).toEqual({
      authUrl: 'http://127.0.0.1:5000/v3',
      region: 'RegionOne',
      endpointInterface: 'internal',
      authDomain: { name: 'Default', userName: 'admin', password: 'admin', defaultProject: 'admin' },
    });
    const a = parseCloudsYaml(yaml, 'appcred', 'clouds:\n  appcred:\n    auth:\n      application_credential_secret: sss\n');
    expect(a.authDomain.applicationCredential).toEqual({ id: 'abc', secret: 'sss' });
  });

  it('names the clouds it has when asked for a missing one', () => {
    expect(() => parseCloudsYaml(yaml, 'prod')).toThrow(/no cloud named "prod" \(it has: lab-admin, appcred\)/);
  });
});
