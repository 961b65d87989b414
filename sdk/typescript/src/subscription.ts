import type { Connection, ConnectionMember, ServerMessage } from './connection.js';
import { KalamError, SdkErrorCode } from './errors.js';
import {
  bigIntColumns,
  compareSeq,
  decodeRowObject,
  type BigIntMode,
  type ColumnSchema,
  type Row,
} from './values.js';

export interface SubscribeOptions {
  /** Send the matching rows first (default true). False: changes only, from now on. */
  initialRows?: boolean;
  /** Start with the N matching rows with the highest `_seq`. */
  lastRows?: number;
  /** Start after this `_seq`: rows changed since, plus `_deleted` markers for rows that left. */
  from?: string | bigint;
  /** Rows per initial page (1..10000; server default 1000). */
  batchSize?: number;
  /** BIGINT values as strings (default) or bigint. Overrides the client's setting. */
  bigint?: BigIntMode;
}

/** Where a subscription stands. */
export type SubscriptionStatus = 'pending' | 'loading' | 'ready' | 'resuming' | 'failed' | 'closed';

export interface RowsInfo {
  /** True when the rows are what changed since a checkpoint (after a reconnect, or `from`):
   *  apply them as upserts, and rows with `_deleted: true` as removals. */
  resumed: boolean;
  batchNum: number;
  /** True for the last page; live changes follow. */
  ready: boolean;
}

export interface Change<T> {
  type: 'insert' | 'update' | 'delete';
  /** `_seq` of the write (decimal string whatever the BIGINT mode). */
  seq: string;
  /** New rows (insert, update). */
  rows: T[];
  /** Replaced rows (update, index-aligned with rows) or removed rows (delete). */
  oldRows: T[];
}

export interface SubscriptionHandlers<T = Row> {
  onRows?(rows: T[], info: RowsInfo): void;
  onChange?(change: Change<T>): void;
  /** Every status change, including `resuming` while the connection is away. */
  onStatus?(status: SubscriptionStatus): void;
  /** The subscription failed for good (it is then `failed`). */
  onError?(error: KalamError): void;
  /** The schema of the rows (projection plus `_seq`), on every (re)subscribe. */
  onSchema?(schema: ColumnSchema[]): void;
}

interface BatchControl {
  batch_num: number;
  has_more: boolean;
  status: 'loading' | 'loading_batch' | 'ready';
  last_seq_id: string | null;
}

/**
 * One live query on the shared connection. It keeps a checkpoint, the newest `_seq` whose
 * effect the application has received (the last page's `last_seq_id`, or the last change's
 * `seq`), and after a reconnect subscribes again with `from` = that checkpoint: the server
 * then sends exactly what changed since, and nothing at or before it is delivered twice.
 */
export class Subscription<T = Row> implements ConnectionMember {
  private statusValue: SubscriptionStatus = 'pending';
  private checkpoint: string | null;
  private resumed = false;
  private bigInts: string[] = [];
  private schemaValue: ColumnSchema[] = [];

  constructor(
    readonly id: string,
    readonly sql: string,
    private readonly options: SubscribeOptions,
    private readonly handlers: SubscriptionHandlers<T>,
    private readonly connection: Connection,
    private readonly bigintMode: BigIntMode,
  ) {
    this.checkpoint = options.from !== undefined ? String(options.from) : null;
  }

  get status(): SubscriptionStatus {
    return this.statusValue;
  }

  /** The `_seq` to resume from: every change up to it has been delivered. */
  get lastSeq(): string | null {
    return this.checkpoint;
  }

  get schema(): readonly ColumnSchema[] {
    return this.schemaValue;
  }

  unsubscribe(): void {
    if (this.statusValue === 'closed' || this.statusValue === 'failed') return;
    this.connection.remove(this.id);
    this.setStatus('closed');
  }

