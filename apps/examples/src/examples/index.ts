/**
 * @file The examples in notebook order, by the name `pnpm examples <name>` takes.
 */

import type * as tf from 'tapeflow';
import type { Log } from '../notebook.js';
import * as controlFlow from './control-flow.js';
import * as denseRelu from './dense-relu.js';
import * as matmulBias from './matmul-bias.js';
import * as nonTrainable from './non-trainable.js';
import * as watchAccessedVariables from './watch-accessed-variables.js';
import * as watch from './watch.js';
import * as xSquared from './x-squared.js';

/**
 * One notebook cell group.
 * @example const example: Example = { name: 'x-squared', title: 'x²', run: xSquared.run };
 */
export interface Example {
  /** What `pnpm examples <name>` takes. */
  readonly name: string;
  /** One line on what it shows. */
  readonly title: string;
  /** Runs the cells, logging each; resolves to the tensors it made, which the caller disposes. */
  readonly run: (log: Log) => Promise<tf.TensorContainer>;
}

/**
 * Every example, in notebook order.
 * @example for (const e of EXAMPLES) tf.dispose(await e.run(console.log));
 */
export const EXAMPLES: readonly Example[] = [
  { name: 'x-squared', title: 'The gradient of y = x² at x = 4', run: xSquared.run },
  { name: 'matmul-bias', title: 'y = x·w + b, a mean-squared loss, and a persistent tape', run: matmulBias.run },
  { name: 'dense-relu', title: 'A Dense layer with relu, and when its gradients are zero', run: denseRelu.run },
  { name: 'non-trainable', title: 'Non-trainable variables and constants get no gradient', run: nonTrainable.run },
  { name: 'watch', title: 'tape.watch makes a non-trainable variable differentiable', run: watch.run },
  { name: 'watch-accessed-variables', title: 'watchAccessedVariables: false follows only what is watched', run: watchAccessedVariables.run },
  { name: 'control-flow', title: 'Gradients follow the branch that ran', run: controlFlow.run },
];
