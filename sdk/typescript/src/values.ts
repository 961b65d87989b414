// Value decoding per the server's encoding: BIGINT (and _seq) travel as strings so that no
// 64-bit value loses precision in JSON; callers choose between keeping them as strings and
// converting them to `bigint`. Every other value is already in its final JSON form.

/** The `data_type` tag of a column: a name such as `"BigInt"`, or an object such as `{"Decimal":{...}}`. */
export type DataType = string | Record<string, unknown>;

export interface ColumnSchema {
  name: string;
  data_type: DataType;
  index: number;
  /** Subset of `pk`, `nn`, `uq`. */
  flags?: string[];
}

/** A decoded value: JSON scalars, byte arrays (BYTES), and `bigint` when asked for. */
export type Value = string | number | boolean | null | bigint | number[];
export type Row = Record<string, Value>;

/** How BIGINT values are returned: `"string"` (default, exact, JSON-safe) or `"bigint"`. */
export type BigIntMode = 'string' | 'bigint';

export function isBigIntColumn(column: ColumnSchema): boolean {
  return column.data_type === 'BigInt';
}

/** Names of the BIGINT columns of a schema (the ones `bigint` mode converts). */
export function bigIntColumns(schema: readonly ColumnSchema[]): string[] {
  return schema.filter(isBigIntColumn).map((c) => c.name);
}

/** The primary-key column of a schema, when projected. */
export function primaryKeyColumn(schema: readonly ColumnSchema[]): string | undefined {
  return schema.find((c) => c.flags?.includes('pk'))?.name;
}

function toBigInt(value: unknown): Value {
  return typeof value === 'string' || typeof value === 'number' ? BigInt(value) : (value as Value);
}

/** Converts one row array of an SQL result into an object keyed by column name. */
export function decodeRowArray(
  values: readonly unknown[],
  schema: readonly ColumnSchema[],
  mode: BigIntMode,
): Row {
  const row: Row = {};
  for (const column of schema) {
    const raw = values[column.index] as Value;
    row[column.name] = mode === 'bigint' && isBigIntColumn(column) ? toBigInt(raw) : raw;
  }
  return row;
}

/** Converts the BIGINT fields of a live row object (already keyed by name) in place of a copy. */
export function decodeRowObject(row: Row, bigInts: readonly string[], mode: BigIntMode): Row {
  if (mode === 'string' || bigInts.length === 0) return row;
  const out: Row = { ...row };
  for (const name of bigInts) {
    if (name in out) out[name] = toBigInt(out[name]);
  }
  return out;
}

/** Orders two `_seq` values given as decimal strings (or bigints) without losing precision. */
export function compareSeq(a: string | bigint, b: string | bigint): number {
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}
