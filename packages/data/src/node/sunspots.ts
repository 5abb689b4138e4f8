/**
 * Yearly mean sunspot numbers, 1700–2008 (309 values; NOAA/NGDC via statsmodels, public domain):
 * a small, real, strongly periodic (~11-year cycle) series for forecasting demos. The CSV is
 * committed at `fixtures/timeseries/sunspots-yearly.csv` with its source and licence beside it.
 */
import { Effect } from 'effect';
import type { DataError } from '../data-error.js';
import { DataFormatError } from '../errors.js';
import { attempt, runPlain } from '../internal/effect.js';
import { numericColumns } from '../readers/csv.js';
import { fixturesPath } from './fixtures.js';
import { readCsvEffect } from './readers.js';

/** A yearly series. */
export interface Sunspots {
  /** The years, ascending (1700, 1701, …). */
  readonly years: Int32Array;
  /** The yearly mean sunspot number of each year. */
  readonly values: Float32Array;
  /** The file read. */
  readonly file: string;
}

/**
 * `sunspots` as an Effect.
 *
 * @example
 * const { years, values } = yield* sunspotsEffect();
 */
export function sunspotsEffect(
  options: { file?: string } = {},
): Effect.Effect<Sunspots, DataError> {
  const file = options.file ?? fixturesPath('timeseries', 'sunspots-yearly.csv');
  return readCsvEffect(file).pipe(
    Effect.flatMap((table) =>
      attempt(() => {
        const { YEAR: year, SUNACTIVITY: activity } = numericColumns(
          table,
          ['YEAR', 'SUNACTIVITY'],
          { op: 'sunspots' },
        );
        const years = Int32Array.from((year as { data: Float32Array }).data);
        years.forEach((y, i) => {
          if (i > 0 && y !== (years[i - 1] as number) + 1) {
            throw new DataFormatError(
              `sunspots: ${file}: line ${table.lines[i]}: year ${y} does not follow ${years[i - 1]}`,
              file,
            );
          }
        });
        return { years, values: (activity as { data: Float32Array }).data, file };
      }),
    ),
  );
}

/**
 * The yearly sunspot series (1700–2008).
 *
 * @example
 * const { values } = await sunspots();
 * const windows = slidingWindows(values, { length: 20 });  // x [N,20,1], y [N,1]
 */
export function sunspots(options: { file?: string } = {}): Promise<Sunspots> {
  return runPlain(sunspotsEffect(options));
}
