/**
 * @file Issue 16's synchronous-loop workload on Tapeflow (group w-bench2): a small Dense model trained
 * for thousands of steps by a loop written without any await, against the same loop awaiting one
 * `setImmediate` turn every so many steps. Tapeflow's safety net for forgotten tensors
 * (FinalizationRegistry clean-ups) runs only on the event loop, so the two can differ in time and heap;
 * the bench reports both side by side.
 */

import { GradientTape } from '@tapeflow/autodiff-tape';
import { Sequential, layers, optimizers } from '@tapeflow/layers';
import * as tf from '@tapeflow/tensor-core';
import { uniform } from '../data.js';
import type { DenseLoopSpec, Task } from './types.js';

/** One event-loop turn: pending I/O, timers and FinalizationRegistry clean-ups get to run. */
const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** The loop workload (see DenseLoopSpec) on the current Tapeflow backend. */
export function tapeflowDenseLoop(spec: DenseLoopSpec, yielding: boolean): Task {
  const { batch, input, hidden, output } = spec;
  const x = tf.tensor(uniform(batch * input, 41), [batch, input]);
  const y = tf.tensor(uniform(batch * output, 42), [batch, output]);
  const model = new Sequential([
    new layers.Dense(hidden, { activation: 'relu', inputShape: [input] }),
    new layers.Dense(output),
  ]);
  tf.tidy(() => void model.apply(x));
  // The same Glorot-uniform start in both variants and every run, so both loops log the same loss.
  const initial = [
    tf.tensor(uniform(input * hidden, 43, Math.sqrt(6 / (input + hidden))), [input, hidden]),
    tf.zeros([hidden]),
    tf.tensor(uniform(hidden * output, 44, Math.sqrt(6 / (hidden + output))), [hidden, output]),
    tf.zeros([output]),
  ];
  const optimizer = new optimizers.SGD({ learningRate: spec.learningRate });
  const variables = model.trainableVariables;
  const step = (): void => {
    tf.tidy(() => {
      const tape = new GradientTape();
      const loss = tape.record(() => tf.reduceMean(tf.square(tf.sub(model.apply(x), y))));
      optimizer.applyGradients(tape.gradient(loss, variables), variables);
    });
  };
  const finalLoss = (): number => tf.tidy(() => tf.reduceMean(tf.square(tf.sub(model.apply(x), y))).dataSync()[0]!);
  // The two variants are two functions, so the synchronous one has no await anywhere in it.
  const synchronousLoop = (steps: number): void => {
    for (let i = 0; i < steps; i++) step();
  };
  const yieldingLoop = async (steps: number): Promise<void> => {
    for (let i = 0; i < steps; i++) {
      step();
      if ((i + 1) % spec.yieldEvery === 0) await yieldToEventLoop();
    }
  };
  const loop = (steps: number): void | Promise<void> => {
    model.setWeights(initial);
    return yielding ? yieldingLoop(steps) : synchronousLoop(steps);
  };
  return {
    warmUp: () => loop(spec.warmupSteps),
    run: async () => {
      await loop(spec.steps);
      process.stderr.write(
        `  dense loop (${yielding ? 'yielding' : 'no await'}): final loss ${finalLoss().toExponential(4)}\n`,
      );
    },
    dispose: () => {
      model.dispose();
      optimizer.dispose();
      tf.dispose([x, y, ...initial]);
    },
  };
}
