import type { KalamClient } from '@kalamdb/sdk';

/** Calls a route of the chat service with the user's own token. */
export async function callService(client: KalamClient, path: string, body: unknown): Promise<void> {
  const response = await fetch(path, {
    method: 'POST',
    headers: { Authorization: await client.authorizationHeader(), 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(((await response.json()) as { error: string }).error);
}

/** A string literal for SQL text (subscriptions take no parameters). */
export function sqlString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}
