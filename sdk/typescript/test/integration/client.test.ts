// Every SDK call against the real server: auth (Basic, JWT, login, refresh, logout, automatic
// refresh), sql with typed rows and errors, subscriptions (paging, changes, unsubscribe,
// connection states) and LiveQuery.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, KalamError, type Change, type ConnectionState, type Row, type Session } from '../../src/index.js';
import { startServer, waitFor, type TestServer } from '../support/server.js';

let server: TestServer;

beforeAll(async () => {
  server = await startServer(
    "CREATE NAMESPACE app; CREATE USER 'alice' WITH PASSWORD 'Secret123!';" +
      ' CREATE SHARED TABLE app.items (id BIGINT PRIMARY KEY, title TEXT, price DECIMAL(10,2), qty INT) WITH (ACCESS_LEVEL = PUBLIC);' +
      ' CREATE USER TABLE app.notes (id BIGINT PRIMARY KEY, body TEXT)',
  );
});

afterAll(async () => {
  await server.dispose();
});

describe('auth', () => {
  it('Basic credentials', async () => {
    const client = createClient({ url: server.url, auth: { type: 'basic', user: 'alice', password: 'Secret123!' } });
    const { rows } = await client.sql('SELECT CURRENT_USER() AS u');
    expect(rows).toEqual([{ u: 'alice' }]);
    client.close();
  });

  it('login, me, refresh, logout', async () => {
    const sessions: (Session | null)[] = [];
    const client = createClient({ url: server.url });
    client.onSession((s) => sessions.push(s));
    const session = await client.login('alice', 'Secret123!');
    expect(session.user.id).toBe('alice');
    expect(session.expiresAt).toBeGreaterThan(Date.now());
    expect((await client.me()).user.id).toBe('alice');
    expect(await client.authorizationHeader()).toBe(`Bearer ${session.accessToken}`);
    const refreshed = await client.refresh();
    expect(refreshed.user.id).toBe('alice');
    expect(client.session?.accessToken).toBe(refreshed.accessToken);
    await client.logout();
    expect(client.session).toBeNull();
    expect(sessions.map((s) => s?.user.id ?? null)).toEqual(['alice', 'alice', null]);
    await expect(client.sql('SELECT 1')).rejects.toMatchObject({ code: 'NOT_AUTHENTICATED' });
    client.close();
  });

  it('a ready JWT', async () => {
    const login = createClient({ url: server.url });
    const { accessToken } = await login.login('alice', 'Secret123!');
    const client = createClient({ url: server.url, auth: { type: 'jwt', token: accessToken } });
    expect((await client.sql('SELECT CURRENT_USER() AS u')).rows[0]?.['u']).toBe('alice');
    login.close();
    client.close();
  });

  it('login auth logs in on first use and refreshes before expiry', async () => {
    const sessions: Session[] = [];
    // A margin longer than the token's life makes every request due for a refresh.
    const client = createClient({
      url: server.url,
      auth: { type: 'login', user: 'alice', password: 'Secret123!' },
      refreshMarginMs: 48 * 3600 * 1000,
    });
    client.onSession((s) => s && sessions.push(s));
    await client.sql('SELECT 1 AS one');
    await client.sql('SELECT 1 AS one');
    // login, then the scheduled refresh and/or the one before the second request
    await waitFor('a refresh after the login', () => sessions.length >= 2);
    client.close();
  });

  it('wrong password is a KalamError with the server code and status', async () => {
    const client = createClient({ url: server.url });
    const error = await client.login('alice', 'nope').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KalamError);
    expect(error).toMatchObject({ code: 'unauthorized', status: 401, message: 'Invalid credentials' });
    client.close();
  });
});

