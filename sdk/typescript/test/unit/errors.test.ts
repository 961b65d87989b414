import { describe, expect, it } from 'vitest';
import { KalamError } from '../../src/errors.js';
import { errorFromBody } from '../../src/http.js';

describe('errorFromBody', () => {
  it('reads the SQL endpoint shape', () => {
    const e = errorFromBody(400, {
      status: 'error',
      results: [],
      took: 0.4,
      error: { code: 'INVALID_SQL', message: 'Statement 1 failed: x', details: 'SELEC 1' },
    });
    expect(e).toBeInstanceOf(KalamError);
    expect([e.code, e.message, e.status, e.details]).toEqual(['INVALID_SQL', 'Statement 1 failed: x', 400, 'SELEC 1']);
  });

  it('reads the auth-route and protection shape', () => {
    const e = errorFromBody(401, { error: 'unauthorized', message: 'Invalid credentials' });
    expect([e.code, e.message, e.status]).toEqual(['unauthorized', 'Invalid credentials', 401]);
  });

  it('names an answer without a body', () => {
    expect(errorFromBody(502, undefined).code).toBe('BAD_RESPONSE');
  });
});
