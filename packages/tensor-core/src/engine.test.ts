import './test-setup.js';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, vi } from 'vitest';
import { cpuBackend } from '../../backend-cpu/src/index.js';
import { dispose, getBackend, keep, memory, registerBackend, setBackend, tidy } from './api.js';
import { BACKEND_SPEC_VERSION } from './backend.js';
import type { Backend } from './backend.js';
import { Engine } from './engine.js';
import { FailedPreconditionError, InvalidArgumentError, NotFoundError, UnimplementedError } from './errors.js';
import * as tf from './ops/index.js';
import { Tensor, Variable } from './tensor.js';
import type { TensorContainer } from './tensor.js';

describe('memory accounting', () => {
  it('counts tensors, buffers and bytes, and returns to where it started', () => {
    const start = memory();
    const a = tf.tensor([1, 2, 3, 4]);
    const b = tf.reshape(a, [2, 2]);
    let m = memory();
    expect(m.numTensors - start.numTensors).toBe(2);
    expect(m.numDataBuffers - start.numDataBuffers).toBe(1);
    expect(m.numBytes - start.numBytes).toBe(16);
    expect(m.numBytesByBackend.cpu! - (start.numBytesByBackend.cpu ?? 0)).toBe(16);
    a.dispose();
    expect(b.arraySync()).toEqual([
      [1, 2],
      [3, 4],
    ]);
    b.dispose();
    b.dispose();
    m = memory();
    expect(m.numTensors).toBe(start.numTensors);
    expect(m.numDataBuffers).toBe(start.numDataBuffers);
    expect(m.numBytes).toBe(start.numBytes);
  });

  it('Symbol.dispose releases a tensor (the `using` declaration)', () => {
    const start = memory().numTensors;
    {
      const t = tf.ones([3]);
      t[Symbol.dispose]();
      expect(t.isDisposed).toBe(true);
    }
    expect(memory().numTensors).toBe(start);
  });
});

