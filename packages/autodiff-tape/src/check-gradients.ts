/**
 * @file A numeric gradient checker, like TensorFlow's `tf.test.compute_gradient`: compares the tape's
 * gradients of `f` with central differences. The loss is a fixed random projection of f's output
 * (`sum(w * f(x))`, not a plain sum, which would hide a transposed or mixed-up gradient), and the
 * differences are taken in float64 on the values read back.
 */

import * as tf from '@tapeflow/tensor-core/internal';
import { GradientTape } from './gradient-tape.js';

/** Options of `checkGradients`. */
export interface CheckGradientsOptions {
  /** Step of the central difference; default 1e-2 (float32 forward passes need a large one). */
  readonly delta?: number;
  /** Relative tolerance; default 2e-2. */
  readonly rtol?: number;
  /** Absolute tolerance; default 2e-3. */
  readonly atol?: number;
  /** Seed of the projection weights; default 0. */
  readonly seed?: number;
}

/** One input's comparison. */
export interface GradientComparison {
  /** The tape's gradient, flat (zeros where the tape said null). */
  readonly analytic: number[];
  /** The central-difference gradient, flat. */
  readonly numeric: number[];
  /** Largest |analytic - numeric| minus the allowed tolerance at that element (≤ 0 when it passes). */
  readonly worstExcess: number;
}

/** What `checkGradients` found. */
export interface GradientCheckReport {
  /** Whether every element of every input is within `atol + rtol * |numeric|`. */
  readonly ok: boolean;
  /** Per input. */
  readonly inputs: readonly GradientComparison[];
  /** A readable summary of the worst element, for assertion messages. */
  readonly summary: string;
}

async function projectedLoss(
  f: (...inputs: tf.Tensor[]) => tf.Tensor,
  inputs: tf.Tensor[],
  weights: Float32Array,
): Promise<number> {
  const out = tf.tidy(() => f(...inputs));
  const values = await out.data();
  if (!inputs.includes(out)) out.dispose();
  let loss = 0;
  for (let i = 0; i < values.length; i++) loss += weights[i]! * values[i]!;
  return loss;
}

/**
 * Compares the tape's gradients of `f` at `inputs` with central differences.
 * @example
 * const report = await checkGradients((x) => tf.tanh(x), [tf.tensor([0.1, -0.4])]);
 * report.ok // true
 */
export async function checkGradients(
  f: (...inputs: tf.Tensor[]) => tf.Tensor,
  inputs: readonly tf.Tensor[],
  options: CheckGradientsOptions = {},
): Promise<GradientCheckReport> {
  const delta = options.delta ?? 1e-2;
  const rtol = options.rtol ?? 2e-2;
  const atol = options.atol ?? 2e-3;
  inputs.forEach((t, i) => {
    if (!(t instanceof tf.Tensor) || t.dtype !== 'float32')
      tf.invalidArgument('checkGradients', `inputs[${i}]`, 'a float32 Tensor', String(t));
  });
  const probe = tf.tidy(() => f(...inputs));
  const outputShape = probe.shape;
  if (!inputs.includes(probe)) probe.dispose();
  const weightTensor = tf.random.statelessUniform(outputShape, [options.seed ?? 0, 0], { minval: 0.5, maxval: 1.5 });
  const weights = (await weightTensor.data()).slice() as Float32Array;

  const tape = new GradientTape();
  const output = tape.record(() => {
    tape.watch([...inputs]);
    return tf.tidy(() => f(...inputs));
  });
  const analyticTensors = tape.gradient(output, [...inputs], { outputGradients: weightTensor });
  if (!inputs.includes(output)) output.dispose();
  weightTensor.dispose();

  const comparisons: GradientComparison[] = [];
  let ok = true;
  let summary = 'all gradients match';
  let worst = -Infinity;
  for (let i = 0; i < inputs.length; i++) {
    const input = inputs[i]!;
    const gradient = analyticTensors[i];
    const analytic = gradient ? Array.from(await gradient.data()) : new Array<number>(input.size).fill(0);
    gradient?.dispose();
    const base = (await input.data()).slice() as Float32Array;
    const numeric: number[] = [];
    let worstExcess = -Infinity;
    for (let j = 0; j < base.length; j++) {
      const perturbed = (sign: number): tf.Tensor => {
        const values = base.slice();
        values[j] = base[j]! + sign * delta;
        return tf.tensor(values, input.shape, 'float32');
      };
      const evaluate = async (sign: number): Promise<number> => {
        const moved = perturbed(sign);
        const args = inputs.map((t, k) => (k === i ? moved : t));
        const loss = await projectedLoss(f, args, weights);
        moved.dispose();
        return loss;
      };
      const slope = ((await evaluate(1)) - (await evaluate(-1))) / (2 * delta);
      numeric.push(slope);
      const excess = Math.abs(analytic[j]! - slope) - (atol + rtol * Math.abs(slope));
      if (excess > worstExcess) worstExcess = excess;
      if (excess > worst) {
        worst = excess;
        if (excess > 0) {
          ok = false;
          summary = `input ${i}, element ${j}: tape gradient ${analytic[j]}, numeric ${slope}`;
        }
      }
    }
    comparisons.push({ analytic, numeric, worstExcess });
  }
  return { ok, inputs: comparisons, summary };
}
