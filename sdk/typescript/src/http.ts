import { KalamError, SdkErrorCode } from './errors.js';

export type FetchFn = typeof fetch;

interface ErrorBody {
  // SQL endpoint: {"error":{"code","message","details"}}; auth routes and protection:
  // {"error":"<kind>","message":"..."}.
  error?: { code?: string; message?: string; details?: string } | string | null;
  message?: string;
}

/** Turns a non-2xx answer into a KalamError, whichever of the server's error shapes it has. */
export function errorFromBody(status: number, body: unknown): KalamError {
  const b = (body ?? {}) as ErrorBody;
  if (b.error && typeof b.error === 'object') {
    return new KalamError(
      b.error.code ?? 'UNKNOWN',
      b.error.message ?? `HTTP ${status}`,
      status,
      b.error.details,
    );
  }
  if (typeof b.error === 'string') {
    return new KalamError(b.error, b.message ?? b.error, status);
  }
  return new KalamError(SdkErrorCode.BAD_RESPONSE, `HTTP ${status}`, status);
}

/** POSTs or GETs JSON and answers the parsed body, throwing KalamError for any failure. */
export async function requestJson<T>(
  fetchFn: FetchFn,
  url: string,
  init: { method: 'GET' | 'POST'; headers?: Record<string, string>; body?: unknown; signal?: AbortSignal },
): Promise<T> {
  const headers: Record<string, string> = { ...init.headers };
  let body: string | undefined;
  if (init.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(init.body);
  }
  let response: Response;
  try {
    // Tokens travel in headers; the server's cookies are not needed (and would make
    // cross-origin calls depend on third-party cookie rules).
    response = await fetchFn(url, {
      method: init.method,
      headers,
      body,
      credentials: 'omit',
      signal: init.signal,
    });
  } catch (e) {
    throw new KalamError(SdkErrorCode.NETWORK, `Request to ${url} failed: ${String(e)}`);
  }
  const text = await response.text();
  let parsed: unknown = undefined;
  if (text.length > 0) {
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new KalamError(SdkErrorCode.BAD_RESPONSE, `Answer is not JSON (HTTP ${response.status})`, response.status);
    }
  }
  if (!response.ok) throw errorFromBody(response.status, parsed);
  return parsed as T;
}
