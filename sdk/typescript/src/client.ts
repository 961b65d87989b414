import { AuthManager, type AuthConfig } from './auth.js';
import { Connection, type ConnectionState, type ReconnectOptions, type WebSocketConstructor } from './connection.js';
import { KalamError, SdkErrorCode } from './errors.js';
import { requestJson, type FetchFn } from './http.js';
import { LiveQuery, type LiveQueryOptions } from './live_query.js';
import { memoryStorage, type Session, type TokenStorage, type UserInfo } from './storage.js';
import { Subscription, type SubscribeOptions, type SubscriptionHandlers } from './subscription.js';
import { decodeRowArray, type BigIntMode, type ColumnSchema, type Row } from './values.js';

export interface ClientOptions {
  /** Server base URL, e.g. `http://localhost:8080`. */
  url: string;
  auth?: AuthConfig;
  /** Where tokens are kept. Default: memory. */
  storage?: TokenStorage;
  /** BIGINT values as strings (default) or bigint. */
  bigint?: BigIntMode;
  /** Namespace for unqualified table names in `sql()` (server default `default`). */
  namespace?: string;
  /** Refresh this long before the access token expires (ms). Default 60000. */
  refreshMarginMs?: number;
  reconnect?: ReconnectOptions;
  /** JSON ping interval on the WebSocket; a server silent for twice this is reconnected (ms).
   *  Default 15000; 0 = off. */
  heartbeatMs?: number;
  /** Time allowed for the WebSocket handshake and authentication before retrying (ms).
   *  Default 10000. */
  connectTimeoutMs?: number;
  /** Injected implementations (default: the global ones). */
  fetch?: FetchFn;
  WebSocket?: WebSocketConstructor;
}

/** A parameter value: JSON scalars; a bigint is sent as its decimal string (BIGINT input). */
export type Param = string | number | boolean | null | bigint;

export interface StatementResult<T = Row> {
  /** Present for statements that return rows. */
  rows?: T[];
  schema?: ColumnSchema[];
  rowCount: number;
  message?: string;
  asUser: string;
  /** True when the server cut the result at `limits.max_result_rows`. */
  truncated: boolean;
}

export interface SqlResult<T = Row> {
  /** Rows of the last statement that returned rows (empty when none did). */
  rows: T[];
  /** One result per statement, in order. */
  results: StatementResult<T>[];
  /** Server time in ms. */
  took: number;
}

export interface SqlOptions {
  namespace?: string;
  bigint?: BigIntMode;
  signal?: AbortSignal;
}

interface WireResult {
  schema?: ColumnSchema[];
  rows?: unknown[][];
  row_count: number;
  message?: string;
  as_user: string;
  truncated?: boolean;
}

interface WireResponse {
  status: string;
  took: number;
  results: WireResult[];
}

/** Creates a client. Nothing connects until the first call. */
export function createClient(options: ClientOptions): KalamClient {
  return new KalamClient(options);
}

export class KalamClient {
  readonly url: string;
  private readonly fetchFn: FetchFn;
  private readonly auth: AuthManager;
  private readonly connection: Connection;
  private readonly bigint: BigIntMode;
  private nextId = 1;

  constructor(private readonly options: ClientOptions) {
    this.url = options.url.replace(/\/+$/, '');
    this.fetchFn = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.bigint = options.bigint ?? 'string';
    this.auth = new AuthManager(
      this.url,
      this.fetchFn,
      options.storage ?? memoryStorage(),
      options.auth,
      options.refreshMarginMs ?? 60_000,
    );
    const wsUrl = `${this.url.replace(/^http/, 'ws')}/v1/ws`;
    this.connection = new Connection(
      wsUrl,
      this.auth,
      options.WebSocket,
      { initialDelayMs: 250, maxDelayMs: 10_000, factor: 2, ...options.reconnect },
      options.heartbeatMs ?? 15_000,
      options.connectTimeoutMs ?? 10_000,
    );
    // A socket authenticated as one user must not serve another: after a logout, or a login
    // as someone else, subscriptions end and the next one connects with the new identity.
    this.auth.onSession((session) => {
      const user = this.connection.user;
      if (user !== null && user !== (session?.user.id ?? null)) {
        this.connection.reset(
          new KalamError(SdkErrorCode.NOT_AUTHENTICATED, session ? `Now logged in as ${session.user.id}` : 'Logged out'),
        );
      }
    });
  }

