// A cloud from clouds.yaml and a small Keystone v3 session over Node's fetch.
// Cloud: BACKSTACK_TEST_CLOUD (default lab-admin); file: OS_CLIENT_CONFIG_FILE, the lab's
// state/clouds.yaml, ./clouds.yaml, ~/.config/openstack/clouds.yaml, /etc/openstack/clouds.yaml.
// For an https auth_url with a private CA, start the tests with NODE_EXTRA_CA_CERTS=<ca file>.
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { labDir } from './lab';

export interface CloudConfig {
  name: string;
  file: string;
  /** true when the cloud is the local lab's (its state folder has the TLS proxy, proxy.json ...) */
  isLab: boolean;
  authUrl: string;
  username: string;
  password: string;
  userDomain: { name?: string; id?: string };
  project: { name?: string; id?: string; domainName?: string; domainId?: string };
  region?: string;
  interface: string;
  cacert?: string;
}

type Raw = Record<string, unknown>;
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

export function cloudFiles(): string[] {
  const files = [
    process.env.OS_CLIENT_CONFIG_FILE,
    join(labDir, 'clouds.yaml'),
    resolve('clouds.yaml'),
    join(homedir(), '.config', 'openstack', 'clouds.yaml'),
    '/etc/openstack/clouds.yaml',
  ];
  return files.filter((f): f is string => !!f && existsSync(f));
}

export function loadCloud(name = process.env.BACKSTACK_TEST_CLOUD ?? 'lab-admin'): CloudConfig {
  for (const file of cloudFiles()) {
    const doc = parse(readFileSync(file, 'utf8')) as { clouds?: Record<string, Raw> } | null;
    const c = doc?.clouds?.[name];
    if (!c) continue;
    const auth = (c.auth ?? {}) as Raw;
    const authUrl = str(auth.auth_url);
    const username = str(auth.username);
    const password = str(auth.password);
    if (!authUrl || !username || !password) throw new Error(`cloud ${name} in ${file}: password auth needs auth_url, username, password`);
    return {
      name,
      file,
      isLab: resolve(file) === join(labDir, 'clouds.yaml'),
      authUrl: authUrl.replace(/\/+$/, ''),
      username,
      password,
      userDomain: { name: str(auth.user_domain_name) ?? (auth.user_domain_id ? undefined : 'Default'), id: str(auth.user_domain_id) },
      project: {
        name: str(auth.project_name),
        id: str(auth.project_id),
        domainName: str(auth.project_domain_name) ?? (auth.project_domain_id ? undefined : 'Default'),
        domainId: str(auth.project_domain_id),
      },
      region: str(c.region_name),
      interface: (str(c.interface) ?? 'public').replace(/URL$/, ''),
      cacert: str(c.cacert),
    };
  }
  throw new Error(`cloud "${name}" not found in ${cloudFiles().join(', ') || 'any clouds.yaml'} (run e2e/lab/up, or set OS_CLIENT_CONFIG_FILE)`);
}

interface CatalogEntry {
  type: string;
  endpoints: { interface: string; region_id?: string; region?: string; url: string }[];
}
export interface RequestOptions {
  method?: string;
  body?: unknown;
  microversion?: string;
  /** expected status codes (default: 200) */
  expect?: number[];
}

const MICROVERSION_HEADER: Record<string, string> = { compute: 'compute', volumev3: 'volume', placement: 'placement' };

export class Session {
  private constructor(
    readonly cloud: CloudConfig,
    readonly token: string,
    readonly projectId: string,
    private readonly catalog: CatalogEntry[],
  ) {}

  static async login(cloud: CloudConfig): Promise<Session> {
    const scope = cloud.project.id
      ? { project: { id: cloud.project.id } }
      : {
          project: { name: cloud.project.name, domain: cloud.project.domainId ? { id: cloud.project.domainId } : { name: cloud.project.domainName } },
        };
    const user = {
      name: cloud.username,
      password: cloud.password,
      domain: cloud.userDomain.id ? { id: cloud.userDomain.id } : { name: cloud.userDomain.name },
    };
    const url = `${cloud.authUrl.replace(/\/v3$/, '')}/v3/auth/tokens`;
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ auth: { identity: { methods: ['password'], password: { user } }, scope } }),
    });
    if (res.status !== 201) throw new Error(`POST ${url}: ${res.status} ${await res.text()}`);
    const token = res.headers.get('x-subject-token');
    const body = (await res.json()) as { token: { project: { id: string }; catalog: CatalogEntry[] } };
    if (!token) throw new Error(`POST ${url}: no X-Subject-Token`);
    return new Session(cloud, token, body.token.project.id, body.token.catalog);
  }

  endpoint(type: string): string {
    const entry = this.catalog.find((e) => e.type === type);
    const ep = entry?.endpoints.find(
      (e) => e.interface === this.cloud.interface && (!this.cloud.region || (e.region_id ?? e.region) === this.cloud.region),
    );
    if (!ep) throw new Error(`no ${this.cloud.interface} endpoint of type ${type} in the catalog`);
    const url = ep.url.replace(/\/+$/, '');
    // identity: paths are relative to /v3, whether or not the catalog URL carries it
    return type === 'identity' ? `${url.replace(/\/v3$/, '')}/v3` : url;
  }

  async request<T = Raw>(type: string, path: string, opts: RequestOptions = {}): Promise<T> {
    const url = path.startsWith('http') ? path : `${this.endpoint(type)}${path}`;
    const headers: Record<string, string> = { 'x-auth-token': this.token, accept: 'application/json' };
    if (opts.body !== undefined) headers['content-type'] = 'application/json';
    if (opts.microversion) headers['openstack-api-version'] = `${MICROVERSION_HEADER[type] ?? type} ${opts.microversion}`;
    const method = opts.method ?? 'GET';
    const res = await fetch(url, { method, headers, body: opts.body === undefined ? undefined : JSON.stringify(opts.body) });
    const text = await res.text();
    if (!(opts.expect ?? [200]).includes(res.status)) throw new Error(`${method} ${url}: ${res.status} ${text.slice(0, 300)}`);
    return (text ? JSON.parse(text) : {}) as T;
  }
}
