import { defineConfig } from 'vitest/config';

// Apollo's CommonJS code loads graphql's index.js; without this vitest would load
// index.mjs as a second copy ("from another module or realm").
const resolve = { alias: [{ find: /^graphql$/, replacement: 'graphql/index.js' }] };

/**
 * Two projects: `unit` (test/unit/: domain rules and pure helpers, no servers and no
 * database; seconds) and `integration` (everything else under test/: the platform
 * started in-process and called through the gateway). `npm test` runs both;
 * `npm run test:unit` and `npm run test:integration` run one.
 */
export default defineConfig({
  resolve,
  test: {
    projects: [
      {
        resolve,
        test: {
          name: 'unit',
          include: ['**/test/unit/**/*.test.ts'],
          exclude: ['**/node_modules/**'],
          // A unit test that opens a database or starts a stack fails at once (see the setup file).
          setupFiles: ['./packages/testing/src/unit-setup.ts'],
          testTimeout: 10_000,
          // Unit files run first, as a group of their own (vitest needs an order for
          // projects whose worker settings differ).
          sequence: { groupOrder: 0 },
        },
      },
      {
        resolve,
        test: {
          name: 'integration',
          include: ['**/test/**/*.test.ts'],
          exclude: ['**/node_modules/**', '**/test/unit/**'],
          pool: 'forks',
          // Each behaviour file starts its own database and servers; two at a time fits two cores.
          maxWorkers: 2,
          sequence: { groupOrder: 1 },
          testTimeout: 30_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
