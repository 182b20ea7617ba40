/**
 * @file A small WebAssembly binary encoder: the module format (types, one imported memory, a function
 * table, exports, code) and the instructions the kernels use, as functions that return byte arrays.
 *
 * Why emit bytecode at run time instead of assembling WAT or compiling AssemblyScript at build time:
 * nothing is generated or committed, the package's tests and type check run on a fresh clone with no
 * build step, there is no toolchain to install, and the variants the machine needs (shared memory
 * for threads, relaxed SIMD where it exists) are picked by feature detection when a backend starts.
 * Instruction helpers mirror WAT's names (`f32x4.add` → `F32x4.add`), so a kernel reads like the text
 * format in prefix form. Opcodes: the WebAssembly core spec §5.4 and the SIMD / relaxed-SIMD specs.
 */

/** Encoded bytes of an instruction sequence (an expression leaves its value on the stack). */
export type Code = readonly number[];

/** Value types, by their WAT names. */
export const Type = { i32: 0x7f, f32: 0x7d, f64: 0x7c, v128: 0x7b } as const;
/** One of the value types. */
export type ValueType = (typeof Type)[keyof typeof Type];

/** Unsigned LEB128. */
export function uleb(value: number): number[] {
  const out: number[] = [];
  let v = value >>> 0;
  do {
    const byte = v & 0x7f;
    v >>>= 7;
    out.push(v === 0 ? byte : byte | 0x80);
  } while (v !== 0);
  return out;
}

