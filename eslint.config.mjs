// Folder boundaries of ARCHITECTURE.md, enforced: each layer may import only what sits below it.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

const nodeBuiltins = ['fs', 'path', 'os', 'child_process', 'crypto', 'http', 'https', 'net', 'tls', 'stream', 'worker_threads'];
// Relative paths up to three levels, so a layer's own files with the same name (openstack/core/catalog.ts) stay allowed.
const layer = (name) => [`../${name}`, `../${name}/**`, `../../${name}`, `../../${name}/**`, `../../../${name}`, `../../../${name}/**`];
const ours = {
  electron: { group: ['electron'], message: 'Only electron/main and electron/preload may import electron.' },
  renderer: { group: ['**/renderer/**', ...layer('renderer')], message: 'The renderer is reached only through the contract.' },
  main: { group: layer('main'), message: 'Nothing depends on the composition root.' },
  services: { group: layer('services'), message: 'Use cases sit above this layer.' },
  jobs: { group: layer('jobs'), message: 'The job manager sits above this layer.' },
  catalog: { group: layer('catalog'), message: 'The catalog sits above this layer.' },
  openstack: { group: layer('openstack'), message: 'This layer does not talk to OpenStack.' },
  engine: { group: layer('engine'), message: 'This layer does not touch the backup repository.' },
  transfer: { group: layer('transfer'), message: 'Strategies sit above this layer.' },
  console: { group: layer('console'), message: 'The console transport sits above this layer.' },
  cli: { group: layer('cli'), message: 'The CLI sits above this layer.' },
};
const restrict = (...rules) => ({ 'no-restricted-imports': ['error', { patterns: rules }] });
const tsFiles = (dir) => [`${dir}/**/*.ts`, `${dir}/**/*.tsx`];

export default tseslint.config(
  { ignores: ['electron/**/*.d.ts', 'shared/**/*.d.ts', 'e2e/**/*.d.ts', 'out/**', 'dist/**', 'node_modules/**', 'e2e/lab/state/**', 'test-results/**', '.tmp/**', 'bin/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-console': ['error', { allow: ['warn', 'error'] }],
    },
  },
  { files: ['**/*.{ts,mts,mjs,cjs}'], languageOptions: { globals: globals.node } },
  {
    files: tsFiles('shared'),
    rules: restrict(
      { group: ['node:*', ...nodeBuiltins], message: 'shared runs anywhere: no Node modules.' },
      { group: ['**/electron/**', '**/renderer/**', 'electron'], message: 'shared imports nothing of ours.' },
    ),
  },
  {
    files: tsFiles('renderer/src'),
    languageOptions: { globals: globals.browser },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      ...restrict(
        { group: ['node:*', ...nodeBuiltins], message: 'The renderer is browser-only.' },
        { group: ['**/electron/**', 'electron'], message: 'The renderer reaches the core only through the contract (shared/ipc).' },
      ),
    },
  },
  { files: tsFiles('electron/lib'), rules: restrict(ours.electron, ours.renderer, ours.main, ours.services, ours.jobs, ours.catalog, ours.openstack, ours.engine, ours.transfer, ours.console, ours.cli) },
  { files: tsFiles('electron/openstack'), rules: restrict(ours.electron, ours.renderer, ours.main, ours.services, ours.jobs, ours.catalog, ours.engine, ours.transfer, ours.console, ours.cli) },
  { files: tsFiles('electron/engine'), rules: restrict(ours.electron, ours.renderer, ours.main, ours.services, ours.jobs, ours.catalog, ours.openstack, ours.transfer, ours.console, ours.cli) },
  { files: tsFiles('electron/catalog'), rules: restrict(ours.electron, ours.renderer, ours.main, ours.services, ours.jobs, ours.openstack, ours.engine, ours.transfer, ours.console, ours.cli) },
  { files: tsFiles('electron/transfer'), rules: restrict(ours.electron, ours.renderer, ours.main, ours.services, ours.jobs, ours.catalog, ours.console, ours.cli) },
  { files: tsFiles('electron/jobs'), rules: restrict(ours.electron, ours.renderer, ours.main, ours.services, ours.console, ours.cli) },
  { files: tsFiles('electron/services'), rules: restrict(ours.electron, ours.renderer, ours.main, ours.console, ours.cli) },
  { files: tsFiles('electron/console'), rules: restrict(ours.electron, ours.renderer, ours.main, ours.cli) },
  { files: tsFiles('electron/cli'), rules: restrict(ours.electron, ours.renderer, ours.main) },
  { files: tsFiles('electron/main'), rules: restrict(ours.renderer) },
  {
    files: tsFiles('electron/preload'),
    rules: restrict(ours.renderer, ours.services, ours.jobs, ours.catalog, ours.openstack, ours.engine, ours.transfer, ours.console, ours.cli, ours.main),
  },
  {
    files: ['scripts/**/*.cjs'],
    rules: { '@typescript-eslint/no-require-imports': 'off', 'no-console': 'off' },
  },
  {
    files: ['**/*.test.ts', 'e2e/**/*.ts'],
    rules: { 'no-console': 'off' },
  },
);