describe('sql', () => {
  const root = (): ReturnType<typeof createClient> =>
    createClient({ url: server.url, auth: { type: 'basic', user: 'root', password: 'kalamdb123' } });

  it('returns typed rows: BIGINT as string by default, bigint on request', async () => {
    const client = root();
    const insert = await client.sql('INSERT INTO app.items (id, title, price, qty) VALUES ($1, $2, $3, $4)', [
      9007199254740993n,
      'big',
      '12.50',
      3,
    ]);
    expect(insert.results[0]).toMatchObject({ rowCount: 1, message: 'Inserted 1 row(s)', asUser: 'root' });
    const asString = await client.sql('SELECT id, title, price, qty FROM app.items WHERE id = $1', ['9007199254740993']);
    expect(asString.rows).toEqual([{ id: '9007199254740993', title: 'big', price: '12.50', qty: 3 }]);
    const asBigint = await client.sql('SELECT id, qty FROM app.items WHERE id = $1', [9007199254740993n], { bigint: 'bigint' });
    expect(asBigint.rows[0]?.['id']).toBe(9007199254740993n);
    expect(asBigint.results[0]?.schema?.map((c) => c.data_type)).toEqual(['BigInt', 'Int']);
    await client.sql('DELETE FROM app.items');
    client.close();
  });

  it('one result per statement, rows of the last row statement', async () => {
    const client = root();
    const r = await client.sql('SELECT 1 AS a; SELECT 2 AS b', undefined);
    expect(r.results).toHaveLength(2);
    expect(r.rows).toEqual([{ b: 2 }]);
    client.close();
  });

  it('errors are KalamErrors with code, message and status', async () => {
    const client = root();
    const e = (await client.sql('SELEC 1').catch((x: unknown) => x)) as KalamError;
    expect(e).toBeInstanceOf(KalamError);
    expect(e.code).toBe('INVALID_SQL');
    expect(e.status).toBe(400);
    expect(e.message).toContain('Statement 1 failed');
    const alice = createClient({ url: server.url, auth: { type: 'basic', user: 'alice', password: 'Secret123!' } });
    const denied = (await alice.sql('SELECT * FROM system.users').catch((x: unknown) => x)) as KalamError;
    expect([denied.code, denied.status]).toEqual(['PERMISSION_DENIED', 403]);
    client.close();
    alice.close();
  });
});

describe('subscribe', () => {
  it('pages initial data, delivers changes in order, reports states, unsubscribes', async () => {
    const writer = createClient({ url: server.url, auth: { type: 'basic', user: 'alice', password: 'Secret123!' } });
    const values = Array.from({ length: 25 }, (_, i) => `(${i + 1}, 'n${i + 1}')`).join(', ');
    await writer.sql(`INSERT INTO app.notes (id, body) VALUES ${values}`);

    const client = createClient({ url: server.url, auth: { type: 'login', user: 'alice', password: 'Secret123!' } });
    const states: ConnectionState[] = [];
    client.onConnectionState((s) => states.push(s));
    const pages: number[] = [];
    const initial: Row[] = [];
    const changes: Change<Row>[] = [];
    const sub = client.subscribe('SELECT id, body FROM app.notes', { batchSize: 10 }, {
      onRows: (rows, info) => {
        pages.push(rows.length);
        initial.push(...rows);
        expect(info.resumed).toBe(false);
      },
      onChange: (c) => changes.push(c),
    });
    await waitFor('ready', () => sub.status === 'ready');
    expect(pages).toEqual([10, 10, 5]);
    expect(initial.map((r) => r['id'])).toEqual(Array.from({ length: 25 }, (_, i) => String(i + 1)));

    await writer.sql("INSERT INTO app.notes (id, body) VALUES (100, 'new')");
    await writer.sql("UPDATE app.notes SET body = 'changed' WHERE id = 100");
    await writer.sql('DELETE FROM app.notes WHERE id = 100');
    await waitFor('three changes', () => changes.length === 3);
    expect(changes.map((c) => c.type)).toEqual(['insert', 'update', 'delete']);
    expect(changes[1]?.rows[0]?.['body']).toBe('changed');
    expect(changes[1]?.oldRows[0]?.['body']).toBe('new');
    const seqs = changes.map((c) => BigInt(c.seq));
    expect([...seqs].sort((a, b) => (a < b ? -1 : 1))).toEqual(seqs);
    expect(sub.lastSeq).toBe(changes[2]?.seq);

    sub.unsubscribe();
    expect(sub.status).toBe('closed');
    await writer.sql("INSERT INTO app.notes (id, body) VALUES (101, 'unseen')");
    // A second subscription on the same connection sees the insert; the closed one must not.
    const probe: Change<Row>[] = [];
    const second = client.subscribe('SELECT id FROM app.notes WHERE id = 102', {}, { onChange: (c) => probe.push(c) });
    await waitFor('second ready', () => second.status === 'ready');
    await writer.sql("INSERT INTO app.notes (id, body) VALUES (102, 'x')");
    await waitFor('probe change', () => probe.length === 1);
    expect(changes).toHaveLength(3);

    expect(states).toEqual(['connecting', 'connected']);
    client.close();
    expect(client.connectionState).toBe('closed');
    expect(second.status).toBe('closed');
    await writer.sql('DELETE FROM app.notes');
    writer.close();
  });

  it('bigint mode converts live BIGINT columns', async () => {
    const client = createClient({ url: server.url, auth: { type: 'basic', user: 'alice', password: 'Secret123!' }, bigint: 'bigint' });
    const rows: Row[] = [];
    const sub = client.subscribe('SELECT id, body FROM app.notes', {}, { onChange: (c) => rows.push(...c.rows) });
    await waitFor('ready', () => sub.status === 'ready');
    await client.sql("INSERT INTO app.notes (id, body) VALUES (7, 'x')");
    await waitFor('insert', () => rows.length === 1);
    expect(rows[0]?.['id']).toBe(7n);
    expect(typeof rows[0]?.['_seq']).toBe('bigint');
    await client.sql('DELETE FROM app.notes');
    client.close();
  });

  it('subscription errors end the subscription with the server code', async () => {
    const client = createClient({ url: server.url, auth: { type: 'basic', user: 'alice', password: 'Secret123!' } });
    let error: KalamError | null = null;
    const sub = client.subscribe('SELECT * FROM app.nope', {}, { onError: (e) => (error = e) });
    await waitFor('failure', () => sub.status === 'failed');
    expect(error).toMatchObject({ code: 'NOT_FOUND' });
    client.close();
  });

  it('a wrong password on the WebSocket fails the subscriptions, without retrying', async () => {
    const client = createClient({ url: server.url, auth: { type: 'basic', user: 'alice', password: 'wrong' } });
    let error: KalamError | null = null;
    const sub = client.subscribe('SELECT * FROM app.notes', {}, { onError: (e) => (error = e) });
    await waitFor('failure', () => sub.status === 'failed');
    expect(error).toMatchObject({ code: 'AUTH_FAILED' });
    expect(client.connectionState).toBe('idle');
    client.close();
  });

  it("a logout ends the subscriptions; after a login as someone else they are that user's", async () => {
    await server.rootSql("CREATE USER IF NOT EXISTS 'bob' WITH PASSWORD 'Secret123!'");
    const alice = createClient({ url: server.url, auth: { type: 'basic', user: 'alice', password: 'Secret123!' } });
    await alice.sql("INSERT INTO app.notes (id, body) VALUES (500, 'alice only')");
    const client = createClient({ url: server.url });
    await client.login('alice', 'Secret123!');
    let ended: KalamError | null = null;
    const first = client.liveQuery('SELECT id, body FROM app.notes');
    first.subscribe(() => {
      if (first.error) ended = first.error;
    });
    await waitFor('alice sees her row', () => first.rows.length === 1);
    await client.logout();
    expect(first.status).toBe('failed');
    expect(ended).toMatchObject({ code: 'NOT_AUTHENTICATED' });
    expect(client.connectionState).toBe('idle');
    await client.login('bob', 'Secret123!');
    const second = client.liveQuery('SELECT id, body FROM app.notes');
    await waitFor('bob ready', () => second.status === 'ready');
    expect(second.rows).toEqual([]);
    await alice.sql('DELETE FROM app.notes');
    alice.close();
    client.close();
  });
});

