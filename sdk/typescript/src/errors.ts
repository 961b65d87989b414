/** An error answered by the server, or raised by the SDK itself, with a stable code. */
export class KalamError extends Error {
  /** The server's `error.code` / `error` kind (e.g. `INVALID_SQL`, `unauthorized`), or an SDK code. */
  readonly code: string;
  /** HTTP status of the answer; 0 when no HTTP answer was involved (WebSocket, network). */
  readonly status: number;
  /** Failing statement text; only admins receive it. */
  readonly details: string | undefined;

  constructor(code: string, message: string, status = 0, details?: string) {
    super(message);
    this.name = 'KalamError';
    this.code = code;
    this.status = status;
    this.details = details;
  }
}

/** Codes the SDK raises itself (the server never sends these). */
export const SdkErrorCode = {
  NETWORK: 'NETWORK_ERROR',
  BAD_RESPONSE: 'BAD_RESPONSE',
  NOT_AUTHENTICATED: 'NOT_AUTHENTICATED',
  CLOSED: 'CLIENT_CLOSED',
  NO_WEBSOCKET: 'NO_WEBSOCKET',
} as const;
