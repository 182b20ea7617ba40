/**
 * @file The full Tapeflow backend conformance suite (@tapeflow/backend-conformance) on WebGPU through
 * Dawn and SwiftShader: every primitive kernel and the fused Softmax against float64 references,
 * large inputs, async reads, memory accounting, gradients through the tape, seeded random. The backend
 * is made by the factory exactly as an application registers it; the suite removes it at the end,
 * which destroys its device.
 */

import { describeBackend } from '@tapeflow/backend-conformance';
import { webgpuBackend } from './index.js';
import { testGpu } from './test-utils.js';

describeBackend('webgpu', async () => webgpuBackend({ gpu: await testGpu() }));
