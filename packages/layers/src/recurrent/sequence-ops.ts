/**
 * @file The fused recurrent loops of SimpleRNN, LSTM and GRU: a whole sequence is ONE `customGradient`
 * op, so a tape records one entry however long the sequence is, instead of a dozen per step. The
 * forward pass runs hidden from tapes: one matmul projects every step's input at once, then each step
 * does one [batch, units] x recurrent-kernel matmul and elementwise gate math inside `tidy`. What the
 * backward pass needs (the carried states and the gate activations of every step) is packed into the
 * op's single output, [batch, time, width]; the layer slices the outputs and states out of it. The
 * gradient is backpropagation through time written with ordinary ops (so outer tapes differentiate it
 * again), ending with one big matmul each for dKernel, dRecurrentKernel and dx.
 *
 * The gradient reads its inputs and the packed output through handles on the buffers the tape holds
 * (as the tape's own gradient rules do), never through tensors a `tidy` may have disposed since.
 */

import * as tf from '@tapeflow/tensor-core/internal';
import { customGradient } from '@tapeflow/autodiff-tape';

/**
 * An activation the fused loops can differentiate from its output alone (`y` → `dy * f'(x)`), which is
 * what lets the backward pass skip keeping pre-activations.
 */
export interface PointwiseActivation {
  /** Keras' name of the activation. */
  readonly name: string;
  /** The activation itself. */
  readonly apply: (x: tf.Tensor) => tf.Tensor;
  /** `upstream * f'(x)` computed from `y = f(x)`. */
  readonly backprop: (upstream: tf.Tensor, y: tf.Tensor) => tf.Tensor;
}

const POINTWISE: Readonly<Record<string, PointwiseActivation>> = {
  tanh: { name: 'tanh', apply: tf.tanh, backprop: (dy, y) => tf.mul(dy, tf.sub(1, tf.square(y))) },
  sigmoid: { name: 'sigmoid', apply: tf.sigmoid, backprop: (dy, y) => tf.mul(dy, tf.mul(y, tf.sub(1, y))) },
  relu: { name: 'relu', apply: tf.relu, backprop: (dy, y) => tf.mul(dy, tf.cast(tf.greater(y, 0), 'float32')) },
  linear: { name: 'linear', apply: (x) => x, backprop: (dy) => dy },
  relu6: {
    name: 'relu6',
    apply: tf.nn.relu6,
    backprop: (dy, y) => tf.mul(dy, tf.cast(tf.logicalAnd(tf.greater(y, 0), tf.less(y, 6)), 'float32')),
  },
  // elu (alpha 1): 1 above zero, exp(x) = y + 1 below.
  elu: { name: 'elu', apply: tf.nn.elu, backprop: (dy, y) => tf.mul(dy, tf.where(tf.greater(y, 0), 1, tf.add(y, 1))) },
  // softplus' derivative is sigmoid(x) = 1 - exp(-y).
  softplus: { name: 'softplus', apply: tf.nn.softplus, backprop: (dy, y) => tf.mul(dy, tf.sub(1, tf.exp(tf.neg(y)))) },
  // softsign's derivative is 1 / (1 + |x|)^2 = (1 - |y|)^2.
  softsign: {
    name: 'softsign',
    apply: tf.nn.softsign,
    backprop: (dy, y) => tf.mul(dy, tf.square(tf.sub(1, tf.abs(y)))),
  },
};

/** The activation names the fused recurrent loops support. */
export const POINTWISE_ACTIVATION_NAMES: readonly string[] = Object.keys(POINTWISE);

/** The fused form of a Keras activation name, or undefined when it has none. */
export function pointwiseActivation(name: string): PointwiseActivation | undefined {
  return Object.hasOwn(POINTWISE, name) ? POINTWISE[name] : undefined;
}

/** Which recurrent cell a sequence runs. */
export type CellKind = 'simpleRNN' | 'lstm' | 'gru';

