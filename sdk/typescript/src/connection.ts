import type { AuthManager } from './auth.js';
import { KalamError, SdkErrorCode } from './errors.js';

/** Where the client's WebSocket stands. */
export type ConnectionState = 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'closed';

/** The part of the WebSocket API the client uses (browsers, Node 22, or an injected class). */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: { code: number; reason: string }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
}
export type WebSocketConstructor = new (url: string) => WebSocketLike;

export interface ReconnectOptions {
  /** First delay after a lost connection (ms). Default 250. */
  initialDelayMs?: number;
  /** Upper bound of the delay (ms). Default 10000. */
  maxDelayMs?: number;
  /** Growth per failed attempt. Default 2. */
  factor?: number;
}

/** A server message as parsed; fields depend on `type`. */
export interface ServerMessage {
  type: string;
  subscription_id?: string;
  [field: string]: unknown;
}

/** What the connection needs from a subscription. */
export interface ConnectionMember {
  readonly id: string;
  /** Sends the subscribe message (again, after a reconnect). */
  start(): void;
  handle(message: ServerMessage): void;
  /** The socket went away; the member waits for the next start(). */
  suspend(): void;
  /** The connection gave up for good (closed by the application or a fatal auth failure). */
  fail(error: KalamError): void;
}

// The server drops client messages above rate_limit.max_messages_per_sec (50 by default);
// staying below it means a burst of resubscriptions after a reconnect is delayed, not lost.
const MESSAGES_PER_SECOND = 40;
const OPEN = 1;

/**
 * One WebSocket shared by all of a client's subscriptions: authenticates with the first
 * message, reconnects with exponential backoff and jitter, and restarts every member once
 * authenticated again.
 */
