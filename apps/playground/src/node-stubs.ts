/**
 * @file The Node built-ins that apps/examples' training modules import (node:fs/promises, node:path,
 * node:url, node:module), as the browser build gets them. The Train page imports the mnist-cnn example
 * for its model (`cnnModel`, `asImages`: one source); that module also writes charts to files and its
 * data loader requires the `mnist` package, which the page never calls. vite.config.ts resolves those
 * imports here: the path helpers its top level evaluates work on URLs, and what would touch files or
 * Node's `require` throws UnimplementedError naming the call. A new Node import in those modules fails
 * the playground's build ("not exported by node-stubs.ts") instead of failing in the page.
 */

import { UnimplementedError } from 'tapeflow';

function unavailable(call: string): never {
  throw new UnimplementedError(`${call}: Node's file system and require are not available in the browser`);
}

/**
 * The path of a file: URL (the examples name their output files this way at module load).
 * @example fileURLToPath('file:///a/b.svg') // '/a/b.svg'
 */
export function fileURLToPath(url: string | URL): string {
  return decodeURIComponent(new URL(url).pathname);
}

/**
 * The folder part of a /-separated path.
 * @example dirname('/a/b.svg') // '/a'
 */
export function dirname(path: string): string {
  const cut = path.lastIndexOf('/');
  return cut <= 0 ? (cut === 0 ? '/' : '.') : path.slice(0, cut);
}

/**
 * Throws: the browser has no file system.
 * @example await mkdir('/out', { recursive: true }) // rejects with UnimplementedError
 */
export async function mkdir(path: string, _options?: unknown): Promise<never> {
  return unavailable(`mkdir('${path}')`);
}

/**
 * Throws: the browser has no file system.
 * @example await writeFile('/out/chart.svg', svg) // rejects with UnimplementedError
 */
export async function writeFile(path: string, _data?: unknown): Promise<never> {
  return unavailable(`writeFile('${path}')`);
}

/**
 * A `require` that throws: the browser has no Node module loader.
 * @example createRequire(import.meta.url)('mnist') // throws UnimplementedError
 */
export function createRequire(_from: string | URL): (id: string) => never {
  return (id) => unavailable(`require('${id}')`);
}
