import type { Session } from '@kalamdb/sdk';
import { useKalamClient } from '@kalamdb/sdk/react';
import { useEffect, useState } from 'react';
import { Chat } from './Chat';
import { Login } from './Login';

export function App() {
  const client = useKalamClient();
  const [session, setSession] = useState<Session | null>(() => client.session);
  useEffect(() => client.onSession(setSession), [client]);
  return session ? <Chat me={session.user.id} /> : <Login />;
}
