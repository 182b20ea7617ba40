/**
 * @file Two models of different architectures, made the same way in a test and in its child
 * processes (seeded, named), so a loaded directory can be told to hold exactly A or exactly B.
 */
import { Dense } from '../../dense.js';
import { Sequential } from '../../sequential.js';

/** Model A: 256 → 384 → 64 (about 123,000 weights, so a save takes a while). */
export function modelA(): Sequential {
  return new Sequential(
    [
      new Dense(384, { inputShape: [256], seed: 11, name: 'a_hidden' }),
      new Dense(64, { seed: 12, activation: 'softmax', name: 'a_out' }),
    ],
    { name: 'model_a' },
  );
}

/** Model B: 256 → 192 → 96 → 64, another architecture with other values. */
export function modelB(): Sequential {
  return new Sequential(
    [
      new Dense(192, { inputShape: [256], seed: 21, activation: 'relu', name: 'b_hidden' }),
      new Dense(96, { seed: 22, name: 'b_middle' }),
      new Dense(64, { seed: 23, name: 'b_out' }),
    ],
    { name: 'model_b' },
  );
}
