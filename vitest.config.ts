import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    conditions: ['@tapeflow/source', 'module', 'import', 'default'],
  },
  ssr: {
    resolve: {
      conditions: ['@tapeflow/source', 'module', 'node', 'import', 'default'],
    },
  },
  test: {
    include: [
      'packages/*/src/**/*.test.ts',
      'packages/*/test/**/*.test.ts',
      'apps/*/src/**/*.test.ts',
      'apps/*/test/**/*.test.ts',
    ],
    pool: 'threads',
  },
});
