/**
 * @file Sequential: Keras' linear stack of layers, each applied to the previous one's output. Built at
 * once when its first layer has `inputShape` (or on `build` / the first `apply` / `fit`), so
 * `summary()` can show every output shape.
 */

import * as tf from '@tapeflow/tensor-core/internal';
import { Layer } from './layer.js';
import type { ApplyOptions, LayerConfig } from './layer.js';
import { Model } from './model.js';
import type { ModelOptions } from './model.js';

/**
 * A linear stack of layers (`tf.keras.Sequential`).
 * @example
 * const model = new tf.Sequential([
 *   new tf.layers.Dense(128, { activation: 'relu', inputShape: [784] }),
 *   new tf.layers.Dense(10, { activation: 'softmax' }),
 * ]);
 * model.summary();
 */
export class Sequential extends Model {
  /** The class name `model.save` writes. */
  static override readonly className: string = 'Sequential';
  private readonly stack: Layer[] = [];

  constructor(layers: readonly Layer[] = [], options: ModelOptions = {}) {
    if (!Array.isArray(layers))
      tf.invalidArgument('Sequential', 'layers', 'an array of layers', tf.describeValue(layers));
    super(options, 'sequential');
    for (const layer of layers) this.add(layer);
    if (this.inputShape !== undefined && !this.built) this.build([null, ...this.inputShape]);
  }

  /** The layers, in order. */
  override get layers(): Layer[] {
    return this.stack.slice();
  }

  /**
   * Appends a layer (Keras' `add`). Names must be unique in the model; a built model is rebuilt.
   * @example model.add(new tf.layers.Dense(10));
   */
  add(layer: Layer): void {
    this.assertNotDisposed('add');
    if (!(layer instanceof Layer)) tf.invalidArgument(`${this.name}.add`, 'layer', 'a Layer', tf.describeValue(layer));
    if (layer === this) tf.invalidArgument(`${this.name}.add`, 'layer', 'another layer', 'the model itself');
    if (this.stack.some((l) => l.name === layer.name)) {
      tf.invalidArgument(
        `${this.name}.add`,
        'layer',
        `a layer with a unique name (Keras requires one per model)`,
        `a second layer named '${layer.name}'`,
      );
    }
    const shape =
      this.buildInputShape ??
      (this.stack.length === 0 && layer.inputShape !== undefined ? [null, ...layer.inputShape] : null);
    this.stack.push(layer);
    if (!this.trainable) layer.trainable = false;
    if (shape === null) return;
    const wasBuilt = this.built;
    this.built = false;
    try {
      this.build(shape);
    } catch (error) {
      // A layer that does not fit the stack is not kept: the model stays as it was.
      this.stack.pop();
      this.built = wasBuilt;
      throw error;
    }
  }

  /** Each layer applied to the previous one's output. */
  call(inputs: tf.Tensor, options: ApplyOptions = {}): tf.Tensor {
    if (this.stack.length === 0)
      tf.invalidArgument(`${this.name}.apply`, 'model', 'at least one layer (add some first)', 'an empty Sequential');
    // A mask given to the model is the first layer's; later layers inherit what the previous one attached.
    const { mask: _firstLayerMask, ...rest } = options;
    return tf.tidy(() => this.stack.reduce((h, layer, i) => layer.apply(h, i === 0 ? options : rest), inputs));
  }

  /**
   * The layers' configs in order, as Keras' Sequential config (what `model.json` holds).
   * @example model.getConfig().layers // [{ className: 'Dense', config: { units: 128, ... } }, ...]
   */
  override getConfig(): LayerConfig {
    return {
      ...this.layerConfig(),
      layers: this.stack.map((layer) => ({ className: layer.className, config: layer.getConfig() })),
      ...(this.buildInputShape === null ? {} : { buildInputShape: this.buildInputShape }),
    };
  }
}
