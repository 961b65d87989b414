import { describe, expect, it } from 'vitest';
import { localStorageTokenStorage, memoryStorage, type KeyValueStore, type Session } from '../../src/storage.js';

const session: Session = {
  user: { id: 'alice', role: 'user', email: null, created_at: 'x', updated_at: 'x' },
  accessToken: 'a',
  refreshToken: 'r',
  expiresAt: 1,
  refreshExpiresAt: 2,
};

function mapStore(): KeyValueStore & { data: Map<string, string> } {
  const data = new Map<string, string>();
  return {
    data,
    getItem: (k) => data.get(k) ?? null,
    setItem: (k, v) => void data.set(k, v),
    removeItem: (k) => void data.delete(k),
  };
}

describe('token storage', () => {
  it('memory storage keeps and clears a session', () => {
    const s = memoryStorage();
    expect(s.load()).toBeNull();
    s.save(session);
    expect(s.load()).toEqual(session);
    s.save(null);
    expect(s.load()).toBeNull();
  });

  it('localStorage storage survives a new store object over the same data, and drops garbage', () => {
    const backing = mapStore();
    localStorageTokenStorage('k', backing).save(session);
    expect(localStorageTokenStorage('k', backing).load()).toEqual(session);
    backing.data.set('k', '{not json');
    expect(localStorageTokenStorage('k', backing).load()).toBeNull();
    expect(backing.data.has('k')).toBe(false);
  });
});