  /** The stored session (after login), or null. */
  get session(): Session | null {
    return this.auth.session;
  }

  login(user: string, password: string): Promise<Session> {
    return this.auth.login(user, password);
  }

  refresh(): Promise<Session> {
    return this.auth.refresh();
  }

  /** Forgets the tokens and ends the subscriptions made with them. */
  logout(): Promise<void> {
    return this.auth.logout();
  }

  me(): Promise<{ user: UserInfo; admin_ui_access: boolean }> {
    return this.auth.me();
  }

  /** The `Authorization` header value for a request of the application's own (e.g. to its
   *  backend, which can check it with `/v1/api/auth/me`); refreshes the token first if due. */
  authorizationHeader(): Promise<string> {
    return this.auth.authorizationHeader();
  }

  /** Called after each login and refresh with the new session, and with null on logout. */
  onSession(listener: (session: Session | null) => void): () => void {
    return this.auth.onSession(listener);
  }

  get connectionState(): ConnectionState {
    return this.connection.state;
  }

  onConnectionState(listener: (state: ConnectionState) => void): () => void {
    return this.connection.onState(listener);
  }

  /** Runs SQL (one or more statements); throws KalamError on any failure. */
  async sql<T = Row>(text: string, params?: readonly Param[], options: SqlOptions = {}): Promise<SqlResult<T>> {
    const body: Record<string, unknown> = { sql: text };
    if (params !== undefined) body['params'] = params.map((p) => (typeof p === 'bigint' ? p.toString() : p));
    const namespace = options.namespace ?? this.options.namespace;
    if (namespace !== undefined) body['namespace_id'] = namespace;
    const send = async (): Promise<WireResponse> =>
      requestJson<WireResponse>(this.fetchFn, `${this.url}/v1/api/sql`, {
        method: 'POST',
        headers: { Authorization: await this.auth.authorizationHeader() },
        body,
        signal: options.signal,
      });
    let response: WireResponse;
    try {
      response = await send();
    } catch (e) {
      // The clock of this machine may run ahead of the server's: an early expiry is renewed
      // once and the request sent again.
      if (!(e instanceof KalamError && e.code === 'TOKEN_EXPIRED' && this.auth.canRenew)) throw e;
      await this.auth.renew();
      response = await send();
    }
    const mode = options.bigint ?? this.bigint;
    const results = response.results.map((r): StatementResult<T> => {
      const result: StatementResult<T> = {
        rowCount: r.row_count,
        asUser: r.as_user,
        truncated: r.truncated === true,
      };
      if (r.message !== undefined) result.message = r.message;
      if (r.schema !== undefined) {
        const schema = r.schema;
        result.schema = schema;
        result.rows = (r.rows ?? []).map((values) => decodeRowArray(values, schema, mode) as T);
      }
      return result;
    });
    const last = [...results].reverse().find((r) => r.rows !== undefined);
    return { rows: last?.rows ?? [], results, took: response.took };
  }

  /**
   * Subscribes to a live query. Initial pages are fetched as they arrive; after a lost
   * connection the subscription resumes from its last checkpoint, so each change reaches
   * the handlers exactly once, in order.
   */
  subscribe<T = Row>(sql: string, options: SubscribeOptions = {}, handlers: SubscriptionHandlers<T> = {}): Subscription<T> {
    const sub = new Subscription<T>(
      `sub-${this.nextId++}`,
      sql,
      options,
      handlers,
      this.connection,
      options.bigint ?? this.bigint,
    );
    this.connection.add(sub);
    return sub;
  }

  /** Subscribes and keeps the current result set (see LiveQuery). */
  liveQuery<T extends Row = Row>(sql: string, options: SubscribeOptions & LiveQueryOptions<T> = {}): LiveQuery<T> {
    const query = new LiveQuery<T>(options);
    const sub = this.subscribe<T>(sql, options, {
      onSchema: (schema) => query.setSchema(schema),
      onRows: (rows) => query.applyRows(rows),
      onChange: (change) => query.applyChange(change),
      onStatus: (status) => query.setStatus(status),
      onError: (error) => query.setStatus('failed', error),
    });
    query.attach(sub);
    return query;
  }

  /** Closes the WebSocket and ends every subscription; the client cannot be used after. */
  close(): void {
    this.connection.close();
    this.auth.dispose();
  }
}