/** Everything about a cell that is not a tensor. */
export interface CellSpec {
  readonly kind: CellKind;
  readonly units: number;
  readonly activation: PointwiseActivation;
  /** The gates' activation (LSTM and GRU). */
  readonly recurrentActivation: PointwiseActivation;
  /** GRU only: whether the reset gate multiplies after the recurrent matmul (Keras' default, cuDNN's). */
  readonly resetAfter: boolean;
}

/**
 * How many columns per step the packed output holds, in this order: SimpleRNN [h, hNew];
 * LSTM [h, c, i, f, g, o]; GRU reset-after [h, z, r, hh, recurrentH]; GRU reset-before [h, z, r, hh].
 * `h` (and LSTM's `c`) are the carried states, mask applied.
 */
export function packedWidth(spec: CellSpec): number {
  const u = spec.units;
  if (spec.kind === 'simpleRNN') return 2 * u;
  if (spec.kind === 'lstm') return 6 * u;
  return spec.resetAfter ? 5 * u : 4 * u;
}

/** How many gate blocks the kernels hold (Keras' layout: kernel [inputDim, gates * units]). */
export function gateCount(kind: CellKind): number {
  return kind === 'simpleRNN' ? 1 : kind === 'lstm' ? 4 : 3;
}

/** The tensors of one sequence call. */
export interface SequenceInputs {
  /** [batch, time, inputDim], float32. */
  readonly x: tf.Tensor;
  /** [h] or, for LSTM, [h, c]; each [batch, units]. */
  readonly states: readonly tf.Tensor[];
  readonly kernel: tf.Tensor;
  readonly recurrentKernel: tf.Tensor;
  readonly bias: tf.Tensor | null;
  /** float32 [batch, time] of 0 and 1, or null for no mask. */
  readonly mask: tf.Tensor | null;
}

interface Held {
  readonly storage: tf.Storage;
  readonly id: number;
  readonly shape: readonly number[];
  readonly dtype: tf.DataType;
}

function hold(t: tf.Tensor): Held {
  return { storage: t.storage, id: t.id, shape: t.shape.slice(), dtype: t.dtype };
}

/** A handle on a buffer the tape holds, with the id of the tensor it was, so outer tapes connect it. */
function handle(h: Held): tf.Tensor {
  return tf.getEngine().handleOn(h.storage, h.id, h.shape, h.dtype);
}

/**
 * `mask * next + (1 - mask) * previous`: a masked step carries the previous value. Exact for a 0/1
 * mask (each product is the value or zero), so a real step gives `next` bit for bit.
 */
function carry(previous: tf.Tensor, next: tf.Tensor, mask: tf.Tensor | null): tf.Tensor {
  return mask === null ? next : tf.add(tf.mul(mask, next), tf.mul(tf.sub(1, mask), previous));
}

function masked(value: tf.Tensor, mask: tf.Tensor | null): tf.Tensor {
  return mask === null ? value : tf.mul(value, mask);
}

function unmasked(value: tf.Tensor, mask: tf.Tensor | null): tf.Tensor | null {
  return mask === null ? null : tf.mul(value, tf.sub(1, mask));
}

function addMaybe(a: tf.Tensor, b: tf.Tensor | null): tf.Tensor {
  return b === null ? a : tf.add(a, b);
}

/** Columns [start, start + size) of a [batch, n] matrix. */
function columns(m: tf.Tensor, start: number, size: number): tf.Tensor {
  return tf.slice(m, [0, start], [m.shape[0]!, size]);
}

/** The bias added to the input projection, and (GRU reset-after) the one added to the recurrent product. */
function splitBias(spec: CellSpec, bias: tf.Tensor | null): [tf.Tensor | null, tf.Tensor | null] {
  if (bias === null) return [null, null];
  if (spec.kind === 'gru' && spec.resetAfter) {
    const [input, recurrent] = tf.unstack(bias, 0) as [tf.Tensor, tf.Tensor];
    return [input, recurrent];
  }
  return [bias, null];
}

