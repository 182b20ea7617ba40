/**
 * @file The `random` namespace as users see it (`tf.random.normal`, `tf.random.uniform`,
 * `tf.random.setSeed`, the stateless forms): random.ts also holds the Threefry generator the backends
 * and tests share, which is not part of the public surface.
 */
export { normal, setSeed, statelessNormal, statelessUniform, uniform } from './random.js';
export type {
  RandomNormalOptions,
  RandomUniformOptions,
  StatelessNormalOptions,
  StatelessUniformOptions,
} from './random.js';
