/**
 * @file Build of this package: the libraries' shared build (../../tsup.shared.ts) with three entries,
 * the public one and the `./backend` and `./internal` subpaths. Code splitting in both formats keeps
 * one copy of each module (one Engine, one Tensor class) however many entries an application loads.
 */
import { defineConfig } from 'tsup';
import { libraryBuild } from '../../tsup.shared.js';

export default defineConfig(
  libraryBuild({ entry: ['src/index.ts', 'src/backend-api.ts', 'src/internal.ts'], splitting: true }),
);
