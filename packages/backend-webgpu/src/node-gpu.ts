/**
 * @file Node: a GPU object from the `webgpu` package (Dawn) that has an adapter. Dawn runs on this
 * machine's Vulkan driver, and some drivers give it none: Debian 12's Mesa 22 lavapipe (which common
 * packages pull in) is refused, and `requestAdapter()` returns null. Then `nodeGpu` tries again on
 * SwiftShader, the Vulkan driver of Debian's chromium package, instead of failing. The Vulkan loader
 * reads VK_DRIVER_FILES / VK_ICD_FILENAMES from the process environment each time Dawn makes an
 * instance, so the retry sets both and makes a second instance with `create`. No `node:` import here:
 * the package's entry must still bundle for browsers.
 */
/// <reference types="@webgpu/types" />

/** The Vulkan driver file of Debian's chromium package: SwiftShader, Vulkan on the CPU. */
export const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

/** Options of `nodeGpu`. */
export interface NodeGpuOptions {
  /** The Vulkan driver file to fall back to. Default: SWIFTSHADER_ICD. */
  readonly fallbackIcd?: string;
  /** Passed to `requestAdapter()`, as webgpuBackend's `adapterOptions`. */
  readonly adapterOptions?: GPURequestAdapterOptions;
  /** Told when the fallback is used (which driver gave no adapter). Default: `console.warn`. */
  readonly onFallback?: (message: string) => void;
}

type Environment = Record<string, string | undefined>;

/** The real process environment under Node's main thread or a child process; undefined elsewhere. */
function processEnvironment(): Environment | undefined {
  return (globalThis as { process?: { env?: Environment } }).process?.env;
}

/** Sets `name` to `value`, or removes it for undefined (assigning undefined would store "undefined"). */
function setVariable(env: Environment, name: string, value: string | undefined): void {
  if (value === undefined) delete env[name];
  else env[name] = value;
}

/**
 * A GPU object with an adapter: `create([])` on this machine's Vulkan driver when Dawn gets an
 * adapter from it, else `create([])` again with VK_DRIVER_FILES and VK_ICD_FILENAMES set to
 * SwiftShader (they stay set, so later `create` calls in the process use it too). When neither gives
 * an adapter the variables are put back and the first GPU object is returned: `webgpuBackend` then
 * rejects with the error that says what to install. Keep the returned object alive (pass it to
 * `webgpuBackend`, which holds it): Dawn frees its instance with it.
 *
 * In a worker thread `process.env` is a copy the Vulkan loader never sees: there, set
 * VK_ICD_FILENAMES before the process starts.
 *
 * @example
 * import { create } from 'webgpu';
 * registerBackend('webgpu', async () => webgpuBackend({ gpu: await nodeGpu(create) }));
 */
export async function nodeGpu(create: (flags: string[]) => GPU, options: NodeGpuOptions = {}): Promise<GPU> {
  const first = create([]);
  if ((await first.requestAdapter(options.adapterOptions)) !== null) return first;
  const env = processEnvironment();
  const fallback = options.fallbackIcd ?? SWIFTSHADER_ICD;
  if (env === undefined) return first;
  const previous = { VK_DRIVER_FILES: env.VK_DRIVER_FILES, VK_ICD_FILENAMES: env.VK_ICD_FILENAMES };
  // VK_DRIVER_FILES wins over VK_ICD_FILENAMES in loaders since 1.3.207: the driver in use is its.
  const refused = previous.VK_DRIVER_FILES ?? previous.VK_ICD_FILENAMES;
  if (refused === fallback) return first;
  env.VK_DRIVER_FILES = fallback;
  env.VK_ICD_FILENAMES = fallback;
  const second = create([]);
  if ((await second.requestAdapter(options.adapterOptions)) === null) {
    for (const [name, value] of Object.entries(previous)) setVariable(env, name, value);
    return first;
  }
  const report = options.onFallback ?? ((message: string) => console.warn(message));
  report(
    `@tapeflow/backend-webgpu: the Vulkan driver ${refused === undefined ? 'installed on this machine' : `'${refused}'`} gave Dawn ` +
      `no WebGPU adapter (Debian 12's Mesa 22 lavapipe is refused); using SwiftShader ('${fallback}') instead.`,
  );
  return second;
}
