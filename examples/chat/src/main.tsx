import { createClient, localStorageTokenStorage } from '@kalamdb/sdk';
import { KalamProvider } from '@kalamdb/sdk/react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import './styles.css';

// The chat service says where KalamDB is; the session survives reloads in localStorage.
const config = (await (await fetch('/config.json')).json()) as { kalamdbUrl: string };
const client = createClient({ url: config.kalamdbUrl, storage: localStorageTokenStorage('kalamdb-chat.session') });

createRoot(document.getElementById('root') as HTMLElement).render(
  <KalamProvider client={client}>
    <App />
  </KalamProvider>,
);
