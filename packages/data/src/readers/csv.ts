/**
 * CSV as RFC 4180 writes it: a header row, fields separated by a delimiter, fields in double quotes
 * may hold delimiters, newlines and doubled quotes (`""`), lines end in LF or CRLF. The parser is
 * incremental (`CsvParser.push(chunk)`), so a file can be streamed; `parseCsv` parses a whole text
 * and `numericColumns` turns columns into `float32` host tensors, naming the line of any bad value.
 */
import { ValueError } from '@tensile/core';
import { DataFormatError } from '../errors.js';
import type { HostTensor } from '../host-tensor.js';

/** Options of `CsvParser` and `parseCsv`. */
export interface CsvOptions {
  /** Field separator, one character (default `,`). */
  readonly delimiter?: string;
  /** The file name for error messages (default `<text>`). */
  readonly source?: string;
  /** The public function doing the reading, for error messages (default `parseCsv`). */
  readonly op?: string;
}

/** One parsed record and the line it starts on (1-based). */
export interface CsvRecord {
  readonly fields: string[];
  readonly line: number;
}

/**
 * An incremental CSV tokenizer: feed text in any chunks, get complete records back.
 *
 * @example
 * const parser = new CsvParser();
 * parser.push('a,"b\n');   // []
 * parser.push('c"\n1,2');  // [{ fields: ['a', 'b\nc'], line: 1 }]
 * parser.end();            // [{ fields: ['1', '2'], line: 3 }]
 */
export class CsvParser {
  private readonly delimiter: string;
  private readonly source: string;
  private readonly where: string;
  private fields: string[] = [];
  private field = '';
  private state: 'start' | 'unquoted' | 'quoted' | 'quoteInQuoted' = 'start';
  private quotedRecord = false;
  private line = 1;
  private recordLine = 1;
  private afterCR = false;
  private first = true;

  constructor(options: CsvOptions = {}) {
    this.delimiter = options.delimiter ?? ',';
    if (
      this.delimiter.length !== 1 ||
      this.delimiter === '"' ||
      this.delimiter === '\n' ||
      this.delimiter === '\r'
    ) {
      throw new ValueError(
        `CsvParser: delimiter must be one character other than a quote or newline, got ${JSON.stringify(this.delimiter)}`,
      );
    }
    this.where = `${options.op ?? 'parseCsv'}: ${options.source ?? '<text>'}`;
    this.source = options.source ?? '<text>';
  }