describe('tidy and keep', () => {
  it('disposes intermediates and keeps results and kept tensors', () => {
    const start = memory().numTensors;
    let kept: Tensor | undefined;
    const result = tidy(() => {
      const a = tf.ones([2]);
      const b = tf.add(a, 1);
      kept = keep(tf.mul(b, 3));
      return { sum: tf.add(b, b), list: [b] };
    });
    expect(Array.from(result.sum.dataSync())).toEqual([4, 4]);
    expect(Array.from(kept!.dataSync())).toEqual([6, 6]);
    expect(memory().numTensors - start).toBe(3);
    dispose([result, kept!]);
    expect(memory().numTensors).toBe(start);
  });

  it('keeps the tensors of a result that contains itself (walked once, no stack overflow)', () => {
    const start = memory().numTensors;
    const result = tidy(() => {
      tf.ones([3]);
      const cycle: TensorContainer[] = [tf.ones([2])];
      const record: { [key: string]: TensorContainer } = { cycle };
      record['self'] = record;
      cycle.push(cycle, record);
      return cycle;
    });
    expect(memory().numTensors - start).toBe(1);
    dispose(result[0]);
    expect(memory().numTensors).toBe(start);
  });

  it('nested scopes hand results to the parent', () => {
    const start = memory().numTensors;
    tidy(() => {
      const inner = tidy(() => tf.ones([2]).add(1));
      expect(inner.isDisposed).toBe(false);
    });
    expect(memory().numTensors).toBe(start);
  });

  it('cleans up when fn throws', () => {
    const start = memory().numTensors;
    expect(() =>
      tidy(() => {
        tf.ones([2]);
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(() => tidy(3 as unknown as () => Tensor)).toThrow(/tidy: argument 'fn' expected a function/);
    expect(memory().numTensors).toBe(start);
  });
});

describe('async tidy', () => {
  const tick = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 1));

  it('owns tensors made before and after each await, and returns the result', async () => {
    const start = memory().numTensors;
    const result = await tidy(async () => {
      const a = tf.ones([2]);
      await tick();
      const b = tf.add(a, 1);
      await b.data();
      return tf.mul(b, 2);
    });
    expect(Array.from(result.dataSync())).toEqual([4, 4]);
    expect(memory().numTensors - start).toBe(1);
    result.dispose();
    expect(memory().numTensors).toBe(start);
  });

  it('keeps concurrent calls apart (AsyncLocalStorage)', async () => {
    const start = memory().numTensors;
    let outside: Tensor | undefined;
    const task = async (value: number): Promise<Tensor> =>
      tidy(async () => {
        const a = tf.fill([3], value);
        await tick();
        const b = tf.mul(a, 10);
        await tick();
        return tf.add(b, 1);
      });
    const [x, y] = await Promise.all([
      task(1),
      task(2),
      (async () => {
        await tick();
        outside = tf.ones([1]);
        await tick();
        await tick();
      })(),
    ]);
    expect(Array.from(x.dataSync())).toEqual([11, 11, 11]);
    expect(Array.from(y.dataSync())).toEqual([21, 21, 21]);
    expect(outside!.isDisposed).toBe(false);
    expect(memory().numTensors - start).toBe(3);
    dispose([x, y, outside!]);
  });

  it('nests inside sync and async scopes and hands results to the parent', async () => {
    const start = memory().numTensors;
    const kept = await tidy(async () => {
      const inner = await tidy(async () => {
        await tick();
        return tidy(() => tf.add(tf.ones([2]), 1));
      });
      await tick();
      tf.zeros([5]);
      return inner;
    });
    expect(Array.from(kept.dataSync())).toEqual([2, 2]);
    expect(memory().numTensors - start).toBe(1);
    kept.dispose();
  });

  /** An `async` function as TypeScript or Babel emit it for older targets: a generator driven by Promises. */
  function downlevelled<T>(body: () => Generator<unknown, T, unknown>): () => Promise<T> {
    return function () {
      return new Promise<T>((resolve, reject) => {
        const generator = body();
        const step = (next: () => IteratorResult<unknown, T>): void => {
          let item: IteratorResult<unknown, T>;
          try {
            item = next();
          } catch (error) {
            reject(error);
            return;
          }
          if (item.done === true) resolve(item.value);
          else
            Promise.resolve(item.value).then(
              (value) => step(() => generator.next(value)),
              (error: unknown) => step(() => generator.throw(error)),
            );
        };
        step(() => generator.next());
      });
    };
  }

  it('treats a down-levelled async function as async: it owns what its continuations make', async () => {
    const start = memory().numTensors;
    const made: Tensor[] = [];
    const task = (value: number): Promise<Tensor> =>
      tidy(
        downlevelled(function* () {
          const a = tf.fill([3], value);
          yield tick();
          const b = tf.mul(a, 10);
          made.push(b);
          yield tick();
          return tf.add(b, 1);
        }),
      );
    const [x, y] = await Promise.all([task(1), task(2)]);
    expect(Array.from(x.dataSync())).toEqual([11, 11, 11]);
    expect(Array.from(y.dataSync())).toEqual([21, 21, 21]);
    expect(made.map((t) => t.isDisposed)).toEqual([true, true]);
    expect(memory().numTensors - start).toBe(2);
    dispose([x, y]);
  });

  it('treats a plain function returning a Promise, or any thenable, as async', async () => {
    const start = memory().numTensors;
    const late: Tensor[] = [];
    const fromPromise = await tidy(() =>
      tick().then(() => {
        late.push(tf.ones([2]));
        return tf.add(late[0]!, 1);
      }),
    );
    const fromThenable = await tidy(() => {
      const pending = tick().then(() => {
        late.push(tf.ones([2]));
        return tf.mul(late[1]!, 3);
      });
      const thenable: PromiseLike<Tensor> = {
        then: (onFulfilled, onRejected) => pending.then(onFulfilled, onRejected),
      };
      return thenable;
    });
    expect(Array.from(fromPromise.dataSync())).toEqual([2, 2]);
    expect(Array.from(fromThenable.dataSync())).toEqual([3, 3]);
    expect(late.map((t) => t.isDisposed)).toEqual([true, true]);
    expect(memory().numTensors - start).toBe(2);
    dispose([fromPromise, fromThenable]);
    const failing = {
      then: (_: unknown, onRejected: (error: unknown) => void) => onRejected(new Error('thenable failed')),
    } as unknown as PromiseLike<Tensor>;
    await expect(tidy(() => failing)).rejects.toThrow('thenable failed');
    expect(memory().numTensors).toBe(start);
  });

  it('disposes its tensors when the async fn rejects', async () => {
    const start = memory().numTensors;
    await expect(
      tidy(async () => {
        tf.ones([2]);
        await tick();
        tf.ones([2]);
        throw new Error('late failure');
      }),
    ).rejects.toThrow('late failure');
    expect(memory().numTensors).toBe(start);
  });
});

describe('tidy and a stack overflow', () => {
  it('leaves no stale scope behind, wherever the overflow strikes (clean-up blocks overflow too)', () => {
    // In a child process with a small stack: see the fixture's header.
    const child = spawnSync(
      process.execPath,
      [
        '--stack-size=256',
        '--conditions=@tapeflow/source',
        '--import',
        'tsx',
        'packages/tensor-core/src/__fixtures__/stack-overflow-tidy.ts',
      ],
      {
        cwd: fileURLToPath(new URL('../../../', import.meta.url)),
        encoding: 'utf8',
        timeout: 60_000,
      },
    );
    expect(child.stderr).toBe('');
    expect(child.status).toBe(0);
    const report = JSON.parse(child.stdout) as {
      dives: { padding: number; error: string; scopeDepth: number; leaked: number }[];
      after: { keptAlive: boolean; leaked: number };
    };
    expect(report.dives).toHaveLength(64);
    for (const dive of report.dives)
      expect(dive).toEqual({ padding: dive.padding, error: 'RangeError', scopeDepth: 0, leaked: 0 });
    expect(report.after).toEqual({ keptAlive: true, leaked: 1 });
  }, 60_000);
});

describe('Variable', () => {
  it('assigns values of the same shape and dtype', () => {
    const v = tf.variable([1, 2], { name: 'v' });
    expect(v).toBeInstanceOf(Variable);
    expect(v.trainable).toBe(true);
    expect(v.name).toBe('v');
    v.assign(tf.tensor([3, 4]));
    expect(Array.from(v.dataSync())).toEqual([3, 4]);
    v.assignAdd(tf.tensor([1, 1]));
    expect(Array.from(v.dataSync())).toEqual([4, 5]);
    v.assignSub(1);
    expect(Array.from(v.dataSync())).toEqual([3, 4]);
    expect(new Variable(5, { trainable: false }).trainable).toBe(false);
    expect(tf.variable(tf.tensor([1.5]), { dtype: 'int32' }).dtype).toBe('int32');
  });

  it('keeps its value when assigned the wrong shape or dtype', () => {
    const v = tf.variable([1, 2]);
    const before = memory().numTensors;
    const wrongShape = tf.tensor([1, 2, 3]);
    const wrongDtype = tf.tensor([1, 2], [2], 'int32');
    const tooBig = tf.ones([2, 2]);
    expect(() => v.assign(wrongShape)).toThrow(InvalidArgumentError);
    expect(() => v.assign(wrongShape)).toThrow(/assign: argument 'value' expected shape \[2\].*got shape \[3\]/);
    expect(() => v.assign(wrongDtype)).toThrow(/assign: argument 'value' expected dtype float32.*int32/);
    expect(() => v.assignAdd(tooBig)).toThrow(/assignAdd/);
    expect(Array.from(v.dataSync())).toEqual([1, 2]);
    expect(memory().numTensors - before).toBe(3);
  });

  it('shares the buffer of a tensor it is assigned, and survives the tensor being disposed', () => {
    const v = tf.variable([0, 0]);
    const t = tf.tensor([5, 6]);
    v.assign(t);
    t.dispose();
    expect(Array.from(v.dataSync())).toEqual([5, 6]);
    const count = memory().numVariables;
    v.dispose();
    expect(memory().numVariables).toBe(count - 1);
    expect(() => v.assign(tf.tensor([1, 1]))).toThrow(FailedPreconditionError);
  });
});

describe('backend registry', () => {
  /** A backend delegating storage to a CPU backend, with its own kernels and contract version. */
  function delegatingBackend(kernels?: Backend['kernels'], specVersion = BACKEND_SPEC_VERSION): Backend {
    const base = cpuBackend();
    return {
      specVersion,
      name: 'delegating',
      kernels: kernels ?? base.kernels,
      write: (values, shape, dtype) => base.write(values, shape, dtype),
      read: (dataId) => base.read(dataId),
      readSync: (dataId) => base.readSync(dataId),
      disposeData: (dataId) => base.disposeData(dataId),
      memory: () => base.memory(),
    };
  }
  const fakeBackend = (specVersion = BACKEND_SPEC_VERSION): Backend => delegatingBackend(undefined, specVersion);

  it('picks the highest-priority backend that works, and switches with setBackend', async () => {
    const engine = new Engine();
    engine.registerBackend('low', () => cpuBackend(), { priority: 1 });
    engine.registerBackend('high', () => cpuBackend(), { priority: 5 });
    expect(engine.getBackend()).toBe('high');
    await engine.setBackend('low');
    expect(engine.getBackend()).toBe('low');
  });

  it('waits for asynchronous factories in ready()', async () => {
    const engine = new Engine();
    engine.registerBackend('async', async () => cpuBackend(), { priority: 3 });
    expect(() => engine.backend).toThrow(/await setBackend/);
    await engine.ready();
    expect(engine.getBackend()).toBe('async');
  });

  it('refuses unknown backends, duplicate names and other contract versions', async () => {
    const engine = new Engine();
    expect(() => engine.backend).toThrow(NotFoundError);
    await expect(engine.setBackend('nope')).rejects.toThrow(/no backend named 'nope'/);
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    engine.registerBackend('a', () => fakeBackend());
    expect(engine.registerBackend('a', () => fakeBackend())).toBe(false);
    warn.mockRestore();
    engine.registerBackend('old', () => fakeBackend(0));
    await expect(engine.setBackend('old')).rejects.toThrow(/contract version 0/);
  });

  it('reports a kernel the backend lacks by name', async () => {
    const partial = (): Backend => {
      const { Tanh: _removed, ...kernels } = cpuBackend().kernels;
      return delegatingBackend(kernels as Backend['kernels']);
    };
    registerBackend('partial', partial);
    await setBackend('partial');
    try {
      const x = tf.tensor([1]);
      expect(() => tf.tanh(x)).toThrow(UnimplementedError);
      expect(() => tf.tanh(x)).toThrow(/Tanh: the 'partial' backend has no 'Tanh' kernel/);
    } finally {
      await setBackend('cpu');
    }
    expect(getBackend()).toBe('cpu');
  });

  it('moves a tensor made on another synchronous backend', async () => {
    registerBackend('second', cpuBackend);
    const a = tf.tensor([1, 2]);
    await setBackend('second');
    try {
      expect(Array.from(tf.add(a, 1).dataSync())).toEqual([2, 3]);
      expect(a.storage.backendName).toBe('second');
    } finally {
      await setBackend('cpu');
    }
  });
});
