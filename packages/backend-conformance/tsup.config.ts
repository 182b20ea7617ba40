/**
 * @file Build of this package: ESM + CJS + .d.ts from src/index.ts into dist/.
 * Every Tapeflow package stays external (peers / the umbrella's dependencies), so an application
 * ends up with exactly one tensor-core and one Engine. The d.ts build reads other packages'
 * sources through the `@tapeflow/source` condition (tsconfig.base.json `customConditions`).
 */
import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'es2022',
  external: [/^@tapeflow\//, /^tapeflow$/],
});
