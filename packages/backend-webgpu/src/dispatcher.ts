/**
 * @file The Dispatcher: turns Programs into GPU work. It caches one compute pipeline per shader source,
 * records dispatches into one command encoder (a single open compute pass) and submits them together,
 * at a read, at `flush`, or every `flushEvery` dispatches, because a submit costs far more than a
 * dispatch. Uniforms of a batch go into one CPU-side arena, written to one uniform buffer with a single
 * `writeBuffer` right before the submit; the queue orders that write after the previous batch, so the
 * same uniform buffer serves every batch.
 *
 * Buffers freed while a batch is open are held until it is submitted (see BufferPool for why).
 */

import type { BufferPool } from './buffer-pool.js';
import type { Program } from './program.js';

/** GPUBufferUsage and GPUMapMode values: Node's `webgpu` package does not define these globals. */
export const BufferUsage = { MAP_READ: 0x1, COPY_SRC: 0x4, COPY_DST: 0x8, UNIFORM: 0x40, STORAGE: 0x80 } as const;
const MAP_MODE_READ = 0x1;
const SHADER_STAGE_COMPUTE = 0x4;

/** Usage of every tensor buffer: one usage means one pool shelf serves all tensors. */
export const TENSOR_USAGE = BufferUsage.STORAGE | BufferUsage.COPY_SRC | BufferUsage.COPY_DST;
const STAGING_USAGE = BufferUsage.MAP_READ | BufferUsage.COPY_DST;

/** Bytes of the uniform arena shared by the dispatches of one batch. */
const UNIFORM_ARENA_BYTES = 64 * 1024;

/** Records and submits GPU work for one device. */
export class Dispatcher {
  private readonly pipelines = new Map<string, GPUComputePipeline>();
  private readonly layouts = new Map<number, { group: GPUBindGroupLayout; pipeline: GPUPipelineLayout }>();
  private encoder: GPUCommandEncoder | null = null;
  private pass: GPUComputePassEncoder | null = null;
  private dispatchesInBatch = 0;
  private readonly uniformBuffer: GPUBuffer;
  private readonly uniformArena = new ArrayBuffer(UNIFORM_ARENA_BYTES);
  private uniformBytes = 0;
  private readonly uniformAlignment: number;
  private readonly heldUntilSubmit: GPUBuffer[] = [];
  /** Bound where a kernel's input is an empty tensor (WebGPU cannot bind a zero-size range). */
  readonly placeholder: GPUBuffer;

  constructor(
    private readonly device: GPUDevice,
    private readonly pool: BufferPool,
    private readonly flushEvery: number,
    private readonly maxWorkgroupsPerDimension: number,
  ) {
    this.uniformAlignment = Math.max(16, device.limits.minUniformBufferOffsetAlignment);
    this.uniformBuffer = device.createBuffer({
      size: UNIFORM_ARENA_BYTES,
      usage: BufferUsage.UNIFORM | BufferUsage.COPY_DST,
    });
    this.placeholder = device.createBuffer({ size: 16, usage: TENSOR_USAGE });
  }

  /** Pipelines compiled so far (one per distinct shader source). */
  get pipelineCount(): number {
    return this.pipelines.size;
  }