interface StepResult {
  /** The carried states after the step. */
  readonly states: tf.Tensor[];
  /** The step's packed row [batch, width]. */
  readonly row: tf.Tensor;
}

/** One forward step; `projected` is the step's x · kernel + input bias, [batch, gates * units]. */
function forwardStep(
  spec: CellSpec,
  projected: tf.Tensor,
  states: readonly tf.Tensor[],
  recurrentKernel: tf.Tensor,
  recurrentBias: tf.Tensor | null,
  mask: tf.Tensor | null,
): StepResult {
  const u = spec.units;
  const act = spec.activation.apply;
  const gate = spec.recurrentActivation.apply;
  const h = states[0]!;
  if (spec.kind === 'simpleRNN') {
    const hNew = act(tf.add(projected, tf.matmul(h, recurrentKernel)));
    const hCarried = carry(h, hNew, mask);
    return { states: [hCarried], row: tf.concat([hCarried, hNew], 1) };
  }
  if (spec.kind === 'lstm') {
    const c = states[1]!;
    const z = tf.add(projected, tf.matmul(h, recurrentKernel));
    const [zi, zf, zg, zo] = tf.split(z, 4, 1) as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
    const i = gate(zi);
    const f = gate(zf);
    const g = act(zg);
    const o = gate(zo);
    const cNew = tf.add(tf.mul(f, c), tf.mul(i, g));
    const hNew = tf.mul(o, act(cNew));
    const hCarried = carry(h, hNew, mask);
    const cCarried = carry(c, cNew, mask);
    return { states: [hCarried, cCarried], row: tf.concat([hCarried, cCarried, i, f, g, o], 1) };
  }
  const [xz, xr, xh] = tf.split(projected, 3, 1) as [tf.Tensor, tf.Tensor, tf.Tensor];
  if (spec.resetAfter) {
    const product = tf.matmul(h, recurrentKernel);
    const inner = recurrentBias === null ? product : tf.add(product, recurrentBias);
    const [iz, ir, ih] = tf.split(inner, 3, 1) as [tf.Tensor, tf.Tensor, tf.Tensor];
    const z = gate(tf.add(xz, iz));
    const r = gate(tf.add(xr, ir));
    const hh = act(tf.add(xh, tf.mul(r, ih)));
    const hNew = tf.add(hh, tf.mul(z, tf.sub(h, hh)));
    const hCarried = carry(h, hNew, mask);
    return { states: [hCarried], row: tf.concat([hCarried, z, r, hh, ih], 1) };
  }
  const zr = tf.matmul(h, columns(recurrentKernel, 0, 2 * u));
  const [iz, ir] = tf.split(zr, 2, 1) as [tf.Tensor, tf.Tensor];
  const z = gate(tf.add(xz, iz));
  const r = gate(tf.add(xr, ir));
  const hh = act(tf.add(xh, tf.matmul(tf.mul(r, h), columns(recurrentKernel, 2 * u, u))));
  const hNew = tf.add(hh, tf.mul(z, tf.sub(h, hh)));
  const hCarried = carry(h, hNew, mask);
  return { states: [hCarried], row: tf.concat([hCarried, z, r, hh], 1) };
}

/** The forward loop: [batch, time, width] packed rows. */
function forwardSequence(spec: CellSpec, inputs: SequenceInputs): tf.Tensor {
  return tf.tidy(() => {
    const { x, kernel, recurrentKernel, bias, mask } = inputs;
    const [batch, time, inputDim] = x.shape as [number, number, number];
    const [inputBias, recurrentBias] = splitBias(spec, bias);
    const flat = tf.matmul(tf.reshape(x, [batch * time, inputDim]), kernel);
    const projectedAll = tf.reshape(inputBias === null ? flat : tf.add(flat, inputBias), [batch, time, -1]);
    const projected = tf.unstack(projectedAll, 1);
    const masks = mask === null ? null : tf.unstack(tf.expandDims(mask, 2), 1);
    let states: tf.Tensor[] = [...inputs.states];
    const rows: tf.Tensor[] = [];
    for (let t = 0; t < time; t++) {
      const previous = states;
      const [row, ...next] = tf.tidy(() => {
        const step = forwardStep(spec, projected[t]!, previous, recurrentKernel, recurrentBias, masks?.[t] ?? null);
        return [step.row, ...step.states];
      }) as [tf.Tensor, ...tf.Tensor[]];
      rows.push(row);
      states = next;
      if (t > 0) previous.forEach((s) => s.dispose());
      projected[t]!.dispose();
    }
    states.forEach((s) => s.dispose());
    return tf.stack(rows, 1);
  });
}