  start(): void {
    this.resumed = this.checkpoint !== null;
    const options: Record<string, unknown> = {};
    if (this.options.batchSize !== undefined) options['batch_size'] = this.options.batchSize;
    if (this.checkpoint !== null) options['from'] = this.checkpoint;
    else if (this.options.lastRows !== undefined) options['last_rows'] = this.options.lastRows;
    // The server sends initial rows only when options are present, even empty ones.
    const hasOptions =
      this.checkpoint !== null ||
      this.options.initialRows !== false ||
      this.options.lastRows !== undefined ||
      this.options.batchSize !== undefined;
    this.setStatus(this.resumed && this.statusValue !== 'pending' ? 'resuming' : 'loading');
    this.connection.send({
      type: 'subscribe',
      subscription: { id: this.id, sql: this.sql, ...(hasOptions ? { options } : {}) },
    });
  }

  suspend(): void {
    if (this.statusValue !== 'closed' && this.statusValue !== 'failed') this.setStatus('resuming');
  }

  fail(error: KalamError): void {
    if (this.statusValue === 'closed' || this.statusValue === 'failed') return;
    // client.close() ends subscriptions; that is not a failure.
    if (error.code === SdkErrorCode.CLOSED) {
      this.setStatus('closed');
      return;
    }
    // The error first, so that whoever sees the `failed` status can read it.
    this.statusValue = 'failed';
    this.handlers.onError?.(error);
    this.handlers.onStatus?.('failed');
  }

  handle(message: ServerMessage): void {
    if (this.statusValue === 'closed' || this.statusValue === 'failed') return;
    switch (message.type) {
      case 'subscription_ack':
        this.onAck(message);
        return;
      case 'initial_data_batch':
        this.onBatch(message);
        return;
      case 'change':
        this.onChange(message);
        return;
      case 'error':
        this.connection.remove(this.id);
        this.fail(new KalamError(String(message['code']), String(message['message'] ?? ''), 0));
        return;
      default:
        return;
    }
  }

  private onAck(message: ServerMessage): void {
    this.schemaValue = (message['schema'] as ColumnSchema[] | undefined) ?? [];
    this.bigInts = this.bigintMode === 'bigint' ? bigIntColumns(this.schemaValue) : [];
    this.handlers.onSchema?.(this.schemaValue);
    const control = message['batch_control'] as BatchControl;
    // Without options no rows follow: changes start right after S, which is the checkpoint.
    if (control.status === 'ready') {
      if (control.last_seq_id !== null) this.advance(control.last_seq_id);
      this.setStatus('ready');
    }
  }

  private onBatch(message: ServerMessage): void {
    const control = message['batch_control'] as BatchControl;
    const rows = this.decode(message['rows']);
    const ready = control.status === 'ready';
    this.handlers.onRows?.(rows, { resumed: this.resumed, batchNum: control.batch_num, ready });
    // Pages come in `_seq` order, so a page's last `_seq` is a valid resume point even in the
    // middle of the initial data.
    if (control.last_seq_id !== null) this.advance(control.last_seq_id);
    if (ready) {
      this.setStatus('ready');
    } else {
      this.connection.send({ type: 'next_batch', subscription_id: this.id, last_seq_id: control.last_seq_id });
    }
  }

  private onChange(message: ServerMessage): void {
    const seq = String(message['seq']);
    // A change at or before the checkpoint was already delivered (or is contained in the
    // rows that brought the checkpoint); never deliver it twice.
    if (this.checkpoint !== null && compareSeq(seq, this.checkpoint) <= 0) return;
    this.checkpoint = seq;
    this.handlers.onChange?.({
      type: message['change_type'] as Change<T>['type'],
      seq,
      rows: this.decode(message['rows']),
      oldRows: this.decode(message['old_values']),
    });
  }

  private advance(seq: string): void {
    if (this.checkpoint === null || compareSeq(seq, this.checkpoint) > 0) this.checkpoint = seq;
  }

  private decode(value: unknown): T[] {
    const rows = (value as Row[] | undefined) ?? [];
    if (this.bigInts.length === 0) return rows as T[];
    return rows.map((r) => decodeRowObject(r, this.bigInts, this.bigintMode) as T);
  }

  private setStatus(status: SubscriptionStatus): void {
    if (this.statusValue === status) return;
    this.statusValue = status;
    this.handlers.onStatus?.(status);
  }
}
