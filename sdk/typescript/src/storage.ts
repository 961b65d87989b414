// Where the client keeps its tokens between calls (and, with localStorage, between page
// loads). Synchronous on purpose: both built-in stores are, and a synchronous read lets the
// client decide whether it is logged in without a round trip through the event loop.

/** The user object the auth routes answer. */
export interface UserInfo {
  id: string;
  role: 'user' | 'service' | 'dba' | 'system';
  email: string | null;
  created_at: string;
  updated_at: string;
}

/** A logged-in session: the token pair and when each expires (ms since the epoch). */
export interface Session {
  user: UserInfo;
  accessToken: string;
  refreshToken: string;
  expiresAt: number;
  refreshExpiresAt: number;
}

export interface TokenStorage {
  load(): Session | null;
  save(session: Session | null): void;
}

/** Keeps the session in memory only (the default): it ends with the client. */
export function memoryStorage(): TokenStorage {
  let current: Session | null = null;
  return {
    load: () => current,
    save: (session) => {
      current = session;
    },
  };
}

/** Minimal shape of `window.localStorage`, so Node tests can pass their own. */
export interface KeyValueStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/**
 * Keeps the session in `localStorage` under `key`, so a reloaded page stays logged in.
 * Anything readable by the page's scripts can read the tokens: use it only where that is
 * acceptable (see docs/sdk.md).
 */
export function localStorageTokenStorage(
  key = 'kalamdb.session',
  store: KeyValueStore = globalThis.localStorage,
): TokenStorage {
  return {
    load: () => {
      const text = store.getItem(key);
      if (text === null) return null;
      try {
        return JSON.parse(text) as Session;
      } catch {
        store.removeItem(key);
        return null;
      }
    },
    save: (session) => {
      if (session === null) store.removeItem(key);
      else store.setItem(key, JSON.stringify(session));
    },
  };
}
