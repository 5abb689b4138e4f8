/**
 * A tiny WebAssembly bytecode emitter, so the CPU backend can generate its SIMD kernels at run
 * time from TypeScript with no toolchain.
 *
 * `ModuleBuilder` assembles a module that imports one linear memory (`env.memory`, shared or
 * not) and exports functions; `FunctionBuilder` appends instructions to one function body with
 * chainable methods named after the Wasm text format (`i32Add` is `i32.add`, `f32x4Mul` is
 * `f32x4.mul`). Only the instructions the kernels use are here; the encodings follow the core
 * and SIMD binary format (0xfd-prefixed SIMD opcodes as LEB128), plus `f32x4.relaxed_madd`
 * (0xfd 0x105) from relaxed SIMD, which callers emit only after checking the engine validates it.
 */

/**
 * A Wasm value type.
 *
 * @example
 * const params: ValType[] = ['i32', 'v128'];
 */
export type ValType = 'i32' | 'i64' | 'f32' | 'f64' | 'v128';

const VALTYPE_CODE: Record<ValType, number> = {
  i32: 0x7f,
  i64: 0x7e,
  f32: 0x7d,
  f64: 0x7c,
  v128: 0x7b,
};

/** Unsigned LEB128 bytes of a non-negative integer below 2^32. */
function uleb(value: number, out: number[]): void {
  let v = value >>> 0;
  do {
    const byte = v & 0x7f;
    v >>>= 7;
    out.push(v === 0 ? byte : byte | 0x80);
  } while (v !== 0);
}

/** Signed LEB128 bytes of a 32-bit integer. */
function sleb(value: number, out: number[]): void {
  let v = value | 0;
  for (;;) {
    const byte = v & 0x7f;
    v >>= 7;
    const done = (v === 0 && (byte & 0x40) === 0) || (v === -1 && (byte & 0x40) !== 0);
    out.push(done ? byte : byte | 0x80);
    if (done) return;
  }
}

/** `out.push(...bytes)` without spreading (bodies can exceed the engine's argument limit). */
function append(out: number[], bytes: ArrayLike<number>): void {
  for (let i = 0; i < bytes.length; i++) out.push(bytes[i]);
}

/** A length-prefixed vector of already-encoded items. */
function vector(items: readonly (readonly number[])[], out: number[]): void {
  uleb(items.length, out);
  for (const item of items) append(out, item);
}

function utf8(name: string): number[] {
  const bytes = [...new TextEncoder().encode(name)];
  const out: number[] = [];
  uleb(bytes.length, out);
  return [...out, ...bytes];
}

/**
 * One function body under construction. Locals are numbered after the parameters; every
 * instruction method appends its encoding and returns `this`, so code reads like the stack
 * machine it drives.
 *
 * @example
 * // (func (param i32 i32) (result i32) local.get 0 local.get 1 i32.add)
 * const f = new FunctionBuilder(['i32', 'i32'], ['i32']);
 * f.get(0).get(1).i32Add();
 */
export class FunctionBuilder {
  readonly params: readonly ValType[];
  readonly results: readonly ValType[];
  readonly #locals: ValType[] = [];
  readonly #code: number[] = [];

  constructor(params: readonly ValType[], results: readonly ValType[] = []) {
    this.params = params;
    this.results = results;
  }

  /** Declare a new local of `type`; returns its index. */
  local(type: ValType): number {
    this.#locals.push(type);
    return this.params.length + this.#locals.length - 1;
  }

  /** Declare `count` locals of `type`; returns their indices. */
  locals(type: ValType, count: number): number[] {
    return Array.from({ length: count }, () => this.local(type));
  }

