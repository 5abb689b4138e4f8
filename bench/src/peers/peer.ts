/**
 * The contract between the harness and each library's implementation: a peer sets itself up,
 * says what actually runs (backend, SIMD, threads), and builds each workload as a step function.
 */
import type { PeerId, WorkloadId } from './spec.js';

/** One built workload of one peer, ready to time. */
export interface PreparedWorkload {
  /** True when `first` includes compilation (jit), so its time says nothing about a step's. */
  readonly compiles: boolean;
  /**
   * Run one step and return the check value: the loss at the initial parameters for training
   * workloads, `checksum` of the output otherwise. Called once, first; it also compiles.
   */
  first(): Promise<number>;
  /** Run one step to completion (training steps keep their updated parameters and state). */
  step(): Promise<void> | void;
  /** Free everything the workload holds. */
  dispose(): void;
}

/** A library (with one backend) under test. */
export interface Peer {
  readonly id: PeerId;
  /** Initialise the library; returns what actually runs, e.g. "wasm SIMD, 1 thread". */
  setup(): Promise<string>;
  /** How this peer's version of a workload departs from the common definition, and why. */
  readonly deviations: Partial<Record<WorkloadId, string>>;
  /** Build `workload` on this peer. Throws if the library cannot express or run it. */
  prepare(workload: WorkloadId): Promise<PreparedWorkload>;
}
