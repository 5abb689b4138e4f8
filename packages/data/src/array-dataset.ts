/**
 * `ArrayDataset`: an in-memory dataset as named host columns that share their first dimension
 * (e.g. `image: uint8[60000,28,28]`, `label: int32[60000]`). Pipelines read rows out of it by index,
 * so shuffling never moves the data, only a permutation.
 */
import { ValueError } from '@tensile/core';
import { gatherRows, type HostColumns, type HostTensor } from './host-tensor.js';

/**
 * Named host columns with a common number of rows.
 *
 * @example
 * const ds = ArrayDataset.fromColumns({ x: hostTensor(xs, [n, 4]), y: hostTensor(ys, [n]) });
 * ds.length        // n
 * ds.rows([0, 5])  // { x: float32[2,4], y: int32[2] }
 */
export class ArrayDataset<C extends HostColumns = HostColumns> {
  private constructor(
    /** The columns, each with `length` rows. */
    readonly columns: C,
    /** The number of rows. */
    readonly length: number,
  ) {}

  /**
   * A dataset over `columns` (not copied); every column must have the same first dimension.
   *
   * @example
   * ArrayDataset.fromColumns({ image, label })
   */
  static fromColumns<C extends HostColumns>(columns: C): ArrayDataset<C> {
    const entries = Object.entries(columns) as Array<[string, HostTensor]>;
    if (entries.length === 0) throw new ValueError('ArrayDataset.fromColumns: no columns');
    let length: number | undefined;
    for (const [name, column] of entries) {
      if (column.shape.length === 0) {
        throw new ValueError(
          `ArrayDataset.fromColumns: column '${name}' is a scalar; it needs a row dimension`,
        );
      }
      const rows = column.shape[0] as number;
      if (length === undefined) length = rows;
      else if (rows !== length) {
        const [firstName] = entries[0] as [string, HostTensor];
        throw new ValueError(
          `ArrayDataset.fromColumns: column '${name}' has ${rows} rows but '${firstName}' has ${length}`,
        );
      }
    }
    return new ArrayDataset(columns, length as number);
  }

  /**
   * The rows `indices` of every column, copied into one host batch.
   *
   * @example
   * ds.rows([2, 0])  // { image: uint8[2,28,28], label: int32[2] }
   */
  rows(indices: ArrayLike<number>): C {
    const out: Record<string, HostTensor> = {};
    for (const [name, column] of Object.entries(this.columns))
      out[name] = gatherRows(column, indices);
    return out as unknown as C;
  }

  /**
   * A new dataset holding the rows `indices` (copied), in that order.
   *
   * @example
   * const firstThousand = ds.take(Array.from({ length: 1000 }, (_, i) => i));
   */
  take(indices: ArrayLike<number>): ArrayDataset<C> {
    return new ArrayDataset(this.rows(indices), indices.length);
  }

  /**
   * Rows `start` (inclusive) to `end` (exclusive), copied; negative or missing bounds as
   * `Array.prototype.slice`.
   *
   * @example
   * const head = ds.slice(0, 100);
   */
  slice(start = 0, end = this.length): ArrayDataset<C> {
    const clamp = (i: number) => Math.min(this.length, Math.max(0, i < 0 ? this.length + i : i));
    const from = clamp(start);
    const to = Math.max(from, clamp(end));
    return this.take(Array.from({ length: to - from }, (_, i) => from + i));
  }
}
