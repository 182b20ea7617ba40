/**
 * @file A static server for the built site, as production should serve it: on 127.0.0.1 and a free
 * port, with the cross-origin-isolation headers (COOP same-origin, COEP require-corp) on every
 * response, so the CPU backend's worker pool gets SharedArrayBuffer. Used by the browser test.
 */

import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve } from 'node:path';

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.map': 'application/json',
};

/** The headers that make a page cross-origin isolated. */
export const ISOLATION_HEADERS: Readonly<Record<string, string>> = {
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-embedder-policy': 'require-corp',
};

/**
 * A running server: its base URL and how to stop it.
 * @example const server = await serveSite('apps/playground/dist'); await server.close();
 */
export interface SiteServer {
  readonly url: string;
  close(): Promise<void>;
}

/**
 * Serves the files under `root` (a folder path is its index.html).
 * @example const { url } = await serveSite(dist); // http://127.0.0.1:PORT/
 */
export async function serveSite(root: string): Promise<SiteServer> {
  const base = resolve(root);
  const server = createServer((request, response) => {
    const path = normalize(decodeURIComponent(new URL(request.url ?? '/', 'http://localhost').pathname));
    const file = join(base, path.endsWith('/') ? `${path}index.html` : path);
    if (!file.startsWith(base)) {
      response.writeHead(403).end();
      return;
    }
    readFile(file).then(
      (body) =>
        response
          .writeHead(200, {
            ...ISOLATION_HEADERS,
            'content-type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
          })
          .end(body),
      () => response.writeHead(404, ISOLATION_HEADERS).end(),
    );
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () => new Promise<void>((done, fail) => server.close((error) => (error ? fail(error) : done()))),
  };
}
