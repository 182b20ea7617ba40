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
import { gateCount, packedWidth } from './cell-spec.js';
import type { CellSpec } from './cell-spec.js';
import { activate, addMaybe, carry, columns, masked, preGradient, scaled, unmasked, valueOf } from './step-math.js';

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
  /**
   * Recurrent dropout: float32 [batch, units], 0 or 1 / (1 - rate), multiplying h before every
   * recurrent matmul (Keras: one mask for the whole sequence and every gate); null for none.
   */
  readonly recurrentMask?: tf.Tensor | null;
}

/**
 * What a handle on a tensor's buffer needs later. The buffer itself is kept alive by whoever calls the
 * gradient: a tape holds every input and the output of a customGradient op it records, and a
 * ForwardAccumulator calls it while the tensors are live.
 */
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
  recurrentMask: tf.Tensor | null,
): StepResult {
  const u = spec.units;
  const act = spec.activation;
  const gate = spec.recurrentActivation;
  const h = states[0]!;
  // The h the recurrent matmuls read (recurrent dropout applied); the state update reads h itself.
  const hRead = scaled(h, recurrentMask);
  if (spec.kind === 'simpleRNN') {
    const [hNew, kept] = activate(act, tf.add(projected, tf.matmul(hRead, recurrentKernel)));
    const hCarried = carry(h, hNew, mask);
    return { states: [hCarried], row: tf.concat([hCarried, kept], 1) };
  }
  if (spec.kind === 'lstm') {
    const c = states[1]!;
    const z = tf.add(projected, tf.matmul(hRead, recurrentKernel));
    const [zi, zf, zg, zo] = tf.split(z, 4, 1) as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
    const [i, ki] = activate(gate, zi);
    const [f, kf] = activate(gate, zf);
    const [g, kg] = activate(act, zg);
    const [o, ko] = activate(gate, zo);
    const cNew = tf.add(tf.mul(f, c), tf.mul(i, g));
    const hNew = tf.mul(o, act.apply(cNew));
    const hCarried = carry(h, hNew, mask);
    const cCarried = carry(c, cNew, mask);
    return { states: [hCarried, cCarried], row: tf.concat([hCarried, cCarried, ki, kf, kg, ko], 1) };
  }
  const [xz, xr, xh] = tf.split(projected, 3, 1) as [tf.Tensor, tf.Tensor, tf.Tensor];
  if (spec.resetAfter) {
    const product = tf.matmul(hRead, recurrentKernel);
    const inner = recurrentBias === null ? product : tf.add(product, recurrentBias);
    const [iz, ir, ih] = tf.split(inner, 3, 1) as [tf.Tensor, tf.Tensor, tf.Tensor];
    const [z, kz] = activate(gate, tf.add(xz, iz));
    const [r, kr] = activate(gate, tf.add(xr, ir));
    const [hh, khh] = activate(act, tf.add(xh, tf.mul(r, ih)));
    const hNew = tf.add(hh, tf.mul(z, tf.sub(h, hh)));
    const hCarried = carry(h, hNew, mask);
    return { states: [hCarried], row: tf.concat([hCarried, kz, kr, khh, ih], 1) };
  }
  const zr = tf.matmul(hRead, columns(recurrentKernel, 0, 2 * u));
  const [iz, ir] = tf.split(zr, 2, 1) as [tf.Tensor, tf.Tensor];
  const [z, kz] = activate(gate, tf.add(xz, iz));
  const [r, kr] = activate(gate, tf.add(xr, ir));
  const [hh, khh] = activate(act, tf.add(xh, tf.matmul(tf.mul(r, hRead), columns(recurrentKernel, 2 * u, u))));
  const hNew = tf.add(hh, tf.mul(z, tf.sub(h, hh)));
  const hCarried = carry(h, hNew, mask);
  return { states: [hCarried], row: tf.concat([hCarried, kz, kr, khh], 1) };
}

