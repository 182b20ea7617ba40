/**
 * @file The build every library shares: ESM + CJS + .d.ts from src/index.ts into dist/. Every
 * Tapeflow package stays external (peers / the umbrella's dependencies), so an application ends up
 * with exactly one tensor-core and one Engine. The d.ts build reads other packages' sources through
 * the `@tapeflow/source` condition (tsconfig.base.json `customConditions`).
 */
import type { Options } from 'tsup';

/** The shared options, with a package's additions on top. */
export function libraryBuild(overrides: Options = {}): Options {
  return {
    entry: ['src/index.ts'],
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    clean: true,
    target: 'es2022',
    external: [/^@tapeflow\//, /^tapeflow$/],
    ...overrides,
  };
}