export class Connection {
  private ws: WebSocketLike | null = null;
  private stateValue: ConnectionState = 'idle';
  private readonly members = new Map<string, ConnectionMember>();
  private readonly listeners = new Set<(state: ConnectionState) => void>();
  private authenticated = false;
  private attempt = 0;
  private reconnectTimer: ReturnType<typeof setTimeout> | null = null;
  private heartbeatTimer: ReturnType<typeof setInterval> | null = null;
  private lastHeard = 0;
  private renewedThisAttempt = false;
  private authenticatedAs: string | null = null;
  private outbox: string[] = [];
  private windowStart = 0;
  private sentInWindow = 0;
  private flushTimer: ReturnType<typeof setTimeout> | null = null;
  private connectTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly wsUrl: string,
    private readonly auth: AuthManager,
    private readonly WebSocketClass: WebSocketConstructor | undefined,
    private readonly reconnect: Required<ReconnectOptions>,
    private readonly heartbeatMs: number,
    private readonly connectTimeoutMs: number,
  ) {}

  get state(): ConnectionState {
    return this.stateValue;
  }

  /** The user the server accepted on this connection, until reset(). */
  get user(): string | null {
    return this.authenticatedAs;
  }

  onState(listener: (state: ConnectionState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  add(member: ConnectionMember): void {
    if (this.stateValue === 'closed') {
      member.fail(new KalamError(SdkErrorCode.CLOSED, 'Client is closed'));
      return;
    }
    this.members.set(member.id, member);
    if (this.authenticated) member.start();
    else if (this.ws === null && this.reconnectTimer === null) this.open();
  }

  /** Forgets a member; tells the server when connected. */
  remove(id: string): void {
    if (!this.members.delete(id)) return;
    if (this.authenticated) this.send({ type: 'unsubscribe', subscription_id: id });
  }

  send(message: object): void {
    if (!this.authenticated || this.ws === null) return;
    this.outbox.push(JSON.stringify(message));
    this.flush();
  }

  /** Ends the connection for good (client.close()). */
  close(reason: KalamError = new KalamError(SdkErrorCode.CLOSED, 'Client is closed')): void {
    if (this.stateValue === 'closed') return;
    this.setState('closed');
    this.teardown(reason);
    this.listeners.clear();
  }

  /**
   * Drops the socket and ends every subscription with `error`, leaving the connection idle:
   * the next subscription connects afresh (e.g. after another login). Subscriptions never
   * carry over to another user.
   */
  reset(error: KalamError): void {
    if (this.stateValue === 'closed') return;
    this.teardown(error);
    this.setState('idle');
  }

  private teardown(error: KalamError): void {
    this.stopTimers();
    if (this.ws) discard(this.ws);
    this.ws = null;
    this.authenticated = false;
    this.authenticatedAs = null;
    this.attempt = 0;
    this.renewedThisAttempt = false;
    this.outbox = [];
    const members = [...this.members.values()];
    this.members.clear();
    for (const m of members) m.fail(error);
  }

  private setState(state: ConnectionState): void {
    if (this.stateValue === state) return;
    this.stateValue = state;
    for (const listener of [...this.listeners]) listener(state);
  }

  private open(): void {
    const Ctor = this.WebSocketClass ?? (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
    if (!Ctor) {
      this.reset(new KalamError(SdkErrorCode.NO_WEBSOCKET, 'No WebSocket implementation: pass one as options.WebSocket'));
      return;
    }
    this.setState(this.attempt === 0 && this.stateValue === 'idle' ? 'connecting' : 'reconnecting');
    let ws: WebSocketLike;
    try {
      ws = new Ctor(this.wsUrl);
    } catch (e) {
      this.reset(new KalamError(SdkErrorCode.NETWORK, `Cannot open ${this.wsUrl}: ${String(e)}`));
      return;
    }
    this.ws = ws;
    ws.onopen = () => {
      this.lastHeard = Date.now();
      this.auth.wsAuthMessage().then(
        (message) => {
          if (this.ws !== ws) return;
          ws.send(JSON.stringify(message));
        },
        (error: unknown) => this.reset(toKalamError(error)),
      );
    };
    ws.onmessage = (ev) => {
      if (this.ws !== ws) return;
      this.lastHeard = Date.now();
      let message: ServerMessage;
      try {
        message = JSON.parse(String(ev.data)) as ServerMessage;
      } catch {
        return;
      }
      this.dispatch(message);
    };
    ws.onerror = () => {
      // Browsers follow an error with a close event; Node 20's WebSocket does not when the
      // connection fails before the handshake, so a socket that never opened is dropped here.
      if (this.ws === ws && ws.readyState !== OPEN) this.abandon(ws);
    };
    ws.onclose = () => {
      if (this.ws !== ws) return;
      this.lost();
    };
    // A handshake (or authentication) that never finishes, e.g. a peer that accepted and went
    // silent, would otherwise wait forever: neither an error nor a close arrives.
    this.connectTimer = setTimeout(() => {
      this.connectTimer = null;
      if (this.ws === ws && !this.authenticated) this.abandon(ws);
    }, this.connectTimeoutMs);
  }

  private abandon(ws: WebSocketLike): void {
    discard(ws);
    this.lost();
  }

  private dispatch(message: ServerMessage): void {
    switch (message.type) {
      case 'auth_success':
        this.authenticated = true;
        this.authenticatedAs = String(message['user']);
        this.attempt = 0;
        this.renewedThisAttempt = false;
        this.startHeartbeat();
        this.setState('connected');
        for (const m of [...this.members.values()]) m.start();
        return;
      case 'auth_error':
        this.onAuthError(String(message['message'] ?? 'Authentication failed'));
        return;
      case 'pong':
        return;
      default: {
        const member = message.subscription_id !== undefined ? this.members.get(message.subscription_id) : undefined;
        member?.handle(message);
      }
    }
  }

  private onAuthError(text: string): void {
    // A token may have expired or been replaced by a credential change: renew once, then
    // let the reconnect present the new one. A password that fails is final: retrying it
    // would only move the account toward lockout.
    if (this.auth.canRenew && !this.renewedThisAttempt) {
      this.renewedThisAttempt = true;
      this.auth.renew().catch((e: unknown) => this.reset(toKalamError(e)));
      return;
    }
    this.reset(new KalamError('AUTH_FAILED', text, 401));
  }

  private lost(): void {
    this.ws = null;
    this.authenticated = false;
    this.outbox = [];
    this.stopTimers();
    if (this.stateValue === 'closed') return;
    for (const m of this.members.values()) m.suspend();
    this.setState('reconnecting');
    const base = Math.min(
      this.reconnect.maxDelayMs,
      this.reconnect.initialDelayMs * this.reconnect.factor ** this.attempt,
    );
    this.attempt += 1;
    // Jitter spreads the reconnects of many clients after a server restart.
    const delay = base / 2 + Math.random() * (base / 2);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      if (this.stateValue !== 'closed') this.open();
    }, delay);
  }

  private flush(): void {
    const ws = this.ws;
    if (!ws || ws.readyState !== OPEN) return;
    const now = Date.now();
    if (now - this.windowStart >= 1000) {
      this.windowStart = now;
      this.sentInWindow = 0;
    }
    while (this.outbox.length > 0 && this.sentInWindow < MESSAGES_PER_SECOND) {
      ws.send(this.outbox.shift() as string);
      this.sentInWindow += 1;
    }
    if (this.outbox.length > 0 && this.flushTimer === null) {
      this.flushTimer = setTimeout(() => {
        this.flushTimer = null;
        this.flush();
      }, 1000 - (now - this.windowStart));
    }
  }

  // Server pings are invisible to the WebSocket API, so the client asks with JSON pings and
  // treats a silent server as gone: that also detects a connection lost without a close.
  private startHeartbeat(): void {
    if (this.heartbeatMs <= 0) return;
    this.heartbeatTimer = setInterval(() => {
      const ws = this.ws;
      if (!ws) return;
      if (Date.now() - this.lastHeard > 2 * this.heartbeatMs) {
        this.abandon(ws);
        return;
      }
      this.send({ type: 'ping' });
    }, this.heartbeatMs);
    (this.heartbeatTimer as { unref?: () => void }).unref?.();
  }

  private stopTimers(): void {
    if (this.reconnectTimer !== null) clearTimeout(this.reconnectTimer);
    if (this.heartbeatTimer !== null) clearInterval(this.heartbeatTimer);
    if (this.flushTimer !== null) clearTimeout(this.flushTimer);
    if (this.connectTimer !== null) clearTimeout(this.connectTimer);
    this.connectTimer = null;
    this.reconnectTimer = null;
    this.heartbeatTimer = null;
    this.flushTimer = null;
  }
}

/** Closes a socket whose events no longer matter. */
function discard(ws: WebSocketLike): void {
  ws.onopen = null;
  ws.onclose = null;
  ws.onerror = null;
  ws.onmessage = null;
  try {
    ws.close(1000);
  } catch {
    // Closing a socket that never opened may throw; it is gone either way.
  }
}

export function toKalamError(error: unknown): KalamError {
  if (error instanceof KalamError) return error;
  return new KalamError(SdkErrorCode.NETWORK, String(error));
}
