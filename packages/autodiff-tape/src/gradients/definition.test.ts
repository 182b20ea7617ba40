/**
 * The gradient definition's two guarantees. At compile time (`tsc` checks this file): a rule reads the
 * values only of what its definition saves, names only inputs its op has, and returns gradients only
 * for inputs its op has; a forward rule (jvp) sees the op's inputs by name, live. At run time,
 * generated from the table: the operation the tape hands each rule holds a Tensor exactly where the
 * definition saves one and metadata elsewhere, which is what makes the compile-time view true.
 */
import '../test-setup.js';
import * as tf from '@tapeflow/tensor-core/internal';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { GRADIENT_CASES } from '../__fixtures__/gradient-cases.js';
import { GradientTape } from '../gradient-tape.js';
import { defineGradient, GRADIENTS } from './index.js';
import type { GradientTable, RecordedOperation } from './index.js';

describe('defineGradient types a rule from what it saves', () => {
  it('lets a rule read saved inputs and the saved output as Tensors, and any input as metadata', () => {
    const definition = defineGradient('Pow', {
      saves: { inputs: ['a'], output: true },
      rule: (dy, { inputs: { a, b }, output }) => ({
        a: () => tf.mul(dy, tf.mul(output, tf.div(tf.fill(b.shape, 1), a))),
      }),
    });
    expect(definition.saves).toEqual({ inputs: ['a'], output: true });
  });

  it('rejects reading the values of an input or output that is not saved (compile errors)', () => {
    const unsavedInput = defineGradient('Square', {
      saves: { inputs: [], output: false },
      // @ts-expect-error x is not saved: the rule sees only its metadata, not a Tensor
      rule: (dy, { inputs: { x } }) => ({ x: () => tf.mul(dy, x) }),
    });
    const unsavedOutput = defineGradient('Exp', {
      saves: { inputs: ['x'], output: false },
      // @ts-expect-error the output is not saved
      rule: (dy, { output }) => ({ x: () => tf.mul(dy, output) }),
    });
    const unsavedListElement = defineGradient('Concat', {
      saves: { inputs: [], output: false },
      // @ts-expect-error the listed tensors are not saved: metadata only
      rule: (dy, { inputs: { tensors } }) => ({ tensors: tensors.map((t) => () => tf.mul(dy, t)) }),
    });
    for (const d of [unsavedInput, unsavedOutput, unsavedListElement]) expect(typeof d.rule).toBe('function');
  });

  it('rejects saving or differentiating an input the op does not have (compile errors)', () => {
    const typo = defineGradient('Mul', {
      // @ts-expect-error Mul has inputs a and b, not x
      saves: { inputs: ['x'], output: false },
      rule: (dy) => ({ a: () => dy }),
    });
    const wrongGradient = defineGradient('Neg', {
      saves: { inputs: [], output: false },
      // @ts-expect-error Neg has no input 'a' to return a gradient for
      rule: (dy) => ({ a: () => dy }),
    });
    for (const d of [typo, wrongGradient]) expect(typeof d.rule).toBe('function');
  });
});

describe('a forward rule (jvp) is typed from the same op', () => {
  it('sees every input and the output as Tensors, and a tangent (or null) per input by name', () => {
    const definition = defineGradient('Mul', {
      saves: { inputs: [], output: false },
      rule: (dy) => ({ a: () => dy, b: () => dy }),
      // Not saved, yet readable here: a forward rule runs as the op runs, when everything is live.
      jvp: ({ a: ta, b: tb }, { inputs: { a, b }, output }) =>
        ta === null || tb === null ? null : tf.add(tf.mul(ta, b), tf.mul(tf.mul(a, tb), tf.onesLike(output))),
    });
    expect(typeof definition.jvp).toBe('function');
  });

  it('rejects a tangent of an input the op does not have, or returning something not a tensor (compile errors)', () => {
    const typo = defineGradient('Neg', {
      saves: { inputs: [], output: false },
      rule: (dy) => ({ x: () => tf.neg(dy) }),
      // @ts-expect-error Neg has input x, not a
      jvp: ({ a }) => a,
    });
    const notTensor = defineGradient('Exp', {
      saves: { inputs: [], output: true },
      rule: (dy, { output }) => ({ x: () => tf.mul(dy, output) }),
      // @ts-expect-error a jvp returns a Tensor or null
      jvp: () => 3,
    });
    const listTangents = defineGradient('Concat', {
      saves: { inputs: [], output: false },
      rule: (dy) => ({ tensors: [() => dy] }),
      // @ts-expect-error a list input's tangents are a list (of Tensor | null), not one Tensor
      jvp: ({ tensors }) => tf.neg(tensors),
    });
    for (const d of [typo, notTensor, listTangents]) expect(typeof d.jvp).toBe('function');
  });
});

/** Whether `value` (an input or the output as a rule received it) is a Tensor, per position. */
function kinds(value: unknown): boolean | boolean[] {
  return Array.isArray(value) ? value.map((v) => v instanceof tf.Tensor) : value instanceof tf.Tensor;
}

describe('the tape hands each rule Tensors exactly where its definition saves them', () => {
  afterEach(() => vi.restoreAllMocks());

  const table: [string, GradientTable[tf.RecordedOpName]][] = Object.entries(GRADIENTS);
  for (const [op, definition] of table) {
    if (definition === null) continue;
    it(op, async () => {
      const spy = vi.spyOn(definition, 'rule');
      // Numbers converted for one op: a saved input that only their gradients read is not kept.
      const temporaries = vi.spyOn(tf.getEngine(), 'makeTemporary');
      for (const [, f, makeInputs] of GRADIENT_CASES) {
        const inputs = makeInputs();
        const tape = new GradientTape();
        tape.watch(inputs);
        const y = tape.record(() => f(...inputs));
        tf.dispose(tape.gradient(y, inputs));
        tf.dispose([y, ...inputs]);
      }
      expect(spy.mock.calls.length, `no case differentiates through ${op}`).toBeGreaterThan(0);
      const saved = new Set<string>(definition.saves.inputs);
      const temporaryIds = new Set(temporaries.mock.results.map((result) => (result.value as tf.Tensor).id));
      const readBy: Readonly<Record<string, readonly string[] | undefined>> = definition.saves.readBy ?? {};
      for (const call of spy.mock.calls) {
        const operation: RecordedOperation = call[1];
        const inputs = operation.inputs as Readonly<Record<string, unknown>>;
        const onlyNumbersRead = (name: string): boolean =>
          readBy[name]?.every((reader) => temporaryIds.has((inputs[reader] as { id: number }).id)) ?? false;
        for (const [name, value] of Object.entries(operation.inputs)) {
          const kept = saved.has(name) && !onlyNumbersRead(name);
          const expected = Array.isArray(value) ? value.map(() => kept) : kept;
          expect(kinds(value), `${op} input ${name}`).toEqual(expected);
        }
        expect(kinds(operation.output), `${op} output`).toBe(definition.saves.output);
      }
    });
  }
});