interface StepGradients {
  /** Gradients of the states carried into the step. */
  readonly states: tf.Tensor[];
  /** The gradient of the step's input projection (x · kernel + input bias), [batch, gates * units]. */
  readonly projected: tf.Tensor;
  /**
   * The gradient of the recurrent pre-activation whose recurrent-kernel product is `h · R`
   * (GRU reset-after: also its recurrent bias); for GRU reset-before only the reset-gate-scaled part.
   */
  readonly recurrent: tf.Tensor;
}

/**
 * One backward step. `row` / `up` are the step's packed row and its upstream gradient, split into
 * their [batch, units] blocks (see `packedWidth` for the order).
 */
function backwardStep(
  spec: CellSpec,
  row: readonly tf.Tensor[],
  up: readonly tf.Tensor[],
  previousStates: readonly tf.Tensor[],
  stateGradients: readonly tf.Tensor[],
  recurrentKernel: tf.Tensor,
  mask: tf.Tensor | null,
): StepGradients {
  const u = spec.units;
  const act = spec.activation;
  const gate = spec.recurrentActivation;
  const hPrevious = previousStates[0]!;
  // The carried h gets its upstream plus what the next step sent back.
  const dh = tf.add(up[0]!, stateGradients[0]!);
  const dhNew = masked(dh, mask);
  const dhKept = unmasked(dh, mask);
  if (spec.kind === 'simpleRNN') {
    const dz = act.backprop(tf.add(dhNew, up[1]!), row[1]!);
    const dhPrevious = addMaybe(tf.matmul(dz, recurrentKernel, { transposeB: true }), dhKept);
    return { states: [dhPrevious], projected: dz, recurrent: dz };
  }
  if (spec.kind === 'lstm') {
    const cPrevious = previousStates[1]!;
    const [i, f, g, o] = [row[2]!, row[3]!, row[4]!, row[5]!];
    // Unmasked, the carried c is the new one; masked, recompute it from the gates.
    const cNew = mask === null ? row[1]! : tf.add(tf.mul(f, cPrevious), tf.mul(i, g));
    const activatedC = act.apply(cNew);
    const dc = tf.add(up[1]!, stateGradients[1]!);
    const dcNew = tf.add(masked(dc, mask), act.backprop(tf.mul(dhNew, o), activatedC));
    const di = gate.backprop(tf.add(tf.mul(dcNew, g), up[2]!), i);
    const df = gate.backprop(tf.add(tf.mul(dcNew, cPrevious), up[3]!), f);
    const dg = act.backprop(tf.add(tf.mul(dcNew, i), up[4]!), g);
    const dout = gate.backprop(tf.add(tf.mul(dhNew, activatedC), up[5]!), o);
    const dz = tf.concat([di, df, dg, dout], 1);
    const dhPrevious = addMaybe(tf.matmul(dz, recurrentKernel, { transposeB: true }), dhKept);
    const dcPrevious = addMaybe(tf.mul(dcNew, f), unmasked(dc, mask));
    return { states: [dhPrevious, dcPrevious], projected: dz, recurrent: dz };
  }
  const z = row[1]!;
  const r = row[2]!;
  const hh = row[3]!;
  const dzGate = tf.add(tf.mul(dhNew, tf.sub(hPrevious, hh)), up[1]!);
  const dhh = tf.add(tf.mul(dhNew, tf.sub(1, z)), up[3]!);
  const dPreH = act.backprop(dhh, hh);
  const dPreZ = gate.backprop(dzGate, z);
  if (spec.resetAfter) {
    const ih = row[4]!;
    const dr = tf.add(tf.mul(dPreH, ih), up[2]!);
    const dPreR = gate.backprop(dr, r);
    const dih = tf.add(tf.mul(dPreH, r), up[4]!);
    const dInner = tf.concat([dPreZ, dPreR, dih], 1);
    const dhPrevious = addMaybe(
      tf.add(tf.mul(dhNew, z), tf.matmul(dInner, recurrentKernel, { transposeB: true })),
      dhKept,
    );
    return { states: [dhPrevious], projected: tf.concat([dPreZ, dPreR, dPreH], 1), recurrent: dInner };
  }
  const dResetH = tf.matmul(dPreH, columns(recurrentKernel, 2 * u, u), { transposeB: true });
  const dPreR = gate.backprop(tf.add(tf.mul(dResetH, hPrevious), up[2]!), r);
  const dzr = tf.concat([dPreZ, dPreR], 1);
  const dhPrevious = addMaybe(
    tf.add(
      tf.add(tf.mul(dhNew, z), tf.mul(dResetH, r)),
      tf.matmul(dzr, columns(recurrentKernel, 0, 2 * u), { transposeB: true }),
    ),
    dhKept,
  );
  return { states: [dhPrevious], projected: tf.concat([dPreZ, dPreR, dPreH], 1), recurrent: dPreH };
}

