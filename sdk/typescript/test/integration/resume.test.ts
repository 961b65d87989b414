// Resume across a server restart: the client is subscribed, the server is stopped and
// started again, changes are made while the client is certainly away (a TCP gate in front of
// the server refuses it), then the client is let back in. Every change must reach the
// application exactly once and in order, and the kept result set must equal the query.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createClient, type Change, type ConnectionState, type Row } from '../../src/index.js';
import { startServer, waitFor, type TestServer } from '../support/server.js';
import { TcpGate } from '../support/tcp_gate.js';

let server: TestServer;
let gate: TcpGate;

beforeAll(async () => {
  server = await startServer(
    "CREATE NAMESPACE app; CREATE USER 'alice' WITH PASSWORD 'Secret123!';" +
      ' CREATE USER TABLE app.events (id BIGINT PRIMARY KEY, body TEXT)',
  );
  gate = new TcpGate(server.port);
  await gate.listen();
});

afterAll(async () => {
  await gate.dispose();
  await server.dispose();
});

it('resumes after a server restart with no gap and no duplicate', async () => {
  const direct = (): ReturnType<typeof createClient> =>
    createClient({ url: server.url, auth: { type: 'basic', user: 'alice', password: 'Secret123!' } });
  let writer = direct();
  await writer.sql(`INSERT INTO app.events (id, body) VALUES ${Array.from({ length: 30 }, (_, i) => `(${i}, 'v0')`).join(', ')}`);

  const client = createClient({
    url: gate.url,
    auth: { type: 'login', user: 'alice', password: 'Secret123!' },
    reconnect: { initialDelayMs: 50, maxDelayMs: 200 },
    // The gate accepts and drops connections while closed: give up on a handshake quickly.
    connectTimeoutMs: 500,
  });
  const states: ConnectionState[] = [];
  client.onConnectionState((s) => states.push(s));
  // What the application saw, in order: one entry per row-level effect.
  const seen: string[] = [];
  const resumedRows: Row[] = [];
  const changeSeqs: bigint[] = [];
  const query = client.liveQuery('SELECT id, body FROM app.events', { batchSize: 7 });
  const sub = client.subscribe('SELECT id, body FROM app.events', { batchSize: 7 }, {
    onRows: (rows, info) => {
      if (info.resumed) resumedRows.push(...rows);
      for (const r of rows) seen.push(`${r['_deleted'] === true ? 'gone' : 'row'}:${String(r['id'])}:${String(r['body'])}`);
    },
    onChange: (c: Change<Row>) => {
      changeSeqs.push(BigInt(c.seq));
      for (const r of c.type === 'delete' ? c.oldRows : c.rows) seen.push(`${c.type}:${String(r['id'])}:${String(r['body'])}`);
    },
  });
  await waitFor('initial data', () => sub.status === 'ready' && query.status === 'ready');
  expect(seen).toHaveLength(30);

  // Live before the restart.
  await writer.sql("UPDATE app.events SET body = 'v1' WHERE id < 5");
  await writer.sql("INSERT INTO app.events (id, body) VALUES (100, 'v1')");
  await waitFor('changes before the restart', () => seen.length === 36);

  // Stop the server; keep the client out while the new one takes writes.
  gate.closeDoor();
  writer.close();
  await server.stop();
  await waitFor('client notices', () => sub.status === 'resuming');
  await server.start();
  writer = direct();
  await writer.sql("UPDATE app.events SET body = 'v2' WHERE id BETWEEN 3 AND 9");
  await writer.sql('DELETE FROM app.events WHERE id IN (20, 21, 100)');
  await writer.sql("INSERT INTO app.events (id, body) VALUES (200, 'v2'), (201, 'v2')");

  // Let it back in: it resumes from its checkpoint; then more live changes.
  gate.openDoor(server.port);
  await waitFor('resumed', () => sub.status === 'ready' && resumedRows.length > 0);
  await writer.sql("UPDATE app.events SET body = 'v3' WHERE id = 200");
  await writer.sql('DELETE FROM app.events WHERE id = 0');

  const expected = (await writer.sql('SELECT id, body FROM app.events ORDER BY id')).rows;
  const key = (rows: readonly Row[]): string =>
    JSON.stringify([...rows].map((r) => `${String(r['id'])}:${String(r['body'])}`).sort());
  await waitFor('live query equals the table', () => key(query.rows) === key(expected));

  // The missed changes arrived once, as resumed rows: 7 updated, 2 inserted, 3 removal markers.
  expect(resumedRows.filter((r) => r['_deleted'] !== true).map((r) => Number(r['id'])).sort((a, b) => a - b)).toEqual([
    3, 4, 5, 6, 7, 8, 9, 200, 201,
  ]);
  expect(resumedRows.filter((r) => r['_deleted'] === true).map((r) => Number(r['id'])).sort((a, b) => a - b)).toEqual([
    20, 21, 100,
  ]);
  // Changes after the resume; every change strictly after the one before, none repeated.
  await waitFor('changes after the resume', () => seen.includes('update:200:v3') && seen.includes('delete:0:v1'));
  for (let i = 1; i < changeSeqs.length; i++) expect(changeSeqs[i]! > changeSeqs[i - 1]!).toBe(true);
  expect(new Set(seen).size).toBe(seen.length);
  expect(states[0]).toBe('connecting');
  expect(states).toContain('reconnecting');
  expect(states.at(-1)).toBe('connected');
  client.close();
  writer.close();
});

it('a silent connection is replaced (heartbeat), and the subscription resumes', async () => {
  const writer = createClient({ url: server.url, auth: { type: 'basic', user: 'alice', password: 'Secret123!' } });
  const client = createClient({
    url: gate.url,
    auth: { type: 'basic', user: 'alice', password: 'Secret123!' },
    heartbeatMs: 200,
    reconnect: { initialDelayMs: 50, maxDelayMs: 200 },
  });
  const states: ConnectionState[] = [];
  client.onConnectionState((s) => states.push(s));
  const query = client.liveQuery('SELECT id, body FROM app.events WHERE id >= 1000');
  await waitFor('ready', () => query.status === 'ready');
  gate.freeze();
  // Written while the old socket is silent: it reaches the client through the resume.
  await writer.sql("INSERT INTO app.events (id, body) VALUES (1000, 'while frozen')");
  await waitFor('replaced and resumed', () => query.rows.some((r) => r['id'] === '1000') && query.status === 'ready');
  expect(states).toContain('reconnecting');
  await writer.sql("INSERT INTO app.events (id, body) VALUES (1001, 'after')");
  await waitFor('live again', () => query.rows.length === 2);
  client.close();
  writer.close();
});

it("sixty subscriptions at once stay under the server's message rate", async () => {
  const client = createClient({ url: gate.url, auth: { type: 'basic', user: 'alice', password: 'Secret123!' } });
  const errors: string[] = [];
  const subs = Array.from({ length: 60 }, (_, i) =>
    client.subscribe(`SELECT id FROM app.events WHERE id = ${i}`, {}, { onError: (e) => errors.push(e.code) }),
  );
  await waitFor('all ready', () => subs.every((s) => s.status === 'ready') || errors.length > 0);
  expect(errors).toEqual([]);
  client.close();
});
