/**
 * @file A character-level GRU that learns to continue the text it trains on, Keras' "character-level
 * text generation with LSTM" in miniature: an Embedding of the characters, a GRU over windows of the
 * text, a Dense layer giving the next character's logits at every step, trained with a custom
 * GradientTape loop (Adam, windows drawn with a seed). Samples are printed before and after training:
 * greedy continuations of a prefix of the text, stepped one character at a time through the GRU's
 * `initialState` / `returnState`. `pnpm examples char-gru` runs the full version; the tests a short one.
 */

import * as tf from 'tapeflow';
import { code } from '../notebook.js';
import type { Log } from '../notebook.js';
import { seededRandom } from './seeded-random.js';

/** The text it learns (written for this example). */
export const TEXT = [
  'the river runs past the mill and under the old stone bridge. in the morning the miller opens the ' +
    'doors, and the wheel begins to turn. the water is cold and clear, and the fish wait in the shade ' +
    'of the bridge.',
  'at noon the baker walks down to the river with bread for the miller. they sit on the bridge and ' +
    'talk about the weather, the price of flour and the children of the town. the wheel turns and ' +
    'the water sings under the stones.',
  'in the evening the light turns gold on the water. the miller closes the doors of the mill, the ' +
    'wheel stops, and the town is quiet. only the river runs on, past the mill and under the old ' +
    'stone bridge, down to the sea.',
].join('\n');

/** The characters of the text, sorted; a character's id is its index. */
export const CHARACTERS: readonly string[] = [...new Set(TEXT)].sort();
const IDS = new Map(CHARACTERS.map((c, i) => [c, i]));

/** The text as ids. */
export function encodeText(text: string): number[] {
  return [...text].map((c) => {
    const id = IDS.get(c);
    if (id === undefined) throw new Error(`encodeText: '${c}' is not in the text's characters`);
    return id;
  });
}

/** What a run uses. */
export interface CharConfig {
  /** Training steps (one batch each). */
  readonly steps: number;
  /** Characters per training window. */
  readonly sequenceLength: number;
  readonly batchSize: number;
  /** The GRU's units. */
  readonly units: number;
  readonly learningRate: number;
  /** Seeds the weights and the windows. */
  readonly seed: number;
  /** Characters generated per sample. */
  readonly sampleLength: number;
  /** Log the loss every this many steps (0: never). */
  readonly logEvery: number;
}

/** The full run: 400 steps of 32 windows of 48 characters, a 128-unit GRU. */
export const CHAR_FULL_RUN: CharConfig = {
  steps: 400,
  sequenceLength: 48,
  batchSize: 32,
  units: 128,
  learningRate: 0.01,
  seed: 3,
  sampleLength: 120,
  logEvery: 50,
};

/** The prefix samples start from: the first words of the text. */
export const PROMPT = 'the river runs';

/** The three layers, used one by one (training runs whole windows, sampling one character at a time). */
export interface CharModel {
  readonly embedding: tf.layers.Embedding;
  readonly gru: tf.layers.GRU<true>;
  readonly dense: tf.Dense;
  readonly variables: tf.Variable[];
  dispose(): void;
}

/**
 * Embedding(characters, 32) → GRU(units, returnSequences, returnState) → Dense(characters) logits.
 * @example const model = charModel(128, 3);
 */
export function charModel(units: number, seed: number): CharModel {
  const embedding = new tf.layers.Embedding(CHARACTERS.length, 32, { seed });
  const gru = new tf.layers.GRU<true>(units, { returnSequences: true, returnState: true, seed: seed + 1 });
  const dense = new tf.Dense(CHARACTERS.length, { seed: seed + 4 });
  // Built on one window, so the weights exist before the first tape.
  tf.tidy(() => {
    dense.apply(gru.apply(embedding.apply(tf.zeros([1, 1], 'int32')))[0]!);
  });
  return {
    embedding,
    gru,
    dense,
    variables: [...embedding.trainableVariables, ...gru.trainableVariables, ...dense.trainableVariables],
    dispose: () => [embedding, gru, dense].forEach((layer) => layer.dispose()),
  };
}

/** Logits `[batch, time, characters]` for ids `[batch, time]`, and the GRU's final state. */
function forward(model: CharModel, ids: tf.Tensor, state?: tf.Tensor): [tf.Tensor, tf.Tensor] {
  const [sequence, h] = model.gru.apply(
    model.embedding.apply(ids),
    state === undefined ? {} : { initialState: [state] },
  ) as [tf.Tensor, tf.Tensor];
  return [model.dense.apply(sequence), h];
}

/**
 * A greedy continuation of `prompt`: the prompt is read in one pass, then each next character is
 * the most likely one, fed back with the GRU's state.
 * @example continueText(model, 'the river', 40) // 'the river runs past the mill ...'
 */