/**
 * Backpropagation through time; returns gradients for x, each state, kernel, recurrentKernel and bias
 * (bias null when there is none).
 */
function backwardSequence(
  spec: CellSpec,
  inputs: SequenceInputs,
  packed: tf.Tensor,
  upstream: tf.Tensor,
): { x: tf.Tensor; states: tf.Tensor[]; kernel: tf.Tensor; recurrentKernel: tf.Tensor; bias: tf.Tensor | null } {
  const { x, kernel, recurrentKernel, bias, mask } = inputs;
  const u = spec.units;
  const [batch, time, inputDim] = x.shape as [number, number, number];
  // Every step's blocks at once (a split and an unstack per block), not a dozen slices per step.
  const blocks = packedWidth(spec) / u;
  const rows = tf.split(packed, blocks, 2).map((block) => tf.unstack(block, 1));
  const ups = tf.split(upstream, blocks, 2).map((block) => tf.unstack(block, 1));
  const masks = mask === null ? null : tf.unstack(tf.expandDims(mask, 2), 1);
  const carried = (t: number): tf.Tensor[] =>
    t < 0 ? [...inputs.states] : rows.slice(0, inputs.states.length).map((block) => block[t]!);
  let stateGradients: tf.Tensor[] = inputs.states.map((s) => tf.zerosLike(s));
  const projectedGradients: tf.Tensor[] = new Array<tf.Tensor>(time);
  const recurrentGradients: tf.Tensor[] = new Array<tf.Tensor>(time);
  for (let t = time - 1; t >= 0; t--) {
    const incoming = stateGradients;
    const [dProjected, dRecurrent, ...dStates] = tf.tidy(() => {
      const step = backwardStep(
        spec,
        rows.map((block) => block[t]!),
        ups.map((block) => block[t]!),
        carried(t - 1),
        incoming,
        recurrentKernel,
        masks?.[t] ?? null,
      );
      return [step.projected, step.recurrent, ...step.states];
    }) as [tf.Tensor, tf.Tensor, ...tf.Tensor[]];
    projectedGradients[t] = dProjected;
    recurrentGradients[t] = dRecurrent;
    incoming.forEach((g) => g.dispose());
    stateGradients = dStates;
    // Step t's blocks are done with (step t + 1, which read its carried states, ran before).
    for (const block of [...rows, ...ups]) block[t]!.dispose();
  }
  const gates = gateCount(spec.kind);
  const dProjected = tf.reshape(tf.stack(projectedGradients, 1), [batch * time, gates * u]);
  const flatX = tf.reshape(x, [batch * time, inputDim]);
  const dKernel = tf.matmul(flatX, dProjected, { transposeA: true });
  const dx = tf.reshape(tf.matmul(dProjected, kernel, { transposeB: true }), [batch, time, inputDim]);
  // The h each step multiplied by the recurrent kernel: h0, then the carried h of steps 0..time-2.
  const hSequence = tf.slice(packed, [0, 0, 0], [batch, time, u]);
  const hPrevious = tf.reshape(
    time === 1
      ? tf.expandDims(inputs.states[0]!, 1)
      : tf.concat([tf.expandDims(inputs.states[0]!, 1), tf.slice(hSequence, [0, 0, 0], [batch, time - 1, u])], 1),
    [batch * time, u],
  );
  const dRecurrentSteps = tf.reshape(tf.stack(recurrentGradients, 1), [batch * time, -1]);
  let dRecurrentKernel: tf.Tensor;
  if (spec.kind === 'gru' && !spec.resetAfter) {
    const r = tf.reshape(tf.slice(packed, [0, 0, 2 * u], [batch, time, u]), [batch * time, u]);
    const zrPart = tf.matmul(hPrevious, tf.slice(dProjected, [0, 0], [batch * time, 2 * u]), { transposeA: true });
    const hPart = tf.matmul(tf.mul(r, hPrevious), dRecurrentSteps, { transposeA: true });
    dRecurrentKernel = tf.concat([zrPart, hPart], 1);
  } else {
    dRecurrentKernel = tf.matmul(hPrevious, dRecurrentSteps, { transposeA: true });
  }
  let dBias: tf.Tensor | null = null;
  if (bias !== null) {
    const dInputBias = tf.reduceSum(dProjected, 0);
    dBias =
      spec.kind === 'gru' && spec.resetAfter ? tf.stack([dInputBias, tf.reduceSum(dRecurrentSteps, 0)], 0) : dInputBias;
  }
  return { x: dx, states: stateGradients, kernel: dKernel, recurrentKernel: dRecurrentKernel, bias: dBias };
}

