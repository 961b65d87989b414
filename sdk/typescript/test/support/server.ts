// Runs the real kalamdb-server on a free loopback port with a temporary data directory, the
// way the C++ end-to-end tests do (tests/support/server_process.h). The binary comes from
// KALAMDB_SERVER_BIN (CTest passes the built target), else the default release build.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const ROOT_PASSWORD = 'kalamdb123';

export function serverBinary(): string {
  return process.env['KALAMDB_SERVER_BIN'] ?? resolve(here, '../../../../build/release/kalamdb-server');
}

export class TestServer {
  readonly dataDir: string;
  private child: ChildProcess | null = null;
  port = 0;
  output = '';

  constructor(dataDir?: string) {
    this.dataDir = dataDir ?? mkdtempSync(join(tmpdir(), 'kalam-sdk-'));
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Starts the server (again, on the same data directory) and waits for "listening on". */
  async start(port = 0): Promise<void> {
    const child = spawn(serverBinary(), ['--data-dir', this.dataDir, '--host', '127.0.0.1', '--port', String(port)], {
      env: {
        ...process.env,
        KALAMDB_ROOT_PASSWORD: ROOT_PASSWORD,
        KALAMDB_AUTH_BCRYPT_COST: '4',
        KALAMDB_LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    this.child = child;
    this.port = await new Promise<number>((resolvePort, reject) => {
      let buffered = '';
      const onData = (chunk: Buffer): void => {
        buffered += chunk.toString();
        this.output += chunk.toString();
        const match = /listening on http:\/\/[^\s]*:(\d+)/.exec(buffered);
        if (match) resolvePort(Number(match[1]));
      };
      child.stdout?.on('data', onData);
      child.once('exit', (code) => reject(new Error(`kalamdb-server exited with ${code} before listening:\n${this.output}`)));
      child.once('error', reject);
    });
    // Keep draining stdout so the server never blocks on a full pipe.
    child.stdout?.on('data', (chunk: Buffer) => {
      this.output = (this.output + chunk.toString()).slice(-20_000);
    });
  }

  /** SIGTERM and wait for the exit (the server closes WebSockets with 1001 first). */
  async stop(): Promise<void> {
    const child = this.child;
    this.child = null;
    if (!child || child.exitCode !== null) return;
    await new Promise<void>((done) => {
      child.once('exit', () => done());
      child.kill('SIGTERM');
    });
  }

  async dispose(): Promise<void> {
    await this.stop();
    rmSync(this.dataDir, { recursive: true, force: true });
  }

  /** Runs SQL as root over HTTP and answers the parsed body; throws on a non-200. */
  async rootSql(sql: string, params?: unknown[]): Promise<{ results: { rows?: unknown[][] }[] }> {
    const response = await fetch(`${this.url}/v1/api/sql`, {
      method: 'POST',
      headers: {
        Authorization: `Basic ${Buffer.from(`root:${ROOT_PASSWORD}`).toString('base64')}`,
        'Content-Type': 'application/json',
      },
      body: JSON.stringify(params ? { sql, params } : { sql }),
    });
    const body = (await response.json()) as { results: { rows?: unknown[][] }[] };
    if (!response.ok) throw new Error(`${sql}: HTTP ${response.status} ${JSON.stringify(body)}`);
    return body;
  }
}

/** Starts a server on a fresh data directory and runs `setupSql` on it as root. */
export async function startServer(setupSql: string): Promise<TestServer> {
  const server = new TestServer();
  await server.start();
  await server.rootSql(setupSql);
  return server;
}

/** Polls `check` until it returns true, failing after `timeoutMs` with `what`. */
export async function waitFor(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
