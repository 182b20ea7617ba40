/**
 * The main entry lists the op files' exports by name where a file also holds helpers (creation.ts,
 * reduction.ts, convert.ts): a new op added to any ops/*.ts file must reach the public entry, and a
 * helper must not. This test names whichever is out of place.
 */
import { describe, expect, it } from 'vitest';
import * as internal from './internal.js';
import * as main from './index.js';
import * as activations from './ops/activations.js';
import * as convert from './ops/convert.js';
import * as convolution from './ops/convolution.js';
import * as creation from './ops/creation.js';
import * as elementwise from './ops/elementwise.js';
import * as elementwiseMath from './ops/elementwise-math.js';
import * as matmul from './ops/matmul.js';
import * as pooling from './ops/pooling.js';
import * as reduction from './ops/reduction.js';
import * as shapeOps from './ops/shape-ops.js';
import * as scan from './ops/scan.js';
import * as linalg from './ops/linalg.js';
import * as einsumOps from './ops/einsum.js';
// Shape ops of issue 12
import * as shapeMore from './ops/shape-more.js';
import * as gatherNd from './ops/gather-nd.js';
import * as stridedSlice from './ops/strided-slice.js';

/** Exports of ops/*.ts that are helpers for Tapeflow's own packages, not ops: in ./internal only. */
const HELPERS = [
  'assertDataType',
  'assertLiveTensor',
  'convertPair',
  'convertToTensor',
  'poolGeometry',
  'convolutionKernel',
  'describeValue',
  'reducedShape',
  'releaseConverted',
  'variableInitialValue',
];

const OP_FILES = {
  activations,
  convert,
  creation,
  elementwise,
  matmul,
  reduction,
  shapeOps,
  scan,
  linalg,
  einsumOps,
  pooling,
  shapeMore,
  gatherNd,
  stridedSlice,
  elementwiseMath,
  convolution,
};

describe('the op files and the public entry', () => {
  it('exports every op from the main entry and every helper from ./internal only', () => {
    const misplaced: string[] = [];
    for (const [file, exports] of Object.entries(OP_FILES)) {
      for (const [name, value] of Object.entries(exports)) {
        if (typeof value !== 'function') continue;
        const isHelper = HELPERS.includes(name);
        if (isHelper === name in main)
          misplaced.push(`${file}.${name}: ${isHelper ? 'a helper on the main entry' : 'an op missing from index.ts'}`);
        if (!(name in internal)) misplaced.push(`${file}.${name}: missing from internal.ts`);
      }
    }
    expect(misplaced).toEqual([]);
  });
});
