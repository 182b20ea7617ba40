/**
 * @file The bookkeeping behind the Engine's recorder list: which recording frame (one synchronous run
 * of a tape's `record(fn)`) listed each recorder, and how many frames are open. Apart from the Engine
 * because it runs once per `record`, never per op: the Engine keeps only the plain `recorders` array
 * that every op reads, and replaces it with what these methods return.
 *
 * Frames nest like the calls. A stack overflow can cut a frame's clean-up short (a `catch` overflows
 * too); the enclosing frame's end then drops what it left listed, so no later op is recorded into a
 * dead tape.
 *
 * Also here: telling the recorders about a customGradient op, which runs once per composite op
 * (the Engine's kernel path tells them itself, inline).
 */

import type { CustomOperationRecord, Recorder } from './recorder.js';
import { Variable } from './tensor.js';

/** Which frame listed each active recorder, and the frames open now. */
export class RecordingFrames {
  /** The recording frame that listed each active recorder (0: none, it outlives frames). */
  private readonly frameOf = new Map<Recorder, number>();
  /** Recording frames open now. */
  private open = 0;

  /**
   * `recorders` with `recorder` listed by `frame` (0 for one that outlives any frame). A listed
   * recorder is not listed twice: only its frame changes.
   */
  add(recorders: readonly Recorder[], recorder: Recorder, frame: number): Recorder[] {
    const listed = this.frameOf.has(recorder);
    this.frameOf.set(recorder, frame);
    return listed ? (recorders as Recorder[]) : [...recorders, recorder];
  }

  /** `recorders` without `recorder`. */
  remove(recorders: readonly Recorder[], recorder: Recorder): Recorder[] {
    this.frameOf.delete(recorder);
    return recorders.filter((r) => r !== recorder);
  }

  /** Whether `recorder` is listed. */
  has(recorder: Recorder): boolean {
    return this.frameOf.has(recorder);
  }

  /** Opens a frame; its number, for `end`. */
  begin(): number {
    return ++this.open;
  }

  /**
   * Ends frame `frame`: `recorders` without every recorder listed by it or by a frame nested in it
   * (a recorder that outlives its frame, an async `record`, is re-added with frame 0).
   */
  end(recorders: readonly Recorder[], frame: number): Recorder[] {
    this.open = frame - 1;
    const frames = this.frameOf;
    if (!recorders.some((r) => (frames.get(r) ?? 0) >= frame)) return recorders as Recorder[];
    return recorders.filter((r) => {
      if ((frames.get(r) ?? 0) < frame) return true;
      frames.delete(r);
      return false;
    });
  }
}

/** Tells every recorder in `recorders` about a composite op with a user gradient (customGradient). */
export function tellCustomOperation(recorders: readonly Recorder[], record: CustomOperationRecord): void {
  for (const input of record.inputs) {
    if (input instanceof Variable) for (let i = 0; i < recorders.length; i++) recorders[i]!.recordVariableRead(input);
  }
  for (let i = 0; i < recorders.length; i++) recorders[i]!.recordCustomOperation(record);
}