export async function continueText(model: CharModel, prompt: string, length: number): Promise<string> {
  let text = prompt;
  let [logits, state] = tf.tidy(() => forward(model, tf.tensor([encodeText(prompt)], [1, prompt.length], 'int32')));
  for (let i = 0; i < length; i++) {
    const next = tf.tidy(() =>
      tf.argMax(tf.reshape(tf.slice(logits, [0, logits.shape[1]! - 1, 0], [1, 1, -1]), [-1]), 0),
    );
    const id = (await next.data())[0]!;
    next.dispose();
    text += CHARACTERS[id]!;
    const [newLogits, newState] = tf.tidy(() => forward(model, tf.tensor([[id]], [1, 1], 'int32'), state));
    tf.dispose([logits, state]);
    logits = newLogits;
    state = newState;
  }
  tf.dispose([logits, state]);
  return text;
}

/**
 * Teacher-forced next-character accuracy over the whole text (read as one sequence): how often the
 * most likely next character is the text's.
 * @example await nextCharacterAccuracy(model) // 0.9
 */
export async function nextCharacterAccuracy(model: CharModel): Promise<number> {
  const ids = encodeText(TEXT);
  const correct = tf.tidy(() => {
    const [logits] = forward(model, tf.tensor([ids.slice(0, -1)], [1, ids.length - 1], 'int32'));
    const predicted = tf.argMax(tf.reshape(logits, [ids.length - 1, CHARACTERS.length]), 1);
    return tf.reduceSum(tf.cast(tf.equal(predicted, tf.tensor(ids.slice(1), [ids.length - 1], 'int32')), 'float32'));
  });
  const count = (await correct.data())[0]!;
  correct.dispose();
  return count / (ids.length - 1);
}

/** The share of the text taken by its most common character: what always guessing it scores. */
export function chanceAccuracy(): number {
  const counts = new Map<string, number>();
  for (const c of TEXT.slice(1)) counts.set(c, (counts.get(c) ?? 0) + 1);
  return Math.max(...counts.values()) / (TEXT.length - 1);
}

/** What a run measured. */
export type CharResult = {
  /** Mean cross-entropy per logged step (nats per character). */
  readonly losses: readonly number[];
  readonly before: string;
  readonly after: string;
  readonly accuracyBefore: number;
  readonly accuracyAfter: number;
  readonly seconds: number;
};

/**
 * Trains with `config`, printing samples before and after.
 * @example await trainCharGru(console.log, { ...CHAR_FULL_RUN, steps: 100 });
 */
export async function trainCharGru(log: Log, config: CharConfig): Promise<CharResult> {
  const ids = encodeText(TEXT);
  const random = seededRandom(config.seed);
  const model = charModel(config.units, config.seed);
  const optimizer = new tf.optimizers.Adam({ learningRate: config.learningRate });
  try {
    log(`${TEXT.length} characters, ${CHARACTERS.length} distinct; windows of ${config.sequenceLength}`);
    const before = await continueText(model, PROMPT, config.sampleLength);
    const accuracyBefore = await nextCharacterAccuracy(model);
    log(`before training: ${JSON.stringify(before)}`);
    code(log, 'with tf.GradientTape() as tape: loss = loss_fn(targets, model(inputs))  # then apply_gradients');
    const losses: number[] = [];
    const started = performance.now();
    const n = config.sequenceLength;
    for (let step = 1; step <= config.steps; step++) {
      const inputs: number[] = [];
      const targets: number[] = [];
      for (let b = 0; b < config.batchSize; b++) {
        const start = Math.floor(random() * (ids.length - n - 1));
        inputs.push(...ids.slice(start, start + n));
        targets.push(...ids.slice(start + 1, start + n + 1));
      }
      const loss = tf.tidy(() => {
        const x = tf.tensor(inputs, [config.batchSize, n], 'int32');
        const y = tf.tensor(targets, [config.batchSize * n], 'int32');
        const tape = new tf.GradientTape();
        const value = tape.record(() => {
          const [logits] = forward(model, x);
          return tf.reduceMean(
            tf.nn.sparseSoftmaxCrossEntropyWithLogits(y, tf.reshape(logits, [-1, CHARACTERS.length])),
          );
        });
        const gradients = tape.gradient(value, model.variables);
        optimizer.applyGradients(gradients as tf.Tensor[], model.variables);
        return value;
      });
      if (step === 1 || step === config.steps || (config.logEvery > 0 && step % config.logEvery === 0)) {
        const value = (await loss.data())[0]!;
        losses.push(value);
        log(`step ${step}/${config.steps}: loss ${value.toFixed(4)}`);
      }
      loss.dispose();
    }
    const seconds = (performance.now() - started) / 1000;
    const after = await continueText(model, PROMPT, config.sampleLength);
    const accuracyAfter = await nextCharacterAccuracy(model);
    log(`after training:  ${JSON.stringify(after)}`);
    log(
      `next-character accuracy on the text ${(accuracyBefore * 100).toFixed(1)}% → ${(accuracyAfter * 100).toFixed(1)}% ` +
        `(always guessing the commonest character: ${(chanceAccuracy() * 100).toFixed(1)}%); ` +
        `${config.steps} steps in ${seconds.toFixed(1)} s`,
    );
    return { losses, before, after, accuracyBefore, accuracyAfter, seconds };
  } finally {
    model.dispose();
    optimizer.dispose();
  }
}

/**
 * The full run (`pnpm examples char-gru`).
 * @example const result = await run(console.log);
 */
export async function run(log: Log): Promise<CharResult> {
  return trainCharGru(log, CHAR_FULL_RUN);
}