/**
 * Runs a whole sequence as one differentiable op and returns the packed [batch, time, width] rows
 * (see `packedWidth`). Gradients flow to x, the initial states, the kernels and the bias; none to the mask.
 * @example const packed = runSequence(spec, { x, states: [h0, c0], kernel, recurrentKernel, bias, mask: null });
 */
export function runSequence(spec: CellSpec, inputs: SequenceInputs): tf.Tensor {
  const list: tf.Tensor[] = [inputs.x, ...inputs.states, inputs.kernel, inputs.recurrentKernel];
  if (inputs.bias !== null) list.push(inputs.bias);
  if (inputs.mask !== null) list.push(inputs.mask);
  const stateCount = inputs.states.length;
  const op = customGradient((...tensors: tf.Tensor[]) => {
    const value = forwardSequence(spec, inputs);
    const held = tensors.map(hold);
    const heldOutput = hold(value);
    return {
      value,
      gradFunc: (upstream: tf.Tensor) => {
        const grads = tf.tidy(() => {
          const handles = held.map(handle);
          let k = 0;
          const x = handles[k++]!;
          const states = handles.slice(k, (k += stateCount));
          const kernel = handles[k++]!;
          const recurrentKernel = handles[k++]!;
          const bias = inputs.bias === null ? null : handles[k++]!;
          const mask = inputs.mask === null ? null : handles[k]!;
          const result = backwardSequence(
            spec,
            { x, states, kernel, recurrentKernel, bias, mask },
            handle(heldOutput),
            upstream,
          );
          const biasGradient = result.bias === null ? [] : [result.bias];
          return [result.x, ...result.states, result.kernel, result.recurrentKernel, ...biasGradient];
        });
        return inputs.mask === null ? grads : [...grads, null];
      },
    };
  });
  return op(...list);
}
