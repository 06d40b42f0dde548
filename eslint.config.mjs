// Folder boundaries of ARCHITECTURE.md, enforced by path zones (scripts/eslint-layers.mjs): each layer
// may import only what sits below it.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import { layersPlugin } from './scripts/eslint-layers.mjs';

const nodeBuiltins = ['fs', 'path', 'os', 'child_process', 'crypto', 'http', 'https', 'net', 'tls', 'stream', 'worker_threads'];
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
      { group: ['electron'], message: 'shared imports nothing of ours.' },
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
        { group: ['electron'], message: 'The renderer reaches the core only through the contract (shared/ipc).' },
      ),
    },
  },
  {
    files: ['electron/**/*.ts', 'shared/**/*.ts', 'renderer/**/*.ts', 'renderer/**/*.tsx'],
    plugins: { backstack: layersPlugin },
    rules: { 'backstack/layers': 'error' },
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
