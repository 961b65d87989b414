import { KalamError, SdkErrorCode } from './errors.js';
import { requestJson, type FetchFn } from './http.js';
import type { Session, TokenStorage, UserInfo } from './storage.js';

/**
 * How the client authenticates:
 * - `basic`: user and password on every request (the server caches the check);
 * - `jwt`: a ready access token, used as is (no refresh);
 * - `login`: logs in through `/v1/api/auth/login` on first use, then refreshes itself.
 * Without `auth`, the client uses a session found in its token storage, or one made later by
 * `client.login()`.
 */
export type AuthConfig =
  | { type: 'basic'; user: string; password: string }
  | { type: 'jwt'; token: string }
  | { type: 'login'; user: string; password: string };

/** The body of login and refresh. */
interface LoginBody {
  user: UserInfo;
  access_token: string;
  refresh_token: string;
  expires_at: string;
  refresh_expires_at: string;
}

/** What the WebSocket's first message carries. */
export type WsAuthMessage =
  | { type: 'authenticate'; method: 'basic'; user: string; password: string }
  | { type: 'authenticate'; method: 'jwt'; token: string };

// setTimeout's delay is a signed 32-bit number of ms; longer waits fire at once.
const MAX_TIMER_MS = 2_147_483_647;

function base64(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary);
}

function sessionFrom(body: LoginBody): Session {
  return {
    user: body.user,
    accessToken: body.access_token,
    refreshToken: body.refresh_token,
    expiresAt: Date.parse(body.expires_at),
    refreshExpiresAt: Date.parse(body.refresh_expires_at),
  };
}

/** Owns credentials and tokens: login, refresh before expiry, logout. */
export class AuthManager {
  private config: AuthConfig | undefined;
  private refreshing: Promise<Session> | null = null;
  private loggingIn: Promise<Session> | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private readonly listeners = new Set<(session: Session | null) => void>();

  constructor(
    private readonly baseUrl: string,
    private readonly fetchFn: FetchFn,
    private readonly storage: TokenStorage,
    config: AuthConfig | undefined,
    private readonly refreshMarginMs: number,
  ) {
    this.config = config;
    this.schedule(this.storage.load());
  }

  get session(): Session | null {
    return this.storage.load();
  }

  /** Called with the new session after login and refresh, and with null after logout. */
  onSession(listener: (session: Session | null) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async login(user: string, password: string): Promise<Session> {
    const body = await requestJson<LoginBody>(this.fetchFn, `${this.baseUrl}/v1/api/auth/login`, {
      method: 'POST',
      body: { user, password },
    });
    // Later automatic logins must not reuse a password the application replaced.
    if (this.config?.type === 'login') this.config = { type: 'login', user, password };
    return this.store(sessionFrom(body));
  }

  /** Trades the refresh token for a new pair; concurrent callers share one request. */
  refresh(): Promise<Session> {
    if (this.refreshing) return this.refreshing;
    const current = this.session;
    if (!current) {
      return Promise.reject(new KalamError(SdkErrorCode.NOT_AUTHENTICATED, 'No session to refresh'));
    }
    this.refreshing = requestJson<LoginBody>(this.fetchFn, `${this.baseUrl}/v1/api/auth/refresh`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${current.refreshToken}` },
    })
      .then((body) => this.store(sessionFrom(body)))
      .finally(() => {
        this.refreshing = null;
      });
    return this.refreshing;
  }

  async logout(): Promise<void> {
    this.cancelTimer();
    this.storage.save(null);
    if (this.config?.type === 'login') this.config = undefined;
    this.emit(null);
    // Tokens are stateless on the server; the call clears its cookies, which matters only
    // to browsers that also used them.
    await requestJson(this.fetchFn, `${this.baseUrl}/v1/api/auth/logout`, { method: 'POST' });
  }

  async me(): Promise<{ user: UserInfo; admin_ui_access: boolean }> {
    return requestJson(this.fetchFn, `${this.baseUrl}/v1/api/auth/me`, {
      method: 'GET',
      headers: { Authorization: await this.authorizationHeader() },
    });
  }

  /** The `Authorization` header for the next request, refreshing or logging in first if due. */
  async authorizationHeader(): Promise<string> {
    if (this.config?.type === 'basic') return `Basic ${base64(`${this.config.user}:${this.config.password}`)}`;
    if (this.config?.type === 'jwt') return `Bearer ${this.config.token}`;
    return `Bearer ${(await this.freshSession()).accessToken}`;
  }

  /** The WebSocket's `authenticate` message, with a fresh token when tokens are used. */
  async wsAuthMessage(): Promise<WsAuthMessage> {
    if (this.config?.type === 'basic') {
      return { type: 'authenticate', method: 'basic', user: this.config.user, password: this.config.password };
    }
    if (this.config?.type === 'jwt') return { type: 'authenticate', method: 'jwt', token: this.config.token };
    return { type: 'authenticate', method: 'jwt', token: (await this.freshSession()).accessToken };
  }

  /** True when a rejected token may be replaced (a refresh token or a stored password exists). */
  get canRenew(): boolean {
    return this.config?.type === 'login' || (this.config?.type !== 'basic' && this.config?.type !== 'jwt' && this.session !== null);
  }

  /** After a 401 TOKEN_EXPIRED: get a new access token, by refresh or, failing that, login. */
  async renew(): Promise<void> {
    try {
      await this.refresh();
    } catch (e) {
      if (this.config?.type !== 'login') throw e;
      await this.login(this.config.user, this.config.password);
    }
  }

  dispose(): void {
    this.cancelTimer();
    this.listeners.clear();
  }

  private async freshSession(): Promise<Session> {
    const current = this.session;
    if (current && current.expiresAt - Date.now() > this.refreshMarginMs) return current;
    if (current && current.refreshExpiresAt > Date.now()) {
      try {
        return await this.refresh();
      } catch (e) {
        if (this.config?.type !== 'login') throw e;
      }
    }
    if (this.config?.type === 'login') {
      const { user, password } = this.config;
      this.loggingIn ??= this.login(user, password).finally(() => {
        this.loggingIn = null;
      });
      return this.loggingIn;
    }
    throw new KalamError(SdkErrorCode.NOT_AUTHENTICATED, 'Not logged in', 401);
  }

  private store(session: Session): Session {
    this.storage.save(session);
    this.schedule(session);
    this.emit(session);
    return session;
  }

  private emit(session: Session | null): void {
    for (const listener of this.listeners) listener(session);
  }

  private cancelTimer(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  // Refreshes ahead of expiry, so that a reconnecting WebSocket or a request after a quiet
  // period never presents an expired token.
  private schedule(session: Session | null): void {
    this.cancelTimer();
    if (!session || this.config?.type === 'basic' || this.config?.type === 'jwt') return;
    const delay = Math.max(0, session.expiresAt - this.refreshMarginMs - Date.now());
    this.timer = setTimeout(() => {
      this.timer = null;
      this.refresh().catch(() => {
        // The next request retries (and reports) the failure.
      });
    }, Math.min(delay, MAX_TIMER_MS));
    // In Node, a pending refresh must not keep the process alive.
    (this.timer as { unref?: () => void }).unref?.();
  }
}
