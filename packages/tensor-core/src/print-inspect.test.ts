import './test-setup.js';
import { Console } from 'node:console';
import { Writable } from 'node:stream';
import { inspect } from 'node:util';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { tensor, variable } from './ops/index.js';

/** What `console.log(...args)` writes, through a Console of our own (Node's formatting, not vitest's). */
function logged(...args: unknown[]): string {
  let text = '';
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString();
      done();
    },
  });
  new Console({ stdout: sink, colorMode: false }).log(...args);
  return text;
}

describe('printing and inspecting a tensor (API.md "Printing and inspection")', () => {
  afterEach(() => vi.restoreAllMocks());

  it('t.print() writes t.toString() to console.log', () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    const t = tensor([1.5, -2], [2]);
    t.print();
    expect(log).toHaveBeenCalledTimes(1);
    expect(log.mock.calls[0]![0]).toMatch(/^Tensor\(shape=\[2\], dtype=float32, \[ ?1\.5, +-2\. *\]\)$/);
    expect(log.mock.calls[0]![0]).toBe(t.toString());
  });

  it("util.inspect and console.log show the NumPy-style text, not the engine's fields", () => {
    const t = tensor([1, 2, 3, 4], [2, 2]);
    expect(inspect(t)).toBe(t.toString());
    expect(logged(t)).toBe(`${t.toString()}\n`);
    expect(logged('value:', t)).toBe(`value: ${t.toString()}\n`);
    expect(inspect(t)).not.toMatch(/storage|engine|dataId/);
    // Inside a container too.
    expect(inspect({ t })).toContain(t.toString().split('\n')[0]!);
  });

  it('a Variable shows its name, and a disposed tensor says so', () => {
    const v = variable(tensor([1, 2]), { name: 'weights' });
    expect(inspect(v)).toBe(v.toString());
    expect(inspect(v)).toContain('name=weights');
    const t = tensor([1]);
    t.dispose();
    expect(inspect(t)).toBe('Tensor(shape=[1], dtype=float32, <disposed>)');
  });
});