describe('LiveQuery', () => {
  it('keeps the result set equal to the query', async () => {
    const client = createClient({ url: server.url, auth: { type: 'basic', user: 'alice', password: 'Secret123!' } });
    await client.sql("INSERT INTO app.notes (id, body) VALUES (1, 'a'), (2, 'b'), (3, 'c')");
    const query = client.liveQuery("SELECT id, body FROM app.notes WHERE body <> 'hidden'", { lastRows: 10 });
    await waitFor('ready', () => query.status === 'ready');
    expect(query.rows.map((r) => r['id'])).toEqual(['1', '2', '3']);
    await client.sql("UPDATE app.notes SET body = 'hidden' WHERE id = 2");
    await client.sql("UPDATE app.notes SET body = 'C' WHERE id = 3");
    await client.sql("INSERT INTO app.notes (id, body) VALUES (4, 'd')");
    await client.sql('DELETE FROM app.notes WHERE id = 1');
    const expected = async (): Promise<string> =>
      JSON.stringify((await client.sql("SELECT id, body FROM app.notes WHERE body <> 'hidden' ORDER BY id")).rows);
    const want = await expected();
    await waitFor('live rows equal the query', () =>
      JSON.stringify([...query.rows].map((r) => ({ id: r['id'], body: r['body'] })).sort((a, b) => Number(a.id) - Number(b.id))) === want,
    );
    query.close();
    expect(query.status).toBe('closed');
    await client.sql('DELETE FROM app.notes');
    client.close();
  });
});
