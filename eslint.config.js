// One ESLint config for the whole repository, run once from the root by `npm run lint`.
// Rules that need no type information only: a type-aware run costs a TypeScript program
// per workspace (about 6× the time, measured) and `npm run typecheck` already does that work.
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

const envMessage =
  "Read configuration in the package's env.ts (parsed once with zod at start) and pass it in: a missing or wrong variable then fails at start, not in the middle of a request.";

const processEnvImports = ['process', 'node:process'].map((name) => ({ name, importNames: ['env'], message: envMessage }));

const layeringMessage =
  "resolvers/ and domain/ never reach the database: SQL lives in db/ repositories built per request with the viewer's scope, and the domain declares the rows and stores it needs as its own types (as subgraphs/points/src/domain/ledger.ts does).";

const databaseImports = [
  { group: ['drizzle-orm', 'drizzle-orm/*', '@membership/db', '@membership/db/*'], message: layeringMessage },
  { group: ['**/db', '**/db/*', '!@membership/db'], message: layeringMessage },
];

export default defineConfig(
  {
    ignores: [
      '**/node_modules/**',
      '**/dist/**',
      '**/.turbo/**',
      '**/.data/**',
      '**/coverage/**',
      '**/migrations/**',
      // Written by `npm run codegen` from each subgraph's SDL.
      '**/src/generated/**',
    ],
  },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    rules: {
      // A leading underscore marks what is unused on purpose (a parameter kept for its
      // position); a rest pattern may drop fields from a copy.
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
      // Also catches `const { env } = process`.
      'no-restricted-properties': ['error', { object: 'process', property: 'env', message: envMessage }],
      'no-restricted-imports': ['error', { paths: processEnvImports }],
    },
  },
  {
    files: ['**/src/resolvers/**', '**/src/domain/**'],
    rules: {
      'no-restricted-imports': ['error', { paths: processEnvImports, patterns: databaseImports }],
    },
  },
  {
    // Where reading the environment is the point: each env.ts, tests and the test harness
    // (which picks PGlite or Postgres from TEST_DATABASE_URL).
    files: ['**/env.ts', '**/test/**', 'packages/testing/**', '**/vitest.config.ts'],
    rules: {
      'no-restricted-properties': 'off',
      'no-restricted-imports': 'off',
    },
  },
  {
    // A test reads whatever shape the operation it sent asks for.
    files: ['**/test/**', 'packages/testing/**'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
);