/** The forward loop: [batch, time, width] packed rows. */
function forwardSequence(spec: CellSpec, inputs: SequenceInputs): tf.Tensor {
  return tf.tidy(() => {
    const { x, kernel, recurrentKernel, bias, mask } = inputs;
    const recurrentMask = inputs.recurrentMask ?? null;
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
        const step = forwardStep(
          spec,
          projected[t]!,
          previous,
          recurrentKernel,
          recurrentBias,
          masks?.[t] ?? null,
          recurrentMask,
        );
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
  recurrentMask: tf.Tensor | null,
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
    const dz = preGradient(act, dhNew, row[1]!, up[1]!);
    const dhPrevious = addMaybe(scaled(tf.matmul(dz, recurrentKernel, { transposeB: true }), recurrentMask), dhKept);
    return { states: [dhPrevious], projected: dz, recurrent: dz };
  }
  if (spec.kind === 'lstm') {
    const cPrevious = previousStates[1]!;
    const i = valueOf(gate, row[2]!);
    const f = valueOf(gate, row[3]!);
    const g = valueOf(act, row[4]!);
    const o = valueOf(gate, row[5]!);
    // Unmasked, the carried c is the new one; masked, recompute it from the gates.
    const cNew = mask === null ? row[1]! : tf.add(tf.mul(f, cPrevious), tf.mul(i, g));
    const activatedC = act.apply(cNew);
    const dc = tf.add(up[1]!, stateGradients[1]!);
    const dActivatedC = tf.mul(dhNew, o);
    const dcThroughH = act.backprop(dActivatedC, act.keeps === 'output' ? activatedC : cNew);
    const dcNew = tf.add(masked(dc, mask), dcThroughH);
    const di = preGradient(gate, tf.mul(dcNew, g), row[2]!, up[2]!);
    const df = preGradient(gate, tf.mul(dcNew, cPrevious), row[3]!, up[3]!);
    const dg = preGradient(act, tf.mul(dcNew, i), row[4]!, up[4]!);
    const dout = preGradient(gate, tf.mul(dhNew, activatedC), row[5]!, up[5]!);
    const dz = tf.concat([di, df, dg, dout], 1);
    const dhPrevious = addMaybe(scaled(tf.matmul(dz, recurrentKernel, { transposeB: true }), recurrentMask), dhKept);
    const dcPrevious = addMaybe(tf.mul(dcNew, f), unmasked(dc, mask));
    return { states: [dhPrevious, dcPrevious], projected: dz, recurrent: dz };
  }
  const z = valueOf(gate, row[1]!);
  const r = valueOf(gate, row[2]!);
  const hh = valueOf(act, row[3]!);
  const dPreZ = preGradient(gate, tf.mul(dhNew, tf.sub(hPrevious, hh)), row[1]!, up[1]!);
  const dPreH = preGradient(act, tf.mul(dhNew, tf.sub(1, z)), row[3]!, up[3]!);
  if (spec.resetAfter) {
    const ih = row[4]!;
    const dPreR = preGradient(gate, tf.mul(dPreH, ih), row[2]!, up[2]!);
    const dih = tf.add(tf.mul(dPreH, r), up[4]!);
    const dInner = tf.concat([dPreZ, dPreR, dih], 1);
    const dhPrevious = addMaybe(
      tf.add(tf.mul(dhNew, z), scaled(tf.matmul(dInner, recurrentKernel, { transposeB: true }), recurrentMask)),
      dhKept,
    );
    return { states: [dhPrevious], projected: tf.concat([dPreZ, dPreR, dPreH], 1), recurrent: dInner };
  }
  const hRead = scaled(hPrevious, recurrentMask);
  const dResetH = tf.matmul(dPreH, columns(recurrentKernel, 2 * u, u), { transposeB: true });
  const dPreR = preGradient(gate, tf.mul(dResetH, hRead), row[2]!, up[2]!);
  const dzr = tf.concat([dPreZ, dPreR], 1);
  const dhPrevious = addMaybe(
    tf.add(
      tf.mul(dhNew, z),
      scaled(
        tf.add(tf.mul(dResetH, r), tf.matmul(dzr, columns(recurrentKernel, 0, 2 * u), { transposeB: true })),
        recurrentMask,
      ),
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
  const recurrentMask = inputs.recurrentMask ?? null;
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
        recurrentMask,
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
  // The h each step multiplied by the recurrent kernel: h0, then the carried h of steps 0..time-2
  // (times the recurrent dropout mask, as the steps read it).
  const hSequence = tf.slice(packed, [0, 0, 0], [batch, time, u]);
  const hSteps =
    time === 1
      ? tf.expandDims(inputs.states[0]!, 1)
      : tf.concat([tf.expandDims(inputs.states[0]!, 1), tf.slice(hSequence, [0, 0, 0], [batch, time - 1, u])], 1);
  const hPrevious = tf.reshape(recurrentMask === null ? hSteps : tf.mul(hSteps, tf.expandDims(recurrentMask, 1)), [
    batch * time,
    u,
  ]);
  const dRecurrentSteps = tf.reshape(tf.stack(recurrentGradients, 1), [batch * time, -1]);
  let dRecurrentKernel: tf.Tensor;
  if (spec.kind === 'gru' && !spec.resetAfter) {
    const kept = tf.reshape(tf.slice(packed, [0, 0, 2 * u], [batch, time, u]), [batch * time, u]);
    const r = valueOf(spec.recurrentActivation, kept);
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
 * (see `packedWidth`). Gradients flow to x, the initial states, the kernels and the bias; none to the
 * masks (the timestep mask and the recurrent dropout mask).
 * @example const packed = runSequence(spec, { x, states: [h0, c0], kernel, recurrentKernel, bias, mask: null });
 */
export function runSequence(spec: CellSpec, inputs: SequenceInputs): tf.Tensor {
  const list: tf.Tensor[] = [inputs.x, ...inputs.states, inputs.kernel, inputs.recurrentKernel];
  if (inputs.bias !== null) list.push(inputs.bias);
  if (inputs.mask !== null) list.push(inputs.mask);
  const recurrentMask = inputs.recurrentMask ?? null;
  if (recurrentMask !== null) list.push(recurrentMask);
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
          const mask = inputs.mask === null ? null : handles[k++]!;
          const dropped = recurrentMask === null ? null : handles[k]!;
          const result = backwardSequence(
            spec,
            { x, states, kernel, recurrentKernel, bias, mask, recurrentMask: dropped },
            handle(heldOutput),
            upstream,
          );
          const biasGradient = result.bias === null ? [] : [result.bias];
          return [result.x, ...result.states, result.kernel, result.recurrentKernel, ...biasGradient];
        });
        // No gradient to the masks.
        const none = (inputs.mask === null ? 0 : 1) + (recurrentMask === null ? 0 : 1);
        return [...grads, ...Array.from({ length: none }, () => null)];
      },
    };
  });
  return op(...list);
}
