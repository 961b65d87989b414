// Creates the chat schema, the demo users and the service account, as root. Idempotent.
//   KALAMDB_URL=http://127.0.0.1:8080 KALAMDB_ROOT_PASSWORD=... node scripts/setup-db.mjs
import { pathToFileURL } from 'node:url';

export const DEMO_USERS = ['alice', 'bob'];

/** Runs the setup against `url` as root; answers nothing, throws on the first failure. */
export async function setupDatabase({
  url = process.env.KALAMDB_URL ?? 'http://127.0.0.1:8080',
  rootPassword = process.env.KALAMDB_ROOT_PASSWORD ?? 'kalamdb123',
  demoPassword = process.env.DEMO_PASSWORD ?? 'Secret123!',
  servicePassword = process.env.CHAT_SERVICE_PASSWORD ?? 'ChatService123!',
} = {}) {
  const sql = async (text, params) => {
    const response = await fetch(`${url}/v1/api/sql`, {
      method: 'POST',
      headers: {
        Authorization: `Basic ${Buffer.from(`root:${rootPassword}`).toString('base64')}`,
        'Content-Type': 'application/json',
      },
      body: JSON.stringify(params ? { sql: text, params } : { sql: text }),
    });
    const body = await response.json();
    if (!response.ok) throw new Error(`${text}: ${body.error?.message ?? response.status}`);
    return body.results;
  };
  const quote = (s) => `'${s.replaceAll("'", "''")}'`;

  await sql('CREATE NAMESPACE IF NOT EXISTS chatapp');
  // Conversations: one SHARED row per conversation, readable by every user (PUBLIC); members
  // are a comma-framed list (",alice,bob,") so that membership is a substring test.
  await sql(
    'CREATE SHARED TABLE IF NOT EXISTS chatapp.conversations (id TEXT PRIMARY KEY, title TEXT, members TEXT) ' +
      "WITH (ACCESS_LEVEL = 'PUBLIC')",
  );
  // Messages: a USER table, so each participant holds their own copy and nobody can read
  // anyone else's. The chat service writes a copy for every member (EXECUTE AS USER).
  await sql(
    'CREATE USER TABLE IF NOT EXISTS chatapp.messages (id TEXT PRIMARY KEY, conversation_id TEXT NOT NULL, ' +
      'sender TEXT NOT NULL, content TEXT, streaming BOOLEAN DEFAULT false, created_at TIMESTAMP DEFAULT NOW())',
  );
  // Typing indicator: plain SHARED rows, one per (conversation, user), written by the service.
  // (A STREAM table with a short TTL is the better fit once STREAM tables take writes.)
  await sql(
    'CREATE SHARED TABLE IF NOT EXISTS chatapp.typing (id TEXT PRIMARY KEY, conversation_id TEXT, user_id TEXT, ' +
      "typing BOOLEAN, updated_at TIMESTAMP DEFAULT NOW()) WITH (ACCESS_LEVEL = 'PUBLIC')",
  );
  for (const user of DEMO_USERS) {
    await sql(`CREATE USER IF NOT EXISTS ${quote(user)} WITH PASSWORD ${quote(demoPassword)} ROLE user`);
  }
  await sql(`CREATE USER IF NOT EXISTS 'chat_service' WITH PASSWORD ${quote(servicePassword)} ROLE service`);
  const conversations = [
    ['alice-bob', 'Alice & Bob', ',alice,bob,'],
    ['alice-assistant', 'Alice & Assistant', ',alice,assistant,'],
    ['bob-assistant', 'Bob & Assistant', ',bob,assistant,'],
  ];
  for (const [id, title, members] of conversations) {
    const [existing] = await sql('SELECT id FROM chatapp.conversations WHERE id = $1', [id]);
    if (existing.rows.length === 0) {
      await sql('INSERT INTO chatapp.conversations (id, title, members) VALUES ($1, $2, $3)', [id, title, members]);
    }
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  setupDatabase().then(
    () => console.log('chat schema, users alice/bob and chat_service are ready'),
    (e) => {
      console.error(e.message);
      process.exit(1);
    },
  );
}