/** Signed LEB128 of a 32-bit integer. */
export function sleb(value: number): number[] {
  const out: number[] = [];
  let v = value | 0;
  for (;;) {
    const byte = v & 0x7f;
    v >>= 7;
    if ((v === 0 && (byte & 0x40) === 0) || (v === -1 && (byte & 0x40) !== 0)) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
}

/** Joins instruction sequences. */
export function seq(...parts: readonly Code[]): Code {
  return parts.flat();
}

const utf8 = (text: string): number[] => [...new TextEncoder().encode(text)];
const vector = (items: readonly (readonly number[])[]): number[] => [...uleb(items.length), ...items.flat()];
const section = (id: number, body: readonly number[]): number[] =>
  body.length === 0 ? [] : [id, ...uleb(body.length), ...body];

/** A tuple of N elements of T (so destructured locals are never `undefined`). */
export type Tuple<T, N extends number, R extends T[] = []> = number extends N
  ? T[]
  : R['length'] extends N
    ? R
    : Tuple<T, N, [T, ...R]>;

/** A local variable (or parameter) of the function being built. */
export class Local {
  constructor(readonly index: number) {}
  get(): Code {
    return [0x20, ...uleb(this.index)];
  }
  set(value: Code): Code {
    return [...value, 0x21, ...uleb(this.index)];
  }
  tee(value: Code): Code {
    return [...value, 0x22, ...uleb(this.index)];
  }
}

/** Declares a function's parameters and locals; `params` and `local()` hand out `Local`s. */
export class FunctionBuilder {
  readonly params: Local[];
  readonly #paramTypes: ValueType[];
  readonly #localTypes: ValueType[] = [];

  constructor(
    paramTypes: readonly ValueType[],
    readonly results: readonly ValueType[] = [],
  ) {
    this.#paramTypes = [...paramTypes];
    this.params = paramTypes.map((_, i) => new Local(i));
  }

  /** A fresh local of `type`. */
  local(type: ValueType): Local {
    this.#localTypes.push(type);
    return new Local(this.#paramTypes.length + this.#localTypes.length - 1);
  }

  /** `count` fresh locals of `type`. */
  locals<N extends number>(type: ValueType, count: N): Tuple<Local, N> {
    return Array.from({ length: count }, () => this.local(type)) as Tuple<Local, N>;
  }

  get paramTypes(): readonly ValueType[] {
    return this.#paramTypes;
  }

  /** The locals declaration of the code entry: runs of equal types. */
  encodeLocals(): number[] {
    const runs: number[][] = [];
    let i = 0;
    while (i < this.#localTypes.length) {
      let j = i;
      while (j < this.#localTypes.length && this.#localTypes[j] === this.#localTypes[i]) j++;
      runs.push([...uleb(j - i), this.#localTypes[i]!]);
      i = j;
    }
    return vector(runs);
  }
}

interface FunctionEntry {
  readonly name: string | undefined;
  readonly type: number;
  readonly builder: FunctionBuilder;
  body: Code | undefined;
}

/** Options of the one linear memory every module imports as `env.memory`. */
export interface MemoryImport {
  readonly shared: boolean;
  readonly minimumPages: number;
  /** Required for shared memory. */
  readonly maximumPages?: number;
}

/** Builds a module: declare functions first (so calls can name their index), then give bodies. */
export class ModuleBuilder {
  readonly #types: string[] = [];
  readonly #functions: FunctionEntry[] = [];
  readonly #table: number[] = [];

  constructor(readonly memory: MemoryImport) {}

  /** Declares a function, exported as `name` when given; returns its index. */
  declare(builder: FunctionBuilder, name?: string): number {
    const signature = [0x60, ...vector(builder.paramTypes.map((t) => [t])), ...vector(builder.results.map((t) => [t]))];
    const key = signature.join(',');
    let type = this.#types.indexOf(key);
    if (type < 0) type = this.#types.push(key) - 1;
    return this.#functions.push({ name, type, builder, body: undefined }) - 1;
  }

  /** Sets the body of declared function `index`. */
  define(index: number, body: Code): void {
    this.#functions[index]!.body = body;
  }

  /** Declares, defines and returns the index in one step. */
  add(builder: FunctionBuilder, body: (f: FunctionBuilder) => Code, name?: string): number {
    const index = this.declare(builder, name);
    this.define(index, body(builder));
    return index;
  }

  /** Puts function `index` in the table (for `call_indirect`); returns its slot. */
  tableSlot(index: number): number {
    return this.#table.push(index) - 1;
  }

  /** The type index of a function's signature, for `call_indirect`. */
  typeOf(index: number): number {
    return this.#functions[index]!.type;
  }

  /** The module's bytes. */
  encode(): Uint8Array {
    const { shared, minimumPages, maximumPages } = this.memory;
    const limits =
      maximumPages === undefined
        ? [0x00, ...uleb(minimumPages)]
        : [shared ? 0x03 : 0x01, ...uleb(minimumPages), ...uleb(maximumPages)];
    const types = this.#types.map((key) => key.split(',').map(Number));
    const imports = vector([[...uleb(3), ...utf8('env'), ...uleb(6), ...utf8('memory'), 0x02, ...limits]]);
    const functions = vector(this.#functions.map((f) => uleb(f.type)));
    const table = this.#table.length === 0 ? [] : vector([[0x70, 0x00, ...uleb(this.#table.length)]]);
    const exports = vector(
      this.#functions.flatMap((f, i) =>
        f.name === undefined ? [] : [[...uleb(f.name.length), ...utf8(f.name), 0x00, ...uleb(i)]],
      ),
    );
    const elements =
      this.#table.length === 0 ? [] : vector([[0x00, 0x41, 0x00, 0x0b, ...vector(this.#table.map((i) => uleb(i)))]]);
    const code = vector(
      this.#functions.map((f, i) => {
        if (f.body === undefined) throw new Error(`wasm encoder: function ${f.name ?? i} has no body`);
        const entry = [...f.builder.encodeLocals(), ...f.body, 0x0b];
        return [...uleb(entry.length), ...entry];
      }),
    );
    return new Uint8Array([
      0x00,
      0x61,
      0x73,
      0x6d,
      0x01,
      0x00,
      0x00,
      0x00,
      ...section(1, vector(types)),
      ...section(2, imports),
      ...section(3, functions),
      ...section(4, table),
      ...section(7, exports),
      ...section(9, elements),
      ...section(10, code),
    ]);
  }
}
