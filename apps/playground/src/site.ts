/**
 * @file What every page shares: the navigation bar (with the API reference link), the backend switch
 * (cpu / webgpu, webgpu disabled with the reason when the browser has none), the page's status line,
 * and `window.tapeflowPlayground`, the hooks a test drives the pages with (and reads `tf.memory()` by).
 */

import * as tf from 'tapeflow';
import type { TrainOptions } from './train-options.js';
import './style.css';

/** The backends the switch offers. */
export type BackendName = 'cpu' | 'webgpu';

/**
 * What one notebook cell printed in `runAll`.
 * @example const outputs: CellOutput[] = await window.tapeflowPlayground.runAll('cpu');
 */
export interface CellOutput {
  /** The example the cell belongs to (its `data-cell`). */
  readonly example: string;
  /** 0-based position in the example. */
  readonly index: number;
  /** The notebook's Python for the cell. */
  readonly python: string;
  /** The printed lines (the shown value as the examples print it). */
  readonly lines: readonly string[];
  /** The error's message if the cell threw. */
  readonly error: string | null;
}

/**
 * The hooks for automation. Each page fills in its own: the notebook `runAll`, the Train page `train`.
 * @example await window.tapeflowPlayground.train({ epochs: 1, backend: 'cpu' })
 */
export interface PlaygroundHooks {
  /** Runs every notebook cell on `backend`; resolves to what each printed. */
  runAll?: (backend: BackendName) => Promise<CellOutput[]>;
  /** Trains the MNIST MLP or CNN; resolves to `fit`'s history (loss, accuracy, val_loss, val_accuracy). */
  train?: (options: TrainOptions) => Promise<Record<string, number[]>>;
  /** Plots f, f', f'' of the typed function on `backend`; resolves to the sampled values. */
  plot?: (source: string, backend: BackendName) => Promise<{ x: number[]; f: number[]; df: number[]; d2f: number[] }>;
  /** `tf.memory()` of the page (every page): what a test compares before and after a run. */
  readonly memory: () => tf.MemoryInfo;
  /** Resolves once the page has set itself up. */
  ready: Promise<void>;
}

declare global {
  interface Window {
    tapeflowPlayground: PlaygroundHooks;
  }
}

const PAGES = [
  { href: './index.html', label: 'Notebook' },
  { href: './train.html', label: 'Train' },
  { href: './gradients.html', label: 'Gradients' },
  { href: './api/index.html', label: 'API reference' },
];

/** Why WebGPU cannot be used here, or null when it can. */
export async function webGpuUnavailableReason(): Promise<string | null> {
  const gpu = (navigator as Navigator & { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;
  if (gpu === undefined) return 'this browser has no navigator.gpu (WebGPU is off or unsupported)';
  try {
    if ((await gpu.requestAdapter()) === null) return 'navigator.gpu.requestAdapter() found no adapter';
  } catch (error) {
    return `requestAdapter failed: ${String(error)}`;
  }
  return null;
}

/**
 * Draws the navigation bar, marks the current page, and returns the page's main element.
 * @example const main = setUpPage('Notebook');
 */
export function setUpPage(current: string): HTMLElement {
  const nav = document.getElementById('nav')!;
  nav.innerHTML = '';
  const brand = document.createElement('strong');
  brand.textContent = 'Tapeflow';
  nav.append(brand);
  for (const page of PAGES) {
    const link = document.createElement('a');
    link.href = page.href;
    link.textContent = page.label;
    if (page.label === current) link.setAttribute('aria-current', 'page');
    nav.append(link);
  }
  const isolation = document.createElement('span');
  isolation.className = 'isolation';
  isolation.textContent = globalThis.crossOriginIsolated
    ? 'cross-origin isolated: CPU threads on'
    : 'not isolated: CPU on one thread';
  nav.append(isolation);
  return document.getElementById('app')!;
}

/**
 * The backend switch: a select with cpu and webgpu (disabled, with the reason as its title and text,
 * when the browser has none). Switching calls `tf.setBackend`.
 * @example const backend = await backendSwitch(toolbar); await backend.use('webgpu');
 */
export async function backendSwitch(parent: HTMLElement): Promise<{ use(name: BackendName): Promise<void> }> {
  const label = document.createElement('label');
  label.textContent = 'Backend ';
  const select = document.createElement('select');
  select.dataset['backend'] = '';
  for (const name of ['cpu', 'webgpu'] as const) {
    const option = document.createElement('option');
    option.value = name;
    option.textContent = name;
    select.append(option);
  }
  label.append(select);
  const reason = document.createElement('span');
  reason.className = 'reason';
  parent.append(label, reason);
  const why = await webGpuUnavailableReason();
  if (why !== null) {
    const webgpu = select.options[1]!;
    webgpu.disabled = true;
    webgpu.title = why;
    reason.textContent = `webgpu unavailable: ${why}`;
  }
  const use = async (name: BackendName): Promise<void> => {
    if (name === 'webgpu' && why !== null) throw new Error(`webgpu is unavailable: ${why}`);
    if (tf.getBackend() !== name && !(await tf.setBackend(name))) throw new Error(`setBackend('${name}') failed`);
    select.value = name;
  };
  select.addEventListener('change', () => void use(select.value as BackendName));
  return { use };
}

/** Sets up `window.tapeflowPlayground` (once) and returns it. */
export function hooks(): PlaygroundHooks {
  window.tapeflowPlayground ??= { ready: Promise.resolve(), memory: () => tf.memory() };
  return window.tapeflowPlayground;
}
