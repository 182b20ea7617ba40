/**
 * Soak tests (issue: memory that never leaks): 10,000 training steps of a small Dense model through
 * GradientTape, written the ways a user would write them. After the warm-up step, the tensor count,
 * buffer count and bytes must come back to exactly the same figures.
 */
import { describe, expect, it } from 'vitest';
import * as tf from './index.js';

const STEPS = 10_000;
const LEARNING_RATE = 0.05;

interface Model {
  readonly hidden: tf.Dense;
  readonly output: tf.Dense;
  readonly x: tf.Tensor;
  readonly y: tf.Tensor;
  dispose(): void;
}

function makeModel(): Model {
  const hidden = new tf.layers.Dense(8, { activation: 'tanh', seed: 1 });
  const output = new tf.layers.Dense(1, { seed: 2 });
  const x = tf.random.uniform([16, 4], { minval: -1, maxval: 1, seed: 3 });
  const y = tf.reduceSum(tf.square(x), 1, true);
  return {
    hidden,
    output,
    x,
    y,
    dispose: () => {
      hidden.dispose();
      output.dispose();
      tf.dispose([x, y]);
    },
  };
}

const variablesOf = (model: Model): tf.Variable[] => [
  ...model.hidden.trainableVariables,
  ...model.output.trainableVariables,
];

function stepWithTidy(model: Model): number {
  return tf.tidy(() => {
    const tape = new tf.GradientTape();
    const loss = tape.record(() =>
      tf.reduceMean(tf.square(tf.sub(model.output.apply(model.hidden.apply(model.x)), model.y))),
    );
    const variables = variablesOf(model);
    const gradients = tape.gradient(loss, variables);
    variables.forEach((v, i) => v.assignSub(tf.mul(gradients[i]!, LEARNING_RATE)));
    return loss.dataSync()[0]!;
  });
}

function stepWithDispose(model: Model): number {
  const tape = new tf.GradientTape();
  const intermediates: tf.Tensor[] = [];
  const loss = tape.record(() => {
    const h = model.hidden.apply(model.x);
    const out = model.output.apply(h);
    const error = tf.sub(out, model.y);
    const squared = tf.square(error);
    intermediates.push(h, out, error, squared);
    return tf.reduceMean(squared);
  });
  const variables = variablesOf(model);
  const gradients = tape.gradient(loss, variables);
  variables.forEach((v, i) => {
    const update = tf.mul(gradients[i]!, LEARNING_RATE);
    v.assignSub(update);
    update.dispose();
  });
  const value = loss.dataSync()[0]!;
  tf.dispose([loss, ...intermediates, ...gradients.filter((g): g is tf.Tensor => g !== null)]);
  return value;
}

async function stepWithAsyncRead(model: Model): Promise<number> {
  return tf.tidy(async () => {
    const tape = new tf.GradientTape();
    const loss = tape.record(() =>
      tf.reduceMean(tf.square(tf.sub(model.output.apply(model.hidden.apply(model.x)), model.y))),
    );
    const value = (await loss.data())[0]!;
    const variables = variablesOf(model);
    const gradients = tape.gradient(loss, variables);
    await gradients[0]!.data();
    variables.forEach((v, i) => v.assignSub(tf.mul(gradients[i]!, LEARNING_RATE)));
    return value;
  });
}

async function soak(step: (model: Model) => number | Promise<number>): Promise<void> {
  const model = makeModel();
  const firstLoss = await step(model); // builds the layers' weights
  const before = tf.memory();
  let lastLoss = firstLoss;
  for (let i = 1; i < STEPS; i++) lastLoss = await step(model);
  const after = tf.memory();
  expect(after.numTensors).toBe(before.numTensors);
  expect(after.numDataBuffers).toBe(before.numDataBuffers);
  expect(after.numBytes).toBe(before.numBytes);
  expect(lastLoss).toBeLessThan(firstLoss / 4);
  const start = tf.memory();
  model.dispose();
  expect(tf.memory().numTensors).toBeLessThan(start.numTensors);
}

describe(`${STEPS} training steps keep memory flat`, () => {
  it('with tidy', () => soak(stepWithTidy), 60_000);
  it('with explicit dispose', () => soak(stepWithDispose), 60_000);
  it('with async reads between steps (async tidy)', () => soak(stepWithAsyncRead), 60_000);

  it('in a synchronous loop that never yields, with no finalization registration left per tape', () => {
    const model = makeModel();
    const firstLoss = stepWithTidy(model);
    const net = tf.getEngine().safetyNet;
    const before = tf.memory();
    const owners = net.ownerCount;
    let lastLoss = firstLoss;
    for (let i = 1; i < STEPS; i++) {
      lastLoss = stepWithTidy(model);
      if (net.ownerCount !== owners)
        expect.fail(`step ${i}: ${net.ownerCount - owners} tape registration(s) left behind`);
    }
    const after = tf.memory();
    expect(after.numTensors).toBe(before.numTensors);
    expect(after.numDataBuffers).toBe(before.numDataBuffers);
    expect(after.numBytes).toBe(before.numBytes);
    expect(lastLoss).toBeLessThan(firstLoss / 4);
    model.dispose();
  }, 60_000);
});
