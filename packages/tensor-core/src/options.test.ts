import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from './errors.js';
import { checkOptions, nearestKey, type OptionSchema } from './options.js';

interface Example {
  readonly activation?: string;
  readonly learningRate?: number;
  readonly fromLogits?: boolean;
  readonly units?: number;
}
const schema: OptionSchema<Example> = {
  activation: { kind: 'string' },
  learningRate: { kind: 'number', min: 0 },
  fromLogits: { kind: 'boolean' },
  units: { kind: 'number', integer: true, min: 1 },
};

describe('checkOptions', () => {
  it('passes valid options and undefined', () => {
    expect(() => checkOptions('dense', { activation: 'relu', units: 3 }, schema)).not.toThrow();
    expect(() => checkOptions('dense', undefined, schema)).not.toThrow();
    expect(() => checkOptions('dense', { units: undefined }, schema)).not.toThrow();
  });
  it('names an unknown key and the nearest valid one', () => {
    expect(() => checkOptions('dense', { activaton: 'relu' }, schema)).toThrow(
      "dense: argument 'options' expected known keys (did you mean 'activation'?), but got unknown key 'activaton'.",
    );
    expect(() => checkOptions('sgd', { learning_rate: 0.1 }, schema)).toThrow(/did you mean 'learningRate'/);
    expect(() => checkOptions('sgd', { zzzzzzzzzz: 1 }, schema)).toThrow(/only the keys 'activation'/);
  });
  it('rejects values of the wrong type', () => {
    expect(() => checkOptions('loss', { fromLogits: 'yes' }, schema)).toThrow(InvalidArgumentError);
    expect(() => checkOptions('loss', { fromLogits: 'yes' }, schema)).toThrow(
      "loss: argument 'options.fromLogits' expected a boolean, but got string 'yes'.",
    );
    expect(() => checkOptions('dense', { units: 1.5 }, schema)).toThrow(/an integer >= 1/);
    expect(() => checkOptions('dense', { units: Number.NaN }, schema)).toThrow(/an integer >= 1/);
    expect(() => checkOptions('dense', 'relu', schema)).toThrow(/an options object/);
    expect(() => checkOptions('dense', null, schema)).toThrow(/an options object, but got null/);
  });
  it('does not read inherited keys', () => {
    expect(() => checkOptions('dense', Object.create({ bogus: 1 }) as object, schema)).not.toThrow();
    expect(nearestKey('__proto__', Object.keys(schema))).toBeUndefined();
  });
});
