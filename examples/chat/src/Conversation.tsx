import type { Row } from '@kalamdb/sdk';
import { useKalamClient, useLiveQuery } from '@kalamdb/sdk/react';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { callService, sqlString } from './service';

interface MessageRow extends Row {
  id: string;
  sender: string;
  content: string | null;
  streaming: boolean;
  created_at: number;
}

interface TypingRow extends Row {
  user_id: string;
  typing: boolean;
  updated_at: number;
}

const byTime = (a: MessageRow, b: MessageRow) => a.created_at - b.created_at || a.id.localeCompare(b.id);
// A typing row older than this is stale (its writer went away without clearing it).
const TYPING_FRESH_US = 10_000_000;
const TYPING_RESEND_MS = 3_000;

export function Conversation({ me, conversationId }: { me: string; conversationId: string }) {
  const client = useKalamClient();
  // The last 100 messages of this conversation from my own copy, then live changes.
  const messages = useLiveQuery<MessageRow>(
    `SELECT id, sender, content, streaming, created_at FROM chatapp.messages WHERE conversation_id = ${sqlString(conversationId)}`,
    { lastRows: 100, orderBy: byTime },
  );
  const typing = useLiveQuery<TypingRow>(
    `SELECT id, user_id, typing, updated_at FROM chatapp.typing WHERE conversation_id = ${sqlString(conversationId)}`,
  );
  const [draft, setDraft] = useState('');
  const [error, setError] = useState<string | null>(null);
  const lastTypingSent = useRef(0);
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);

  const others = typing.rows
    .filter((t) => t.user_id !== me && t.typing && now * 1000 - t.updated_at < TYPING_FRESH_US)
    .map((t) => t.user_id);

  const onDraft = (text: string) => {
    setDraft(text);
    if (text !== '' && Date.now() - lastTypingSent.current > TYPING_RESEND_MS) {
      lastTypingSent.current = Date.now();
      callService(client, '/api/typing', { conversationId, typing: true }).catch(() => {});
    }
  };

  const send = async (event: FormEvent) => {
    event.preventDefault();
    if (draft.trim() === '') return;
    setError(null);
    try {
      await callService(client, '/api/messages', { conversationId, content: draft });
      setDraft('');
      lastTypingSent.current = 0;
    } catch (e) {
      setError((e as Error).message);
    }
  };

  return (
    <main className="conversation">
      <ol className="messages" data-testid="messages" data-status={messages.status}>
        {messages.rows.map((m) => (
          <li key={m.id} className={m.sender === me ? 'mine' : 'theirs'}>
            <span className="sender">{m.sender}</span>
            <span className="content" data-streaming={m.streaming}>
              {m.content}
              {m.streaming && <span className="cursor">▍</span>}
            </span>
          </li>
        ))}
      </ol>
      <p className="typing" data-testid="typing">
        {others.length > 0 ? `${others.join(', ')} ${others.length > 1 ? 'are' : 'is'} typing…` : ' '}
      </p>
      <form className="composer" onSubmit={send}>
        <input aria-label="message" value={draft} onChange={(e) => onDraft(e.target.value)} placeholder="Message" />
        <button type="submit">Send</button>
      </form>
      {error && <p className="error">{error}</p>}
      {messages.error && <p className="error">{messages.error.message}</p>}
    </main>
  );
}
