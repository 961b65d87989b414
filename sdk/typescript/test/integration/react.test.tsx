// @vitest-environment happy-dom
// The React binding against the real server (renders are asynchronous; the test polls what
// the component saw): useLiveQuery follows the table, useSql runs and
// re-runs a query.
import { createRoot } from 'react-dom/client';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createClient, type KalamClient, type Row } from '../../src/index.js';
import { KalamProvider, useLiveQuery, useSql } from '../../src/react.js';
import { startServer, waitFor, type TestServer } from '../support/server.js';

let server: TestServer;
let client: KalamClient;

beforeAll(async () => {
  server = await startServer(
    "CREATE NAMESPACE app; CREATE USER 'alice' WITH PASSWORD 'Secret123!';" +
      ' CREATE USER TABLE app.todo (id BIGINT PRIMARY KEY, title TEXT)',
  );
  client = createClient({
    url: server.url,
    auth: { type: 'basic', user: 'alice', password: 'Secret123!' },
  });
});

afterAll(async () => {
  client.close();
  await server.dispose();
});

it('useLiveQuery and useSql', async () => {
  await client.sql("INSERT INTO app.todo (id, title) VALUES (1, 'one')");
  const seen: { live: string; status: string; count: string }[] = [];
  function Todo({ filter }: { filter: string }) {
    const live = useLiveQuery<Row>(`SELECT id, title FROM app.todo WHERE title <> '${filter}'`);
    const count = useSql<Row>('SELECT COUNT(*) AS n FROM app.todo WHERE title <> $1', [filter]);
    seen.push({
      live: live.rows.map((r) => r['title']).join(','),
      status: live.status,
      count: count.loading ? '…' : String(count.rows[0]?.['n']),
    });
    return null;
  }
  const root = createRoot(document.createElement('div'));
  root.render(<KalamProvider client={client}><Todo filter="x" /></KalamProvider>);
  await waitFor('initial rows', () => seen.at(-1)?.live === 'one' && seen.at(-1)?.count === '1');
  await client.sql("INSERT INTO app.todo (id, title) VALUES (2, 'two')");
  await waitFor('live insert', () => seen.at(-1)?.live === 'one,two');
  // New SQL: the hook re-subscribes; new params: useSql runs again.
  root.render(<KalamProvider client={client}><Todo filter="one" /></KalamProvider>);
  await waitFor('re-subscribed', () => seen.at(-1)?.live === 'two' && seen.at(-1)?.count === '1');
  expect(seen.at(-1)?.status).toBe('ready');
  root.unmount();
});
