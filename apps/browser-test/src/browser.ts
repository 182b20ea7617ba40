/**
 * @file Debian's chromium, headless with WebGPU on SwiftShader, driven by playwright-core (never a
 * downloaded browser): the flags measured to work on CPU-only machines, a fresh profile in a temp
 * folder for each run. A missing chromium is an error saying what to install, never a skip.
 */

import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import type { BrowserContext } from 'playwright-core';

/** Where Debian's chromium package puts the browser. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/** WebGPU on, through SwiftShader; no sandbox (CI runs as root), no network chatter, no /dev/shm. */
export const CHROMIUM_FLAGS = [
  '--enable-unsafe-webgpu',
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu-sandbox',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--disable-dev-shm-usage',
  '--enable-features=Vulkan',
  '--use-angle=swiftshader',
  '--use-webgpu-adapter=swiftshader',
];

/** A running browser and how to close it (removing its profile). */
export interface HeadlessChromium {
  readonly context: BrowserContext;
  close(): Promise<void>;
}

/** Launches headless chromium with a fresh profile. */
export async function launchChromium(): Promise<HeadlessChromium> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `No chromium at ${CHROMIUM_PATH}. Install Debian's: apt-get install chromium libvulkan1 (.ci/run does).`,
    );
  }
  const profile = await mkdtemp(join(tmpdir(), 'tapeflow-chromium-'));
  // `headless: false` because the flags above already ask for the new headless mode.
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: false,
    args: CHROMIUM_FLAGS,
    // Chromium warns on every launch when XDG_RUNTIME_DIR is unset (as under CI's root shell); the
    // fresh profile (mode 0700, removed on close) is a private runtime directory.
    env: { ...process.env, XDG_RUNTIME_DIR: process.env.XDG_RUNTIME_DIR ?? profile },
  });
  return {
    context,
    close: async () => {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}
