import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    // Apollo's CommonJS code loads graphql's index.js; without this vitest would load
    // index.mjs as a second copy ("from another module or realm").
    alias: [{ find: /^graphql$/, replacement: 'graphql/index.js' }],
  },
  test: {
    include: ['**/test/**/*.test.ts'],
    exclude: ['**/node_modules/**'],
    pool: 'forks',
    // Each behaviour file starts its own database and servers; two at a time fits two cores.
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 120_000,
  },
});
