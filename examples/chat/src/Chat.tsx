import type { ConnectionState, Row } from '@kalamdb/sdk';
import { useKalamClient, useLiveQuery } from '@kalamdb/sdk/react';
import { useEffect, useState } from 'react';
import { Conversation } from './Conversation';

interface ConversationRow extends Row {
  id: string;
  title: string;
  members: string;
}

const byTitle = (a: ConversationRow, b: ConversationRow) => a.title.localeCompare(b.title);

export function Chat({ me }: { me: string }) {
  const client = useKalamClient();
  const [connection, setConnection] = useState<ConnectionState>(client.connectionState);
  useEffect(() => client.onConnectionState(setConnection), [client]);
  // The selected conversation lives in the URL, so a reload comes back to it.
  const [selected, setSelected] = useState(() => decodeURIComponent(location.hash.slice(1)));
  useEffect(() => {
    location.hash = selected;
  }, [selected]);

  // Conversations are PUBLIC SHARED rows: everyone may read them; each user lists their own.
  const conversations = useLiveQuery<ConversationRow>('SELECT id, title, members FROM chatapp.conversations', {
    orderBy: byTitle,
  });
  const mine = conversations.rows.filter((c) => c.members.includes(`,${me},`));
  // A stored session that can no longer be refreshed: back to the login form.
  const authLost = ['NOT_AUTHENTICATED', 'AUTH_FAILED', 'unauthorized'].includes(conversations.error?.code ?? '');
  useEffect(() => {
    if (authLost) void client.logout();
  }, [authLost, client]);

  return (
    <div className="chat">
      <aside>
        <header>
          <strong data-testid="me">{me}</strong>
          <span className={`state ${connection}`} data-testid="connection">
            {connection}
          </span>
          <button onClick={() => void client.logout()}>Log out</button>
        </header>
        <ul data-testid="conversations">
          {mine.map((c) => (
            <li key={c.id}>
              <button className={c.id === selected ? 'selected' : ''} onClick={() => setSelected(c.id)}>
                {c.title}
              </button>
            </li>
          ))}
        </ul>
      </aside>
      {selected && mine.some((c) => c.id === selected) ? (
        <Conversation key={selected} me={me} conversationId={selected} />
      ) : (
        <main className="empty">Pick a conversation</main>
      )}
    </div>
  );
}
