// React binding, a separate entry point (`@kalamdb/sdk/react`) so that the core stays free of
// React. The client comes from <KalamProvider>; hooks re-subscribe when their SQL changes.
import {
  createContext,
  createElement,
  useCallback,
  useContext,
  useEffect,
  useRef,
  useState,
  useSyncExternalStore,
  type ReactNode,
} from 'react';
import type { KalamClient, Param, SqlResult } from './client.js';
import type { KalamError } from './errors.js';
import type { LiveQuery, LiveQueryOptions, LiveQueryState } from './live_query.js';
import type { SubscribeOptions } from './subscription.js';
import type { Row } from './values.js';

const ClientContext = createContext<KalamClient | null>(null);

export function KalamProvider(props: { client: KalamClient; children?: ReactNode }): ReactNode {
  return createElement(ClientContext.Provider, { value: props.client }, props.children);
}

export function useKalamClient(): KalamClient {
  const client = useContext(ClientContext);
  if (client === null) throw new Error('useKalamClient: no <KalamProvider> above this component');
  return client;
}

const IDLE: LiveQueryState<never> = Object.freeze({ rows: Object.freeze([]), status: 'pending', error: null });
const noop = (): void => {};

/**
 * The live result of `sql` (null = no subscription yet, e.g. before login). Options are
 * compared by value; `orderBy` should be a stable function (module level or useCallback).
 */
export function useLiveQuery<T extends Row = Row>(
  sql: string | null,
  options: SubscribeOptions & LiveQueryOptions<T> = {},
): LiveQueryState<T> {
  const client = useKalamClient();
  const [query, setQuery] = useState<LiveQuery<T> | null>(null);
  const { orderBy, ...plain } = options;
  const key = JSON.stringify(plain, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
  useEffect(() => {
    if (sql === null) {
      setQuery(null);
      return undefined;
    }
    const q = client.liveQuery<T>(sql, { ...(JSON.parse(key) as SubscribeOptions), orderBy });
    setQuery(q);
    return () => q.close();
  }, [client, sql, key, orderBy]);
  const subscribe = useCallback((onChange: () => void) => (query ? query.subscribe(onChange) : noop), [query]);
  const getState = useCallback(() => (query ? query.state : (IDLE as LiveQueryState<T>)), [query]);
  return useSyncExternalStore(subscribe, getState, getState);
}

export interface SqlState<T> {
  rows: T[];
  result: SqlResult<T> | null;
  error: KalamError | null;
  loading: boolean;
  /** Runs the query again. */
  refetch: () => void;
}

/** Runs `sql` once per change of `sql` or `params` (null = do not run). */
export function useSql<T = Row>(sql: string | null, params?: readonly Param[]): SqlState<T> {
  const client = useKalamClient();
  const [state, setState] = useState<Omit<SqlState<T>, 'refetch'>>({ rows: [], result: null, error: null, loading: sql !== null });
  const [generation, setGeneration] = useState(0);
  const key = JSON.stringify(params ?? [], (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
  const paramsRef = useRef(params);
  paramsRef.current = params;
  useEffect(() => {
    if (sql === null) return undefined;
    let live = true;
    setState((s) => ({ ...s, loading: true }));
    client.sql<T>(sql, paramsRef.current).then(
      (result) => live && setState({ rows: result.rows, result, error: null, loading: false }),
      (error: KalamError) => live && setState({ rows: [], result: null, error, loading: false }),
    );
    return () => {
      live = false;
    };
  }, [client, sql, key, generation]);
  const refetch = useCallback(() => setGeneration((g) => g + 1), []);
  return { ...state, refetch };
}
