/**
 * @file A minimal recurrent layer for the wrapper tests (Bidirectional), independent of the real
 * SimpleRNN / LSTM / GRU: `h_t = tanh(x_t · kernel + h_{t-1} · recurrentKernel)` with Keras' RNN
 * flags (returnSequences, returnState, goBackwards), an initial state given after the input, and a
 * timestep mask that carries the state over masked steps. `referenceRun` is the same recurrence on
 * plain arrays, the test's independent answer.
 */
import * as tf from '@tapeflow/tensor-core';
import { Layer } from '../layer.js';
import type { ApplyOptions, LayerConfig, LayerMask, LayerOutput } from '../layer.js';

export interface TinyRNNOptions {
  readonly name?: string;
  readonly returnSequences?: boolean;
  readonly returnState?: boolean;
  readonly goBackwards?: boolean;
}

export class TinyRNN extends Layer<LayerOutput> {
  static readonly className = 'TinyRNN';
  readonly returnSequences: boolean;
  readonly returnState: boolean;
  readonly goBackwards: boolean;
  kernel: tf.Variable | null = null;
  recurrentKernel: tf.Variable | null = null;

  constructor(
    readonly units: number,
    options: TinyRNNOptions = {},
  ) {
    super(options.name === undefined ? {} : { name: options.name }, 'tiny_rnn');
    this.returnSequences = options.returnSequences ?? false;
    this.returnState = options.returnState ?? false;
    this.goBackwards = options.goBackwards ?? false;
  }

  static fromConfig(config: LayerConfig): TinyRNN {
    return new TinyRNN(config.units as number, {
      name: config.name as string,
      returnSequences: config.returnSequences as boolean,
      returnState: config.returnState as boolean,
      goBackwards: config.goBackwards as boolean,
    });
  }

  override build(inputShape: readonly number[] | readonly (readonly number[])[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as readonly number[];
    this.kernel = this.addWeight('kernel', [shape[2]!, this.units], 'glorotUniform');
    this.recurrentKernel = this.addWeight('recurrent_kernel', [this.units, this.units], 'glorotUniform');
    super.build(inputShape);
  }

  call(inputs: tf.Tensor | tf.Tensor[], options: ApplyOptions = {}): LayerOutput {
    const [x, h0] = Array.isArray(inputs) ? inputs : [inputs];
    const mask = options.mask instanceof tf.Tensor ? options.mask : null;
    return tf.tidy(() => {
      let steps = tf.unstack(x!, 1);
      let masks = mask === null ? null : tf.unstack(mask, 1);
      if (this.goBackwards) {
        steps = steps.reverse();
        masks = masks === null ? null : masks.reverse();
      }
      let h = h0 ?? tf.zeros([x!.shape[0]!, this.units]);
      const outputs: tf.Tensor[] = [];
      steps.forEach((step, t) => {
        const next = tf.tanh(tf.add(tf.matmul(step, this.kernel!), tf.matmul(h, this.recurrentKernel!)));
        h = masks === null ? next : tf.where(tf.expandDims(masks[t]!, -1), next, h);
        outputs.push(h);
      });
      const output = this.returnSequences ? tf.stack(outputs, 1) : h;
      return this.returnState ? [output, h] : output;
    });
  }

  override computeMask(inputs: tf.Tensor | tf.Tensor[], mask: LayerMask): LayerMask {
    void inputs;
    return this.returnSequences && !this.returnState ? mask : null;
  }

  override getConfig(): LayerConfig {
    return {
      ...super.getConfig(),
      units: this.units,
      returnSequences: this.returnSequences,
      returnState: this.returnState,
      goBackwards: this.goBackwards,
    };
  }
}

/**
 * The recurrence on plain arrays: x [batch][time][features], weights as nested arrays; returns each
 * step's state in the order read, and the final state.
 */
export function referenceRun(
  x: number[][][],
  kernel: number[][],
  recurrent: number[][],
  options: { backwards?: boolean; initial?: number[][]; mask?: boolean[][] } = {},
): { steps: number[][][]; final: number[][] } {
  const units = recurrent.length;
  const steps: number[][][] = [];
  const final: number[][] = [];
  x.forEach((sequence, b) => {
    let h = options.initial?.[b]?.slice() ?? new Array<number>(units).fill(0);
    const order = sequence.map((_, t) => t);
    if (options.backwards === true) order.reverse();
    const perStep: number[][] = [];
    for (const t of order) {
      const next = Array.from({ length: units }, (_, j) => {
        let sum = 0;
        sequence[t]!.forEach((v, i) => (sum += v * kernel[i]![j]!));
        h.forEach((v, i) => (sum += v * recurrent[i]![j]!));
        return Math.tanh(sum);
      });
      if (options.mask === undefined || options.mask[b]![t]!) h = next;
      perStep.push(h.slice());
    }
    steps.push(perStep);
    final.push(h);
  });
  return { steps, final };
}
