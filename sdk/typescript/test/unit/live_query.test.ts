import { describe, expect, it } from 'vitest';
import { LiveQuery } from '../../src/live_query.js';
import type { ColumnSchema, Row } from '../../src/values.js';

const withPk: ColumnSchema[] = [
  { name: 'id', data_type: 'BigInt', index: 0, flags: ['pk', 'nn', 'uq'] },
  { name: 'v', data_type: 'Text', index: 1 },
  { name: '_seq', data_type: 'BigInt', index: 2, flags: ['nn'] },
];
const withoutPk: ColumnSchema[] = [
  { name: 'v', data_type: 'Text', index: 0 },
  { name: '_seq', data_type: 'BigInt', index: 1, flags: ['nn'] },
];

function query(schema: ColumnSchema[]): LiveQuery<Row> {
  const q = new LiveQuery<Row>();
  q.setSchema(schema);
  return q;
}

describe('LiveQuery', () => {
  it('applies insert, update and delete by primary key, keeping positions', () => {
    const q = query(withPk);
    q.applyRows([
      { id: '1', v: 'a', _seq: '10' },
      { id: '2', v: 'b', _seq: '11' },
    ]);
    q.applyChange({ type: 'insert', seq: '12', rows: [{ id: '3', v: 'c', _seq: '12' }], oldRows: [] });
    q.applyChange({
      type: 'update',
      seq: '13',
      rows: [{ id: '1', v: 'A', _seq: '13' }],
      oldRows: [{ id: '1', v: 'a', _seq: '10' }],
    });
    q.applyChange({ type: 'delete', seq: '14', rows: [], oldRows: [{ id: '2', v: 'b', _seq: '11' }] });
    expect(q.rows.map((r) => r['v'])).toEqual(['A', 'c']);
  });

  it('matches rows by _seq when no primary key is projected', () => {
    const q = query(withoutPk);
    q.applyRows([{ v: 'a', _seq: '10' }]);
    q.applyChange({ type: 'update', seq: '11', rows: [{ v: 'b', _seq: '11' }], oldRows: [{ v: 'a', _seq: '10' }] });
    expect(q.rows).toEqual([{ v: 'b', _seq: '11' }]);
    q.applyChange({ type: 'delete', seq: '12', rows: [], oldRows: [{ v: 'b', _seq: '11' }] });
    expect(q.rows).toEqual([]);
  });

  it('treats resumed rows as upserts and _deleted markers as removals', () => {
    const q = query(withPk);
    q.applyRows([
      { id: '1', v: 'a', _seq: '10' },
      { id: '2', v: 'b', _seq: '11' },
    ]);
    q.applyRows([
      { id: '1', v: 'a2', _seq: '20', _deleted: false },
      { id: '2', v: 'b', _seq: '21', _deleted: true },
      { id: '9', v: 'gone before we saw it', _seq: '22', _deleted: true },
      { id: '3', v: 'c', _seq: '23', _deleted: false },
    ]);
    expect(q.rows.map((r) => r['id'])).toEqual(['1', '3']);
    expect(q.rows[0]?.['v']).toBe('a2');
  });

  it('exposes a frozen array that changes identity only on change, and tells listeners', () => {
    const q = query(withPk);
    const events: string[] = [];
    const stop = q.subscribe((e) => events.push(`${e.type}:${e.rows.length}`));
    const before = q.state;
    expect(q.state).toBe(before);
    q.applyChange({ type: 'insert', seq: '1', rows: [{ id: '1', v: 'a', _seq: '1' }], oldRows: [] });
    expect(q.state).not.toBe(before);
    expect(Object.isFrozen(q.rows)).toBe(true);
    expect(() => (q.rows as Row[]).push({})).toThrow();
    q.setStatus('ready');
    stop();
    q.applyChange({ type: 'insert', seq: '2', rows: [{ id: '2', v: 'b', _seq: '2' }], oldRows: [] });
    expect(events).toEqual(['insert:1', 'status:1']);
  });

  it('orders rows with orderBy', () => {
    const q = new LiveQuery<Row>({ orderBy: (a, b) => String(a['v']).localeCompare(String(b['v'])) });
    q.setSchema(withPk);
    q.applyRows([
      { id: '1', v: 'b', _seq: '1' },
      { id: '2', v: 'a', _seq: '2' },
    ]);
    expect(q.rows.map((r) => r['v'])).toEqual(['a', 'b']);
  });
});
