/**
 * @file Build of this package: ESM + CJS + .d.ts from src/index.ts into dist/. `splitting` is on for
 * both formats so the implementation behind the factory's `await import('./backend.js')` becomes its
 * own chunk: importing the entry loads no kernels (tsup splits CJS too when asked; without it the CJS
 * build would inline the chunk into index.cjs). Every Tapeflow package stays external, so an
 * application ends up with exactly one tensor-core and one Engine.
 */
import { defineConfig } from 'tsup';
import { libraryBuild } from '../../tsup.shared.js';

export default defineConfig(
  libraryBuild({
    splitting: true,
    // The public types name WebGPU's globals (GPU, GPUDevice), declared by @webgpu/types; the d.ts
    // bundler drops the sources' triple-slash reference, so it is put back here.
    dts: { banner: '/// <reference types="@webgpu/types" />' },
  }),
);
