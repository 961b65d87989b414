import { describe, expect, it } from 'vitest';
import { compareSeq, decodeRowArray, decodeRowObject, primaryKeyColumn, type ColumnSchema } from '../../src/values.js';

const schema: ColumnSchema[] = [
  { name: 'id', data_type: 'BigInt', index: 0, flags: ['pk', 'nn', 'uq'] },
  { name: 'price', data_type: { Decimal: { precision: 10, scale: 2 } }, index: 1 },
  { name: 'n', data_type: 'Int', index: 2 },
  { name: '_seq', data_type: 'BigInt', index: 3, flags: ['nn'] },
];

describe('values', () => {
  it('keeps BIGINT as strings by default', () => {
    const row = decodeRowArray(['9007199254740993', '1.50', 7, '274812739841982464'], schema, 'string');
    expect(row).toEqual({ id: '9007199254740993', price: '1.50', n: 7, _seq: '274812739841982464' });
  });

  it('converts BIGINT (and only BIGINT) to bigint on request, without losing precision', () => {
    const row = decodeRowArray(['9007199254740993', '1.50', 7, null], schema, 'bigint');
    expect(row['id']).toBe(9007199254740993n);
    expect(row['price']).toBe('1.50');
    expect(row['n']).toBe(7);
    expect(row['_seq']).toBeNull();
  });

  it('converts live row objects by column name', () => {
    const row = decodeRowObject({ id: '5', _seq: '6', title: 'x' }, ['id', '_seq'], 'bigint');
    expect(row).toEqual({ id: 5n, _seq: 6n, title: 'x' });
  });

  it('finds the primary key column', () => {
    expect(primaryKeyColumn(schema)).toBe('id');
    expect(primaryKeyColumn(schema.slice(1))).toBeUndefined();
  });

  it('compares _seq values beyond 2^53 exactly', () => {
    expect(compareSeq('274812739841982465', '274812739841982464')).toBe(1);
    expect(compareSeq('274812739841982464', 274812739841982464n)).toBe(0);
    expect(compareSeq('9', '10')).toBe(-1);
  });
});
