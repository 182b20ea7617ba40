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
import { poolingGroup } from './pooling.js';
import { randomGroup } from './random.js';
import { reductionGroup } from './reduction.js';
import { scanGroup } from './scan.js';
// Shape kernels of issue 12
import { shapeMoreGroup } from './shape-more.js';
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
  shapeMoreGroup,
  creationGroup,
  fusedGroup,
  // Pooling (group w-poolnn).
  poolingGroup,
  largeGroup,
  randomGroup,
  gradientGroup,
  // Reductions and scans (issue 12)
  scanGroup,
  // Convolutions (issue 12)
  convolutionGroup,
];
