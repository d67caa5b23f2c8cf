import js from '@eslint/js';
import react from 'eslint-plugin-react';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

// Import boundaries (test/unit/architecture/import-rules.test.ts holds them in place).
const PLAIN_NODE = { name: 'electron', message: 'plain Node only' };
const NO_HOSTS = {
  regex: '^(\\.\\./)+(host(/.*)?|ipc|browser-host(-main)?|main)$',
  message: 'services never import the hosts: what they need of a call is in call-context.ts',
};
const NO_ELECTRON_SIDE = {
  regex: '(^|/)electron(/.*)?$',
  message: 'the renderer talks to the main process only through the contract in shared/',
};

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'release/**',
      'node_modules/**',
      'test-results/**',
      'playwright-report/**',
      'test/artifacts/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.{ts,tsx,mts}'],
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
    },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    plugins: { react, 'react-hooks': reactHooks },
    languageOptions: { globals: globals.browser },
    settings: { react: { version: 'detect' } },
    rules: {
      ...react.configs.recommended.rules,
      ...react.configs['jsx-runtime'].rules,
      ...reactHooks.configs.recommended.rules,
      'react/prop-types': 'off',
    },
  },
  {
    files: [
      'electron/**/*.ts',
      'central/**/*.ts',
      'scripts/**/*.{mjs,ts}',
      'test/**/*.ts',
      '*.config.{mts,ts,mjs}',
    ],
    languageOptions: { globals: globals.node },
  },
  {
    // The services, the WeChat client, the audit log, the sandbox and the hosts are plain Node.
    files: [
      'electron/{services,wechat,audit,sandbox,host}/**/*.ts',
      'electron/browser-host*.ts',
      'central/**/*.ts',
    ],
    rules: { 'no-restricted-imports': ['error', { paths: [PLAIN_NODE] }] },
  },
  {
    // The services know who is calling (services/call-context.ts), never the transport.
    files: ['electron/services/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [PLAIN_NODE], patterns: [NO_HOSTS] }] },
  },
  {
    // The renderer reaches the main process only through the contract (shared/).
    files: ['renderer/**/*.{ts,tsx}'],
    rules: { 'no-restricted-imports': ['error', { patterns: [NO_ELECTRON_SIDE] }] },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: globals.node },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['test/e2e/**/*.ts'],
    rules: { 'no-empty-pattern': 'off' },
  },
);
