/**
 * @file The build every library shares: ESM + CJS + .d.ts from src/index.ts into dist/. Every
 * Tapeflow package stays external (peers / the umbrella's dependencies), so an application ends up
 * with exactly one tensor-core and one Engine. The d.ts build reads other packages' sources through
 * the `@tapeflow/source` condition (tsconfig.base.json `customConditions`). Declarations tagged
 * `@internal` are stripped from the published .d.ts (`stripInternal`): they exist at run time for
 * Tapeflow's own packages, never in the types applications compile against
 * (scripts/check-dts.mjs checks the built files).
 */
import type { Options } from 'tsup';

/** The shared options, with a package's additions on top. */
export function libraryBuild(overrides: Options = {}): Options {
  return {
    entry: ['src/index.ts'],
    format: ['esm', 'cjs'],
    dts: { compilerOptions: { stripInternal: true } },
    sourcemap: true,
    clean: true,
    target: 'es2022',
    external: [/^@tapeflow\//, /^tapeflow$/],
    ...overrides,
  };
}
