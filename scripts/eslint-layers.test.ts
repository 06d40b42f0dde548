import path from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const root = path.resolve(__dirname, '..');
const eslint = new ESLint({ cwd: root });
const lint = async (file: string, code: string) => {
  const [r] = await eslint.lintText(code, { filePath: path.join(root, file) });
  return (r?.messages ?? []).filter((m) => m.ruleId === 'backstack/layers').map((m) => m.message);
};

describe('layer zones (ARCHITECTURE.md)', () => {
  it('refuses an import that reaches up a layer, however deep the importing file sits', async () => {
    expect(await lint('electron/engine/ops/deep/x.ts', "import { JobManager } from '../../../jobs/manager';\nexport { JobManager };\n")).toEqual([
      expect.stringMatching(/^electron\/engine may not import electron\/jobs/),
    ]);
    expect(await lint('electron/catalog/x.ts', "export { createCore } from '../core/create-core';\n")).toEqual([
      expect.stringMatching(/^electron\/catalog may not import electron\/core/),
    ]);
    expect(await lint('shared/domain/x.ts', "export * from '../../electron/lib/errors';\n")).toEqual([expect.stringMatching(/^shared may not import electron\/lib/)]);
  });

  it('lets other folders in only through a door folder\'s index.ts', async () => {
    expect(await lint('electron/services/x.ts', "export { SshSession } from '../transfer/libvirt-ssh/ssh';\n")).toEqual([
      'Import electron/transfer/libvirt-ssh through its index.ts, not electron/transfer/libvirt-ssh/ssh (the folder\'s only door).',
    ]);
    expect(await lint('electron/services/x.ts', "export { SshSession } from '../transfer/libvirt-ssh';\nexport { openRepository } from '../engine/index';\n")).toEqual([]);
    expect(await lint('electron/transfer/libvirt-ssh/x.ts', "export { SshSession } from './ssh';\n")).toEqual([]);
    expect(await lint('electron/core/x.test.ts', "export { standardCloud } from '../openstack/testing/fixtures';\n")).toEqual([]);
  });

  it('allows what the layer sits on, and keeps electron to main and preload', async () => {
    expect(await lint('electron/services/x.ts', "export { openCatalog } from '../catalog';\nexport { AppError } from '../../shared/errors/codes';\n")).toEqual([]);
    expect(await lint('electron/core/x.ts', "import { app } from 'electron';\nexport { app };\n")).toEqual(['Only electron/main and electron/preload may import electron.']);
    expect(await lint('electron/main/x.ts', "import { app } from 'electron';\nexport { app };\n")).toEqual([]);
  });
});
