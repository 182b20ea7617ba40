/**
 * @file `loadModel`'s public entry: the saving code (file access, safetensors, the layer table) is
 * Node-only and about a third of this package, so the entry imports it on first call. A web page
 * that never loads a model does not download it (bundlers make it a chunk of its own).
 */
import type { LoadModelOptions } from './load.js';
import type { Tensor } from '@tapeflow/tensor-core';
import type { LayerOutput } from '../layer.js';
import type { Model } from '../model.js';

/**
 * Loads a model saved by `model.save(dir)`: a new model with the saved architecture and weights,
 * compiled with the saved settings when there are any (Node only). `dir` may be a `file://` URL.
 * @example const model = await tf.loadModel('./my-model'); model.predict(x);
 */
export async function loadModel<Output extends LayerOutput = Tensor>(
  dir: string,
  options: LoadModelOptions = {},
): Promise<Model<Output>> {
  const load = await import('./load.js');
  return load.loadModel<Output>(dir, options);
}
