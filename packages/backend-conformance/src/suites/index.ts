/**
 * @file Every group of the conformance suite, in the order `describeBackend` runs them: storage first
 * (nothing else can pass without it), then each kernel family, large inputs, random and gradients.
 */
import type { ConformanceGroup } from '../case.js';
import { convolutionGroup } from './convolution.js';
import { creationGroup } from './creation.js';
import { binaryGroup, unaryGroup } from './elementwise.js';
import { fusedGroup } from './fused.js';
import { gradientGroup } from './gradients.js';
import { largeGroup } from './large.js';
import { logicGroup } from './logic.js';
import { matMulGroup } from './matmul.js';
import { movementGroup } from './movement.js';
import { randomGroup } from './random.js';
import { reductionGroup } from './reduction.js';
import { storageGroup } from './storage.js';

/** The groups of the suite. */
export const CONFORMANCE_GROUPS: readonly ConformanceGroup[] = [
  storageGroup,
  unaryGroup,
  binaryGroup,
  logicGroup,
  reductionGroup,
  matMulGroup,
  movementGroup,
  creationGroup,
  fusedGroup,
  largeGroup,
  randomGroup,
  gradientGroup,
  // Convolutions (issue 12)
  convolutionGroup,
];
