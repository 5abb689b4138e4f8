/**
 * What every kernel entry point needs: the submission queue to record into and the memory that
 * resolves `BufferId`s to device buffers.
 */
import type { GpuMemory } from '../memory.js';
import type { SubmissionQueue } from '../submission-queue.js';

/** The queue and memory of one backend instance. */
export interface KernelContext {
  readonly queue: SubmissionQueue;
  readonly memory: GpuMemory;
}