  /** The encoded body: local declarations (run-length grouped), code and the final `end`. */
  encode(): number[] {
    const groups: number[][] = [];
    for (let i = 0; i < this.#locals.length; ) {
      let j = i;
      while (j < this.#locals.length && this.#locals[j] === this.#locals[i]) j++;
      const group: number[] = [];
      uleb(j - i, group);
      group.push(VALTYPE_CODE[this.#locals[i]]);
      groups.push(group);
      i = j;
    }
    const body: number[] = [];
    vector(groups, body);
    append(body, this.#code);
    body.push(0x0b);
    const out: number[] = [];
    uleb(body.length, out);
    append(out, body);
    return out;
  }

  #op(...bytes: number[]): this {
    this.#code.push(...bytes);
    return this;
  }

  #simd(opcode: number): this {
    this.#code.push(0xfd);
    uleb(opcode, this.#code);
    return this;
  }

  /** A memarg: alignment exponent and constant byte offset. */
  #memarg(alignLog2: number, offset: number): this {
    uleb(alignLog2, this.#code);
    uleb(offset, this.#code);
    return this;
  }

  // ---- control ----
  /** `block` with no result. */
  block(): this {
    return this.#op(0x02, 0x40);
  }
  /** `loop` with no result. */
  loop(): this {
    return this.#op(0x03, 0x40);
  }
  /** `if` with no result (pops an i32 condition). */
  if(): this {
    return this.#op(0x04, 0x40);
  }
  else(): this {
    return this.#op(0x05);
  }
  end(): this {
    return this.#op(0x0b);
  }
  /** Branch to the `depth`-th enclosing label (0 = innermost). */
  br(depth: number): this {
    this.#op(0x0c);
    uleb(depth, this.#code);
    return this;
  }
  brIf(depth: number): this {
    this.#op(0x0d);
    uleb(depth, this.#code);
    return this;
  }
  return(): this {
    return this.#op(0x0f);
  }
  /** Call function `index` of the module. */
  call(index: number): this {
    this.#op(0x10);
    uleb(index, this.#code);
    return this;
  }

  // ---- locals ----
  get(local: number): this {
    this.#op(0x20);
    uleb(local, this.#code);
    return this;
  }
  set(local: number): this {
    this.#op(0x21);
    uleb(local, this.#code);
    return this;
  }
  tee(local: number): this {
    this.#op(0x22);
    uleb(local, this.#code);
    return this;
  }

  // ---- scalar memory ----
  i32Load(offset = 0): this {
    return this.#op(0x28).#memarg(2, offset);
  }
  f32Load(offset = 0): this {
    return this.#op(0x2a).#memarg(2, offset);
  }
  i32Store(offset = 0): this {
    return this.#op(0x36).#memarg(2, offset);
  }
  f32Store(offset = 0): this {
    return this.#op(0x38).#memarg(2, offset);
  }

  // ---- scalar arithmetic ----
  i32Const(value: number): this {
    this.#op(0x41);
    sleb(value, this.#code);
    return this;
  }
  f32Const(value: number): this {
    const bytes = new Uint8Array(new Float32Array([value]).buffer);
    return this.#op(0x43, ...bytes);
  }
  i32Eqz(): this {
    return this.#op(0x45);
  }
  i32Eq(): this {
    return this.#op(0x46);
  }
  i32LtS(): this {
    return this.#op(0x48);
  }
  i32LtU(): this {
    return this.#op(0x49);
  }
  i32GtS(): this {
    return this.#op(0x4a);
  }
  i32GeS(): this {
    return this.#op(0x4e);
  }
  i32Add(): this {
    return this.#op(0x6a);
  }
  i32Sub(): this {
    return this.#op(0x6b);
  }
  i32Mul(): this {
    return this.#op(0x6c);
  }
  i32DivS(): this {
    return this.#op(0x6d);
  }
  i32And(): this {
    return this.#op(0x71);
  }
  i32Or(): this {
    return this.#op(0x72);
  }
  i32Shl(): this {
    return this.#op(0x74);
  }
  f32Add(): this {
    return this.#op(0x92);
  }
  f32Min(): this {
    return this.#op(0x96);
  }
  f32Max(): this {
    return this.#op(0x97);
  }

  // ---- SIMD memory ----
  /** `v128.load` (alignment hint 16 bytes; unaligned addresses still work). */
  v128Load(offset = 0): this {
    return this.#simd(0x00).#memarg(4, offset);
  }
  v128Load32Splat(offset = 0): this {
    return this.#simd(0x09).#memarg(2, offset);
  }
  v128Store(offset = 0): this {
    return this.#simd(0x0b).#memarg(4, offset);
  }
  /** `v128.store32_lane`: store one f32/i32 lane. */
  v128Store32Lane(lane: number, offset = 0): this {
    return this.#simd(0x5a).#memarg(2, offset).#op(lane);
  }
  /** `v128.const` of four f32 lanes. */
  f32x4Const(a: number, b = a, c = a, d = a): this {
    this.#simd(0x0c);
    this.#code.push(...new Uint8Array(new Float32Array([a, b, c, d]).buffer));
    return this;
  }
  /** `v128.const` of four i32 lanes. */
  i32x4Const(a: number, b = a, c = a, d = a): this {
    this.#simd(0x0c);
    this.#code.push(...new Uint8Array(new Int32Array([a, b, c, d]).buffer));
    return this;
  }

  // ---- SIMD lanes ----
  /** `i8x16.shuffle` of the two operands' 32 bytes, given as 16 byte indices. */
  i8x16Shuffle(lanes: readonly number[]): this {
    return this.#simd(0x0d).#op(...lanes);
  }
  f32x4ExtractLane(lane: number): this {
    return this.#simd(0x1f).#op(lane);
  }

  // ---- SIMD comparisons and bitwise ----
  f32x4Eq(): this {
    return this.#simd(0x41);
  }
  f32x4Ne(): this {
    return this.#simd(0x42);
  }
  f32x4Lt(): this {
    return this.#simd(0x43);
  }
  f32x4Ge(): this {
    return this.#simd(0x46);
  }
  v128And(): this {
    return this.#simd(0x4e);
  }
  v128Or(): this {
    return this.#simd(0x50);
  }
  /** `v128.bitselect`: (a, b, mask) → bits of a where mask is 1, else b. */
  v128Bitselect(): this {
    return this.#simd(0x52);
  }

  // ---- SIMD f32 arithmetic ----
  f32x4Ceil(): this {
    return this.#simd(0x67);
  }
  f32x4Floor(): this {
    return this.#simd(0x68);
  }
  f32x4Nearest(): this {
    return this.#simd(0x6a);
  }
  i32x4Shl(): this {
    return this.#simd(0xab);
  }
  i32x4ShrS(): this {
    return this.#simd(0xac);
  }
  i32x4Add(): this {
    return this.#simd(0xae);
  }
  i32x4Sub(): this {
    return this.#simd(0xb1);
  }
  f32x4Abs(): this {
    return this.#simd(0xe0);
  }
  f32x4Neg(): this {
    return this.#simd(0xe1);
  }
  f32x4Sqrt(): this {
    return this.#simd(0xe3);
  }
  f32x4Add(): this {
    return this.#simd(0xe4);
  }
  f32x4Sub(): this {
    return this.#simd(0xe5);
  }
  f32x4Mul(): this {
    return this.#simd(0xe6);
  }
  f32x4Div(): this {
    return this.#simd(0xe7);
  }
  /** `f32x4.min` (NaN-propagating, -0 < +0). */
  f32x4Min(): this {
    return this.#simd(0xe8);
  }
  /** `f32x4.max` (NaN-propagating, -0 < +0). */
  f32x4Max(): this {
    return this.#simd(0xe9);
  }
  /** `f32x4.pmin`: b < a ? b : a (one instruction; a NaN in `a` passes through). */
  f32x4Pmin(): this {
    return this.#simd(0xea);
  }
  /** `f32x4.pmax`: a < b ? b : a (one instruction; a NaN in `a` passes through). */
  f32x4Pmax(): this {
    return this.#simd(0xeb);
  }
  f32x4ConvertI32x4S(): this {
    return this.#simd(0xfa);
  }
  /** `f32x4.relaxed_madd` (a·b + c, fused or not): only where `relaxedSimd` validated. */
  f32x4RelaxedMadd(): this {
    return this.#simd(0x105);
  }
}

/** An exported function of a `ModuleBuilder`. */
interface FunctionEntry {
  readonly name: string;
  readonly fn: FunctionBuilder;
}

/**
 * A module importing one memory as `env.memory` and exporting functions by name.
 *
 * @example
 * const m = new ModuleBuilder({ shared: false });
 * const f = m.function('add', ['i32', 'i32'], ['i32']);
 * f.get(0).get(1).i32Add();
 * const { add } = new WebAssembly.Instance(new WebAssembly.Module(m.encode()), {
 *   env: { memory: new WebAssembly.Memory({ initial: 1 }) },
 * }).exports;
 */
export class ModuleBuilder {
  readonly #shared: boolean;
  readonly #functions: FunctionEntry[] = [];

  /** `shared`: import a shared memory (which needs a declared maximum: 65536 pages). */
  constructor(options: { shared: boolean }) {
    this.#shared = options.shared;
  }

  /** Add an exported function; its index (for `call`) is the number of functions before it. */
  function(name: string, params: readonly ValType[], results: readonly ValType[] = []) {
    const fn = new FunctionBuilder(params, results);
    this.#functions.push({ name, fn });
    return fn;
  }

  /** Index of the function exported as `name` (for `call`). */
  indexOf(name: string): number {
    const index = this.#functions.findIndex((f) => f.name === name);
    if (index < 0) throw new Error(`ModuleBuilder: no function named ${name}`);
    return index;
  }

  /** The module's bytes. */
  encode(): Uint8Array<ArrayBuffer> {
    const types: string[] = [];
    const typeBytes: number[][] = [];
    const typeOf = this.#functions.map(({ fn }) => {
      const sig: number[] = [0x60];
      vector(
        fn.params.map((t) => [VALTYPE_CODE[t]]),
        sig,
      );
      vector(
        fn.results.map((t) => [VALTYPE_CODE[t]]),
        sig,
      );
      const key = sig.join(',');
      let index = types.indexOf(key);
      if (index < 0) {
        index = types.length;
        types.push(key);
        typeBytes.push(sig);
      }
      return index;
    });
    const memoryLimits = this.#shared ? [0x03, 0x00, 0x80, 0x80, 0x04] : [0x00, 0x00];
    const importEntry = [...utf8('env'), ...utf8('memory'), 0x02, ...memoryLimits];
    const sections: [number, number[]][] = [
      [1, encodeVector(typeBytes)],
      [2, encodeVector([importEntry])],
      [3, encodeVector(typeOf.map((t) => leb(t)))],
      [7, encodeVector(this.#functions.map(({ name }, i) => [...utf8(name), 0x00, ...leb(i)]))],
      [10, encodeVector(this.#functions.map(({ fn }) => fn.encode()))],
    ];
    const bytes = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
    for (const [id, content] of sections) {
      bytes.push(id, ...leb(content.length));
      append(bytes, content);
    }
    return new Uint8Array(bytes);
  }
}

function leb(value: number): number[] {
  const out: number[] = [];
  uleb(value, out);
  return out;
}

function encodeVector(items: readonly (readonly number[])[]): number[] {
  const out: number[] = [];
  vector(items, out);
  return out;
}
