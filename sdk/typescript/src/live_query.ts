import type { KalamError } from './errors.js';
import type { Change, Subscription, SubscriptionStatus } from './subscription.js';
import { primaryKeyColumn, type ColumnSchema, type Row } from './values.js';

/** What a LiveQuery listener is told; `rows` is the new immutable result set. */
export interface LiveQueryEvent<T> {
  /** `rows`: a page of initial or resumed rows; `insert`/`update`/`delete`: a live change;
   *  `status`: the subscription's status changed (see `status`). */
  type: 'rows' | 'insert' | 'update' | 'delete' | 'status';
  rows: readonly T[];
  change?: Change<T>;
}

export interface LiveQueryState<T> {
  rows: readonly T[];
  status: SubscriptionStatus;
  error: KalamError | null;
}

export interface LiveQueryOptions<T> {
  /** Orders the exposed rows; without it rows keep arrival order (updates stay in place). */
  orderBy?: (a: T, b: T) => number;
}

/**
 * The current result set of a subscription, kept up to date: inserts add rows, updates
 * replace them, deletes (and leave events, and `_deleted` markers after a resume) remove them.
 * Rows are matched by the primary key when it is projected, otherwise by `_seq` (each
 * `old_values` row carries the `_seq` of the version it replaces). `state` is a new frozen
 * object after each change and the same object otherwise, as React's useSyncExternalStore
 * wants.
 */
export class LiveQuery<T extends Row = Row> {
  private readonly byKey = new Map<string, T>();
  private keyColumn = '_seq';
  private current: LiveQueryState<T> = Object.freeze({ rows: Object.freeze([]) as readonly T[], status: 'pending', error: null });
  private readonly listeners = new Set<(event: LiveQueryEvent<T>) => void>();
  private subscription: Subscription<T> | null = null;

  constructor(private readonly options: LiveQueryOptions<T> = {}) {}

  /** @internal Called by the client with the subscription that feeds this query. */
  attach(subscription: Subscription<T>): void {
    this.subscription = subscription;
  }

  get rows(): readonly T[] {
    return this.current.rows;
  }

  get status(): SubscriptionStatus {
    return this.current.status;
  }

  get error(): KalamError | null {
    return this.current.error;
  }

  /** Rows, status and error as one immutable value (stable between changes). */
  get state(): LiveQueryState<T> {
    return this.current;
  }

  /** The `_seq` a new subscription could resume from. */
  get lastSeq(): string | null {
    return this.subscription?.lastSeq ?? null;
  }

  /** Adds a listener; answers the function that removes it. */
  subscribe = (listener: (event: LiveQueryEvent<T>) => void): (() => void) => {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  };

  close(): void {
    this.subscription?.unsubscribe();
  }

  /** @internal */
  setSchema(schema: readonly ColumnSchema[]): void {
    this.keyColumn = primaryKeyColumn(schema) ?? '_seq';
  }

  /** @internal */
  applyRows(rows: readonly T[]): void {
    for (const row of rows) {
      if (row['_deleted'] === true) this.byKey.delete(this.key(row));
      else this.byKey.set(this.key(row), row);
    }
    this.publish({ type: 'rows' });
  }

  /** @internal */
  applyChange(change: Change<T>): void {
    if (change.type === 'delete') {
      for (const old of change.oldRows) this.byKey.delete(this.key(old));
    } else if (change.type === 'insert') {
      for (const row of change.rows) this.byKey.set(this.key(row), row);
    } else {
      change.rows.forEach((row, i) => {
        const old = change.oldRows[i];
        const oldKey = old !== undefined ? this.key(old) : undefined;
        const newKey = this.key(row);
        if (oldKey !== undefined && oldKey !== newKey) this.byKey.delete(oldKey);
        this.byKey.set(newKey, row);
      });
    }
    this.publish({ type: change.type, change });
  }

  /** @internal */
  setStatus(status: SubscriptionStatus, error: KalamError | null = this.current.error): void {
    if (status === this.current.status && error === this.current.error) return;
    this.current = Object.freeze({ rows: this.current.rows, status, error });
    this.emit({ type: 'status', rows: this.current.rows });
  }

  private key(row: T): string {
    return String(row[this.keyColumn]);
  }

  private publish(event: Omit<LiveQueryEvent<T>, 'rows'>): void {
    const rows = [...this.byKey.values()];
    if (this.options.orderBy) rows.sort(this.options.orderBy);
    this.current = Object.freeze({ rows: Object.freeze(rows), status: this.current.status, error: this.current.error });
    this.emit({ ...event, rows: this.current.rows });
  }

  private emit(event: LiveQueryEvent<T>): void {
    for (const listener of [...this.listeners]) listener(event);
  }
}
