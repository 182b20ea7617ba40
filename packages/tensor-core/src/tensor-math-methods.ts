/**
 * @file The Tensor methods of the elementwise math ops of issue 12 (`x.sin()` ... `a.logicalXor(b)`),
 * kept out of tensor.ts (past its size budget): declared by `TensorMathMethods`, which tensor.ts merges
 * into its class, and installed on the prototype once, by tensor.ts after its class is defined (so this
 * module never touches the class while the import cycle with the ops is still loading).
 */

import * as ops from './ops/elementwise-math.js';
import type { Tensor, TensorLike } from './tensor.js';

/**
 * The methods, merged into the Tensor class by an interface declared beside it in tensor.ts (so the
 * published types carry them).
 */
export interface TensorMathMethods {
  sin(): Tensor;
  cos(): Tensor;
  tan(): Tensor;
  asin(): Tensor;
  acos(): Tensor;
  atan(): Tensor;
  sinh(): Tensor;
  cosh(): Tensor;
  asinh(): Tensor;
  acosh(): Tensor;
  atanh(): Tensor;
  floor(): Tensor;
  ceil(): Tensor;
  round(): Tensor;
  reciprocal(): Tensor;
  rsqrt(): Tensor;
  log1p(): Tensor;
  expm1(): Tensor;
  erf(): Tensor;
  softsign(): Tensor;
  elu(): Tensor;
  selu(): Tensor;
  relu6(): Tensor;
  silu(): Tensor;
  gelu(options?: ops.GeluOptions): Tensor;
  leakyRelu(options?: ops.LeakyReluOptions): Tensor;
  prelu(alpha: TensorLike): Tensor;
  isNan(): Tensor<'bool'>;
  isInf(): Tensor<'bool'>;
  isFinite(): Tensor<'bool'>;
  logicalNot(): Tensor<'bool'>;
  atan2(b: TensorLike): Tensor;
  floorDiv(b: TensorLike): Tensor;
  floorMod(b: TensorLike): Tensor;
  squaredDifference(b: TensorLike): Tensor;
  divNoNan(b: TensorLike): Tensor;
  logicalAnd(b: TensorLike): Tensor<'bool'>;
  logicalOr(b: TensorLike): Tensor<'bool'>;
  logicalXor(b: TensorLike): Tensor<'bool'>;
}

/** The methods' names (the keys of `METHODS`). */
type MathMethod =
  | 'sin'
  | 'cos'
  | 'tan'
  | 'asin'
  | 'acos'
  | 'atan'
  | 'sinh'
  | 'cosh'
  | 'asinh'
  | 'acosh'
  | 'atanh'
  | 'floor'
  | 'ceil'
  | 'round'
  | 'reciprocal'
  | 'rsqrt'
  | 'log1p'
  | 'expm1'
  | 'erf'
  | 'softsign'
  | 'elu'
  | 'selu'
  | 'relu6'
  | 'silu'
  | 'gelu'
  | 'leakyRelu'
  | 'prelu'
  | 'isNan'
  | 'isInf'
  | 'isFinite'
  | 'logicalNot'
  | 'atan2'
  | 'floorDiv'
  | 'floorMod'
  | 'squaredDifference'
  | 'divNoNan'
  | 'logicalAnd'
  | 'logicalOr'
  | 'logicalXor';

/** Each method runs its op on `this`. */
const METHODS: ThisType<Tensor> & Pick<TensorMathMethods, MathMethod> = {
  sin(): Tensor {
    return ops.sin(this);
  },
  cos(): Tensor {
    return ops.cos(this);
  },
  tan(): Tensor {
    return ops.tan(this);
  },
  asin(): Tensor {
    return ops.asin(this);
  },
  acos(): Tensor {
    return ops.acos(this);
  },
  atan(): Tensor {
    return ops.atan(this);
  },
  sinh(): Tensor {
    return ops.sinh(this);
  },
  cosh(): Tensor {
    return ops.cosh(this);
  },
  asinh(): Tensor {
    return ops.asinh(this);
  },
  acosh(): Tensor {
    return ops.acosh(this);
  },
  atanh(): Tensor {
    return ops.atanh(this);
  },
  floor(): Tensor {
    return ops.floor(this);
  },
  ceil(): Tensor {
    return ops.ceil(this);
  },
  round(): Tensor {
    return ops.round(this);
  },
  reciprocal(): Tensor {
    return ops.reciprocal(this);
  },
  rsqrt(): Tensor {
    return ops.rsqrt(this);
  },
  log1p(): Tensor {
    return ops.log1p(this);
  },
  expm1(): Tensor {
    return ops.expm1(this);
  },
  erf(): Tensor {
    return ops.erf(this);
  },
  softsign(): Tensor {
    return ops.softsign(this);
  },
  elu(): Tensor {
    return ops.elu(this);
  },
  selu(): Tensor {
    return ops.selu(this);
  },
  relu6(): Tensor {
    return ops.relu6(this);
  },
  silu(): Tensor {
    return ops.silu(this);
  },
  gelu(options: ops.GeluOptions = {}): Tensor {
    return ops.gelu(this, options);
  },
  leakyRelu(options: ops.LeakyReluOptions = {}): Tensor {
    return ops.leakyRelu(this, options);
  },
  prelu(alpha: TensorLike): Tensor {
    return ops.prelu(this, alpha);
  },
  isNan(): Tensor<'bool'> {
    return ops.isNan(this);
  },
  isInf(): Tensor<'bool'> {
    return ops.isInf(this);
  },
  isFinite(): Tensor<'bool'> {
    return ops.isFinite(this);
  },
  logicalNot(): Tensor<'bool'> {
    return ops.logicalNot(this);
  },
  atan2(b: TensorLike): Tensor {
    return ops.atan2(this, b);
  },
  floorDiv(b: TensorLike): Tensor {
    return ops.floorDiv(this, b);
  },
  floorMod(b: TensorLike): Tensor {
    return ops.floorMod(this, b);
  },
  squaredDifference(b: TensorLike): Tensor {
    return ops.squaredDifference(this, b);
  },
  divNoNan(b: TensorLike): Tensor {
    return ops.divNoNan(this, b);
  },
  logicalAnd(b: TensorLike): Tensor<'bool'> {
    return ops.logicalAnd(this, b);
  },
  logicalOr(b: TensorLike): Tensor<'bool'> {
    return ops.logicalOr(this, b);
  },
  logicalXor(b: TensorLike): Tensor<'bool'> {
    return ops.logicalXor(this, b);
  },
};

/** Installs the methods on `tensorClass`'s prototype, non-enumerable like a class's own methods. */
export function installMathMethods(tensorClass: { readonly prototype: Tensor }): void {
  for (const [name, method] of Object.entries(METHODS)) {
    Object.defineProperty(tensorClass.prototype, name, { value: method, writable: true, configurable: true });
  }
}
