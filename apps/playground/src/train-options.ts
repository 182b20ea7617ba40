/**
 * @file The Train page's `train(options)` hook checks its options like every Tapeflow options object
 * (the shared checker of @tapeflow/tensor-core): an unknown key, a wrong type or an out-of-range count
 * is an InvalidArgumentError naming `train`, thrown before any tensor is made or the backend switched.
 * `model` picks the network: the MLP (the default) or the convnet of apps/examples' mnist-cnn.
 */

import { invalidArgument } from '../../../packages/tensor-core/src/errors.js';
import { checkOptions, describeValue } from '../../../packages/tensor-core/src/options.js';
import type { OptionSchema } from '../../../packages/tensor-core/src/options.js';
import type { BackendName } from './site.js';

/** The networks the Train page trains: the 784-128-10 MLP, or the convnet of the mnist-cnn example. */
export type ModelName = 'mlp' | 'cnn';

/** The networks, in the order the page's Model switch lists them. */
export const MODEL_NAMES: readonly ModelName[] = ['mlp', 'cnn'];

/**
 * What `train` takes: epochs and backend are required; samples defaults to every training digit,
 * model to 'mlp'.
 * @example const options: TrainOptions = { epochs: 1, backend: 'cpu', model: 'cnn', samples: 320 };
 */
export interface TrainOptions {
  readonly epochs: number;
  readonly backend: BackendName;
  readonly model?: ModelName;
  readonly samples?: number;
}

/**
 * Throws InvalidArgumentError unless `options` is a TrainOptions with `samples` at most `maxSamples`.
 * @example checkTrainOptions({ epochs: 0, backend: 'cpu' }, 2500) // throws: epochs in [1, 100]
 */
export function checkTrainOptions(options: unknown, maxSamples: number): asserts options is TrainOptions {
  const schema: OptionSchema<TrainOptions> = {
    epochs: { kind: 'number', integer: true, min: 1, max: 100 },
    backend: { kind: 'oneOf', values: ['cpu', 'webgpu'] },
    model: { kind: 'oneOf', values: MODEL_NAMES },
    samples: { kind: 'number', integer: true, min: 1, max: maxSamples },
  };
  if (options === undefined) invalidArgument('train', 'options', 'an options object', 'undefined');
  checkOptions('train', options, schema);
  const given = options as Record<string, unknown>;
  for (const key of ['epochs', 'backend'] as const) {
    if (given[key] === undefined) {
      invalidArgument(
        'train',
        `options.${key}`,
        key === 'epochs' ? 'an integer in [1, 100]' : "'cpu' or 'webgpu'",
        describeValue(undefined),
      );
    }
  }
}
