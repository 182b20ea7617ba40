/**
 * @file The one vitest configuration for the monorepo: sources are read through the `@tapeflow/source`
 * export condition (no build needed), and tests fall into two projects. `default` runs in worker
 * threads. `webgpu` (the WebGPU backend's tests, the examples on WebGPU, the headless-browser test)
 * runs in child processes: Dawn's Vulkan loader reads VK_ICD_FILENAMES from the real process
 * environment, which a worker thread's `process.env` never reaches, and a SwiftShader run (CPU-only
 * WebGPU) or a browser start (the browser tests, the playground's included) needs more than the default 5 s per test.
 */
import { defineConfig } from 'vitest/config';

const WEBGPU_TESTS = [
  'packages/backend-webgpu/src/**/*.test.ts',
  'apps/examples/src/*webgpu*.test.ts',
  'packages/tapeflow/src/*webgpu*.test.ts',
  'apps/browser-test/src/**/*.test.ts',
  'apps/playground/src/*browser*.test.ts',
];

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
    projects: [
      {
        extends: true,
        test: {
          name: 'default',
          include: [
            'packages/*/src/**/*.test.ts',
            'packages/*/test/**/*.test.ts',
            'apps/*/src/**/*.test.ts',
            'apps/*/test/**/*.test.ts',
          ],
          exclude: ['**/node_modules/**', '**/dist/**', ...WEBGPU_TESTS],
          pool: 'threads',
        },
      },
      {
        extends: true,
        test: {
          name: 'webgpu',
          include: WEBGPU_TESTS,
          exclude: ['**/node_modules/**', '**/dist/**'],
          pool: 'forks',
          // Lets a test collect garbage on purpose (the WebGPU backend must keep Dawn's objects alive).
          execArgv: ['--expose-gc'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
