// Speed figures the issue asks for, printed and never asserted (the machine is shared):
// time from subscribe() to the first rows with 1,000 rows, and change-to-callback latency
// while a writer produces 1,000 changes/s.
import { afterAll, beforeAll, it } from 'vitest';
import { createClient, type KalamClient } from '../../src/index.js';
import { startServer, waitFor, type TestServer } from '../support/server.js';

let server: TestServer;
let client: KalamClient;

beforeAll(async () => {
  server = await startServer(
    "CREATE NAMESPACE app; CREATE USER 'alice' WITH PASSWORD 'Secret123!';" +
      ' CREATE USER TABLE app.ticks (id BIGINT PRIMARY KEY, sent_ms DOUBLE, body TEXT)',
  );
  client = createClient({ url: server.url, auth: { type: 'login', user: 'alice', password: 'Secret123!' } });
});

afterAll(async () => {
  client.close();
  await server.dispose();
});

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

it('speed: subscribe to first rows (1,000 rows), change latency at 1,000 changes/s', async () => {
  const values = Array.from({ length: 1000 }, (_, i) => `(${i}, 0, 'row ${i} of the initial set')`).join(', ');
  await client.sql(`INSERT INTO app.ticks (id, sent_ms, body) VALUES ${values}`);

  // Warm the connection (login, WebSocket, authentication) so the figure is the subscription's.
  const warm = client.subscribe('SELECT id FROM app.ticks WHERE id < 0', { initialRows: false });
  await waitFor('warm-up', () => warm.status === 'ready');

  const firstRuns: number[] = [];
  const allRuns: number[] = [];
  for (let run = 0; run < 5; run++) {
    let first = 0;
    let all = 0;
    let count = 0;
    const start = performance.now();
    // Pages of 250 rows, so "first rows" and "all rows" differ by the paging round trips.
    const sub = client.subscribe('SELECT * FROM app.ticks', { batchSize: 250 }, {
      onRows: (rows, info) => {
        if (first === 0) first = performance.now() - start;
        count += rows.length;
        if (info.ready) all = performance.now() - start;
      },
    });
    await waitFor('1,000 rows', () => sub.status === 'ready');
    allRuns.push(all);
    firstRuns.push(first);
    if (count !== 1000) throw new Error(`expected 1000 rows, got ${count}`);
    sub.unsubscribe();
  }
  firstRuns.sort((a, b) => a - b);
  allRuns.sort((a, b) => a - b);

  const latencies: number[] = [];
  const live = client.subscribe('SELECT id, sent_ms FROM app.ticks WHERE id >= 100000', { initialRows: false }, {
    onChange: (c) => {
      const now = performance.timeOrigin + performance.now();
      for (const row of c.rows) latencies.push(now - Number(row['sent_ms']));
    },
  });
  await waitFor('live', () => live.status === 'ready');
  // 10 rows every 10 ms for 3 s: 1,000 changes/s in 300 requests.
  const seconds = 3;
  const perTick = 10;
  const ticks = seconds * 100;
  let id = 100000;
  const startAll = performance.now();
  const pending: Promise<unknown>[] = [];
  for (let t = 0; t < ticks; t++) {
    const due = startAll + t * 10;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const sent = performance.timeOrigin + performance.now();
    const rows = Array.from({ length: perTick }, () => `(${id++}, ${sent}, 'x')`).join(', ');
    pending.push(client.sql(`INSERT INTO app.ticks (id, sent_ms, body) VALUES ${rows}`));
  }
  await Promise.all(pending);
  const elapsed = (performance.now() - startAll) / 1000;
  await waitFor('every change delivered', () => latencies.length === ticks * perTick, 30_000);
  latencies.sort((a, b) => a - b);
  console.log(
    `[speed] subscribe() -> first rows, 1,000-row table: median ${percentile(firstRuns, 50).toFixed(1)} ms ` +
      `(all 1,000 rows in pages of 250: median ${percentile(allRuns, 50).toFixed(1)} ms) over ${firstRuns.length} runs\n` +
      `[speed] change -> callback at ${((ticks * perTick) / elapsed).toFixed(0)} changes/s ` +
      `(${ticks * perTick} changes): p50 ${percentile(latencies, 50).toFixed(2)} ms, ` +
      `p99 ${percentile(latencies, 99).toFixed(2)} ms, max ${latencies.at(-1)?.toFixed(2)} ms`,
  );
});