  /** Records one dispatch of `program`; submits when the batch is full. */
  run(program: Program): void {
    if (program.workgroups === 0) return;
    const uniformSize = 16 * Math.ceil((4 * (1 + program.uniforms.length)) / 16);
    if (this.uniformBytes + uniformSize > UNIFORM_ARENA_BYTES) this.submit();
    const offset = this.uniformBytes;
    this.writeUniforms(program, offset);
    this.uniformBytes = offset + Math.ceil(uniformSize / this.uniformAlignment) * this.uniformAlignment;

    const pipeline = this.pipeline(program.source, program.inputs.length);
    const entries: GPUBindGroupEntry[] = program.inputs.map((input, binding) => ({
      binding,
      resource: input.buffer === null ? { buffer: this.placeholder } : { buffer: input.buffer, size: input.byteLength },
    }));
    const output = program.output.buffer;
    if (output === null) throw new Error('webgpu: a kernel wrote to an empty tensor.');
    entries.push({ binding: entries.length, resource: { buffer: output, size: program.output.byteLength } });
    entries.push({ binding: entries.length, resource: { buffer: this.uniformBuffer, offset, size: uniformSize } });
    const bindGroup = this.device.createBindGroup({ layout: this.layout(program.inputs.length).group, entries });

    const pass = this.openPass();
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, bindGroup);
    const [x, y] = this.grid(program.workgroups);
    pass.dispatchWorkgroups(x, y);
    if (++this.dispatchesInBatch >= this.flushEvery) this.submit();
  }

  /**
   * Copies `bytes` of `source` into a fresh staging buffer, submits everything recorded, and resolves
   * with the bytes once the GPU has written them. `whenLost` rejects if the device goes first, so a
   * read never hangs on a dead device.
   */
  async readBuffer(source: GPUBuffer, bytes: number, whenLost: Promise<never>): Promise<ArrayBuffer> {
    const staging = this.pool.acquire(bytes, STAGING_USAGE);
    this.closePass();
    this.encoderOrNew().copyBufferToBuffer(source, 0, staging, 0, bytes);
    this.submit();
    const mapped = staging.mapAsync(MAP_MODE_READ, 0, bytes);
    // If the device is lost first, the map rejects later with nobody listening: keep that quiet.
    mapped.catch(() => undefined);
    await Promise.race([mapped, whenLost]);
    const copy = staging.getMappedRange(0, bytes).slice(0);
    staging.unmap();
    this.pool.release(staging);
    return copy;
  }

  /** Returns `buffer` to the pool once no recorded-but-unsubmitted command can still use it. */
  release(buffer: GPUBuffer): void {
    if (this.encoder === null) this.pool.release(buffer);
    else this.heldUntilSubmit.push(buffer);
  }

  /** Submits everything recorded so far (nothing when the batch is empty). */
  submit(): void {
    if (this.encoder === null) return;
    this.closePass();
    if (this.uniformBytes > 0)
      this.device.queue.writeBuffer(this.uniformBuffer, 0, this.uniformArena, 0, this.uniformBytes);
    this.device.queue.submit([this.encoder.finish()]);
    this.encoder = null;
    this.dispatchesInBatch = 0;
    this.uniformBytes = 0;
    for (const buffer of this.heldUntilSubmit.splice(0)) this.pool.release(buffer);
  }

  /** Drops recorded work and cached pipelines (the device is going away). */
  dispose(): void {
    this.pass = null;
    this.encoder = null;
    this.heldUntilSubmit.length = 0;
    this.pipelines.clear();
    this.layouts.clear();
    this.uniformBuffer.destroy();
    this.placeholder.destroy();
  }

  /** Splits a workgroup count into a grid whose dimensions respect the device's limit. */
  private grid(workgroups: number): [number, number] {
    const max = this.maxWorkgroupsPerDimension;
    if (workgroups <= max) return [workgroups, 1];
    const y = Math.ceil(workgroups / max);
    // Fewest wasted groups: spread evenly over y rows instead of filling rows of `max`.
    return [Math.ceil(workgroups / y), y];
  }

  private writeUniforms(program: Program, offset: number): void {
    const view = new DataView(this.uniformArena, offset);
    view.setUint32(0, program.size, true);
    program.uniforms.forEach(({ type, value }, i) => {
      const at = 4 * (i + 1);
      if (type === 'f32') view.setFloat32(at, value, true);
      else if (type === 'i32') view.setInt32(at, value, true);
      else view.setUint32(at, value, true);
    });
  }

  private pipeline(source: string, inputs: number): GPUComputePipeline {
    let pipeline = this.pipelines.get(source);
    if (pipeline === undefined) {
      const module = this.device.createShaderModule({ code: source });
      pipeline = this.device.createComputePipeline({
        layout: this.layout(inputs).pipeline,
        compute: { module, entryPoint: 'main' },
      });
      this.pipelines.set(source, pipeline);
    }
    return pipeline;
  }

  /** Explicit layouts (not 'auto'), so a binding a shader happens not to read is still accepted. */
  private layout(inputs: number): { group: GPUBindGroupLayout; pipeline: GPUPipelineLayout } {
    let layout = this.layouts.get(inputs);
    if (layout === undefined) {
      const entries: GPUBindGroupLayoutEntry[] = [];
      for (let i = 0; i < inputs; i++) {
        entries.push({ binding: i, visibility: SHADER_STAGE_COMPUTE, buffer: { type: 'read-only-storage' } });
      }
      entries.push({ binding: inputs, visibility: SHADER_STAGE_COMPUTE, buffer: { type: 'storage' } });
      entries.push({ binding: inputs + 1, visibility: SHADER_STAGE_COMPUTE, buffer: { type: 'uniform' } });
      const group = this.device.createBindGroupLayout({ entries });
      layout = { group, pipeline: this.device.createPipelineLayout({ bindGroupLayouts: [group] }) };
      this.layouts.set(inputs, layout);
    }
    return layout;
  }

  private encoderOrNew(): GPUCommandEncoder {
    return (this.encoder ??= this.device.createCommandEncoder());
  }

  private openPass(): GPUComputePassEncoder {
    return (this.pass ??= this.encoderOrNew().beginComputePass());
  }

  private closePass(): void {
    this.pass?.end();
    this.pass = null;
  }
}
