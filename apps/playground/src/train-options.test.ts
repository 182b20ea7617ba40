/**
 * @file The Train page's option checks: what a test or a script passes to `train` is checked before any
 * work, with TensorFlow-style typed errors.
 */
import { InvalidArgumentError } from 'tapeflow';
import { describe, expect, it } from 'vitest';
import { checkTrainOptions } from './train-options.js';

describe('checkTrainOptions', () => {
  it('accepts epochs, a backend, an optional model and sample count', () => {
    expect(() => checkTrainOptions({ epochs: 1, backend: 'cpu' }, 2500)).not.toThrow();
    expect(() => checkTrainOptions({ epochs: 3, backend: 'webgpu', samples: 2500 }, 2500)).not.toThrow();
    expect(() => checkTrainOptions({ epochs: 1, backend: 'cpu', model: 'cnn', samples: 320 }, 2500)).not.toThrow();
    expect(() => checkTrainOptions({ epochs: 1, backend: 'cpu', model: 'mlp' }, 2500)).not.toThrow();
  });

  it('rejects a count out of range, a wrong backend, a typo and a missing key, naming each', () => {
    const cases: [unknown, RegExp][] = [
      [
        { epochs: 0, backend: 'cpu' },
        /train: argument 'options.epochs' expected an integer in \[1, 100\], but got number 0/,
      ],
      [{ epochs: 1.5, backend: 'cpu' }, /options.epochs' expected an integer in \[1, 100\], but got number 1.5/],
      [{ epochs: 1, backend: 'gpu' }, /options.backend' expected one of "cpu", "webgpu", but got string 'gpu'/],
      [
        { epochs: 1, backend: 'cpu', model: 'resnet' },
        /train: argument 'options.model' expected one of "mlp", "cnn", but got string 'resnet'/,
      ],
      [{ epochs: 1, backend: 'cpu', model: 1 }, /options.model' expected one of "mlp", "cnn", but got number 1/],
      [
        { epochs: 1, backend: 'cpu', modle: 'cnn' },
        /train: argument 'options' expected known keys \(did you mean 'model'\?\), but got unknown key 'modle'/,
      ],
      [
        { epochs: 1, backend: 'cpu', samples: 2501 },
        /options.samples' expected an integer in \[1, 2500\], but got number 2501/,
      ],
      [
        { epoch: 1, backend: 'cpu' },
        /train: argument 'options' expected known keys \(did you mean 'epochs'\?\), but got unknown key 'epoch'/,
      ],
      [{ backend: 'cpu' }, /options.epochs' expected an integer in \[1, 100\], but got undefined/],
      [{ epochs: 2 }, /options.backend' expected 'cpu' or 'webgpu', but got undefined/],
      [undefined, /train: argument 'options' expected an options object, but got undefined/],
      [5, /train: argument 'options' expected an options object, but got number 5/],
    ];
    for (const [options, message] of cases) {
      expect(() => checkTrainOptions(options, 2500)).toThrow(InvalidArgumentError);
      expect(() => checkTrainOptions(options, 2500)).toThrow(message);
    }
  });
});
