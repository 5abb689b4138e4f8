/**
 * Typed access to the WebAssembly JavaScript API.
 *
 * The repo compiles without the DOM lib and Node 20's types do not declare the `WebAssembly`
 * global, so the few constructors and functions the CPU backend uses are typed here and read
 * from `globalThis` (undefined in an engine without WebAssembly).
 */

/**
 * A linear memory: `buffer` is a `SharedArrayBuffer` when created `shared`.
 *
 * @example
 * const memory: WasmMemory = new (requireWebAssembly().Memory)({ initial: 1 });
 */
export interface WasmMemory {
  readonly buffer: ArrayBufferLike;
  /** Grow by `pages` 64 KiB pages (throws `RangeError` past the maximum); returns the old size. */
  grow(pages: number): number;
}

/**
 * A compiled module (opaque).
 *
 * @example
 * const module: WasmModule = new (requireWebAssembly().Module)(bytes);
 */
export interface WasmModule {
  readonly __brand?: 'WebAssembly.Module';
}

/**
 * An instance: its exported functions by name.
 *
 * @example
 * const { run } = new (requireWebAssembly().Instance)(module, { env: { memory } }).exports;
 */
export interface WasmInstance {
  readonly exports: Record<string, unknown>;
}

/**
 * The subset of the `WebAssembly` namespace the backend uses.
 *
 * @example
 * const api: WasmApi = requireWebAssembly();
 */
export interface WasmApi {
  Memory: new (descriptor: { initial: number; maximum?: number; shared?: boolean }) => WasmMemory;
  Module: new (bytes: Uint8Array<ArrayBuffer>) => WasmModule;
  Instance: new (
    module: WasmModule,
    imports: Record<string, Record<string, unknown>>,
  ) => WasmInstance;
  validate(bytes: Uint8Array<ArrayBuffer>): boolean;
  compile(bytes: Uint8Array<ArrayBuffer>): Promise<WasmModule>;
}

/**
 * The engine's `WebAssembly` namespace, or `undefined` where there is none.
 *
 * @example
 * if (webAssembly() === undefined) console.log('no WebAssembly here');
 */
export function webAssembly(): WasmApi | undefined {
  return (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
}

/**
 * The engine's `WebAssembly` namespace; throws where there is none.
 *
 * @example
 * const memory = new (requireWebAssembly().Memory)({ initial: 1 });
 */
export function requireWebAssembly(): WasmApi {
  const api = webAssembly();
  if (api === undefined) throw new Error('cpu backend: this engine has no WebAssembly');
  return api;
}