  /** Parse `chunk`; returns the records it completed. */
  push(chunk: string): CsvRecord[] {
    const out: CsvRecord[] = [];
    let text = chunk;
    if (this.first && text.length > 0) {
      this.first = false;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    for (const ch of text) {
      if (this.afterCR) {
        this.afterCR = false;
        if (ch === '\n') continue;
      }
      switch (this.state) {
        case 'quoted':
          if (ch === '"') this.state = 'quoteInQuoted';
          else {
            if (ch === '\n') this.line++;
            this.field += ch;
          }
          break;
        case 'quoteInQuoted':
          if (ch === '"') {
            this.field += '"';
            this.state = 'quoted';
          } else if (ch === this.delimiter) this.endField();
          else if (ch === '\n' || ch === '\r') this.endRecord(out, ch);
          else {
            throw new DataFormatError(
              `${this.where}: line ${this.line}: unexpected ${JSON.stringify(ch)} after a closing quote (a quote inside a quoted field is written "")`,
              this.source,
            );
          }
          break;
        default:
          if (ch === this.delimiter) this.endField();
          else if (ch === '\n' || ch === '\r') this.endRecord(out, ch);
          else if (ch === '"' && this.state === 'start') {
            this.state = 'quoted';
            this.quotedRecord = true;
          } else {
            this.field += ch;
            this.state = 'unquoted';
          }
      }
    }
    return out;
  }

  /** Finish: returns the last record if the text did not end with a newline. */
  end(): CsvRecord[] {
    if (this.state === 'quoted') {
      throw new DataFormatError(
        `${this.where}: line ${this.recordLine}: a quoted field is never closed (truncated file?)`,
        this.source,
      );
    }
    const out: CsvRecord[] = [];
    if (this.fields.length > 0 || this.field !== '' || this.quotedRecord) this.endRecord(out, '');
    return out;
  }

  private endField(): void {
    this.fields.push(this.field);
    this.field = '';
    this.state = 'start';
  }

  private endRecord(out: CsvRecord[], newline: string): void {
    const blank = this.fields.length === 0 && this.field === '' && !this.quotedRecord;
    this.endField();
    if (!blank) out.push({ fields: this.fields, line: this.recordLine });
    this.fields = [];
    this.quotedRecord = false;
    if (newline !== '') this.line++;
    if (newline === '\r') this.afterCR = true;
    this.recordLine = this.line;
  }
}

/** A parsed CSV file: the header and the data rows, with the line each row starts on. */
export interface CsvTable {
  readonly header: readonly string[];
  readonly rows: readonly (readonly string[])[];
  /** 1-based line of each row in the source, for error messages. */
  readonly lines: readonly number[];
  /** The file name the table came from, for error messages. */
  readonly source: string;
}

/**
 * Check records against the header and collect them into a table.
 *
 * @internal
 */
export function tableFromRecords(
  records: readonly CsvRecord[],
  options: CsvOptions = {},
): CsvTable {
  const source = options.source ?? '<text>';
  const where = `${options.op ?? 'parseCsv'}: ${source}`;
  const [head, ...body] = records;
  if (head === undefined) throw new DataFormatError(`${where}: empty file (no header row)`, source);
  const names = new Set<string>();
  for (const name of head.fields) {
    if (names.has(name))
      throw new DataFormatError(
        `${where}: line ${head.line}: column '${name}' appears twice in the header`,
        source,
      );
    names.add(name);
  }
  for (const record of body) {
    if (record.fields.length !== head.fields.length) {
      throw new DataFormatError(
        `${where}: line ${record.line}: ${record.fields.length} fields, but the header has ${head.fields.length}`,
        source,
      );
    }
  }
  return {
    header: head.fields,
    rows: body.map((r) => r.fields),
    lines: body.map((r) => r.line),
    source,
  };
}

/**
 * Parse a whole CSV text whose first record is the header. Every row must have as many fields as
 * the header; blank lines are skipped.
 *
 * @example
 * const table = parseCsv('year,value\n1700,5\n1701,11\n');
 * table.header  // ['year', 'value']
 * table.rows    // [['1700', '5'], ['1701', '11']]
 */
export function parseCsv(text: string, options: CsvOptions = {}): CsvTable {
  const parser = new CsvParser(options);
  const records = [...parser.push(text), ...parser.end()];
  return tableFromRecords(records, options);
}

/** Options of `numericColumns`. */
export interface NumericColumnsOptions {
  /** What an empty field becomes: an error (default) or `NaN`. */
  readonly missing?: 'error' | 'nan';
  /** The public function doing the reading, for error messages (default `numericColumns`). */
  readonly op?: string;
}

/**
 * Columns of a table as `float32` host tensors of shape `[rows]` (all columns when `names` is
 * omitted). A value that is not a number fails with the column, line and value.
 *
 * @example
 * const { year, value } = numericColumns(parseCsv(text), ['year', 'value']);
 */
export function numericColumns(
  table: CsvTable,
  names: readonly string[] = table.header,
  options: NumericColumnsOptions = {},
): Record<string, HostTensor> {
  const where = `${options.op ?? 'numericColumns'}: ${table.source}`;
  const out: Record<string, HostTensor> = {};
  for (const name of names) {
    const column = table.header.indexOf(name);
    if (column < 0) {
      throw new DataFormatError(
        `${where}: no column '${name}' (columns: ${table.header.join(', ')})`,
        table.source,
      );
    }
    const data = new Float32Array(table.rows.length);
    table.rows.forEach((row, i) => {
      const text = (row[column] as string).trim();
      const value =
        text === '' && options.missing === 'nan'
          ? Number.NaN
          : text === ''
            ? undefined
            : Number(text);
      if (value === undefined || (Number.isNaN(value) && text !== '' && !/^nan$/i.test(text))) {
        throw new DataFormatError(
          `${where}: line ${table.lines[i]}: column '${name}' holds ${JSON.stringify(row[column])}, which is not a number`,
          table.source,
        );
      }
      data[i] = value;
    });
    out[name] = { data, shape: [table.rows.length], dtype: 'float32' };
  }
  return out;
}
