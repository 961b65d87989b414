// The chat service: serves the built app, tells it where KalamDB is, and writes what a user
// may not write alone. Messages live in a USER table, one copy per participant; a user can
// only write their own rows, so the service, a `service` account, checks that the caller is a
// member of the conversation and then inserts each member's copy with EXECUTE AS USER. It
// also writes the typing rows (SHARED tables are written by service accounts) and plays the
// simulated assistant, whose answer it streams by updating the message word by word.
//
//   KALAMDB_URL=http://127.0.0.1:8080 CHAT_SERVICE_PASSWORD=... PORT=5173 node server/chat-service.mjs
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const DIST = fileURLToPath(new URL('../dist/', import.meta.url));
const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml', '.json': 'application/json' };
const USER_ID = /^[A-Za-z0-9_.@+-]{1,128}$/;
const ASSISTANT = 'assistant';
const MAX_MESSAGE_CHARS = 4000;

class HttpError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

export function createChatService({
  kalamdbUrl = process.env.KALAMDB_URL ?? 'http://127.0.0.1:8080',
  // The browser may reach KalamDB under another name than the service does.
  publicKalamdbUrl = process.env.PUBLIC_KALAMDB_URL ?? kalamdbUrl,
  serviceUser = process.env.CHAT_SERVICE_USER ?? 'chat_service',
  servicePassword = process.env.CHAT_SERVICE_PASSWORD ?? 'ChatService123!',
  assistantWordDelayMs = 60,
} = {}) {
  const basic = `Basic ${Buffer.from(`${serviceUser}:${servicePassword}`).toString('base64')}`;

  async function sql(text, params) {
    const response = await fetch(`${kalamdbUrl}/v1/api/sql`, {
      method: 'POST',
      headers: { Authorization: basic, 'Content-Type': 'application/json' },
      body: JSON.stringify(params ? { sql: text, params } : { sql: text }),
    });
    const body = await response.json();
    if (!response.ok) throw new HttpError(502, `KalamDB: ${body.error?.message ?? response.status}`);
    return body.results;
  }

  // Who is calling: the user's own access token, checked by KalamDB itself.
  async function caller(request) {
    const auth = request.headers.authorization ?? '';
    if (!auth.startsWith('Bearer ')) throw new HttpError(401, 'Bearer token required');
    const response = await fetch(`${kalamdbUrl}/v1/api/auth/me`, { headers: { Authorization: auth } });
    if (!response.ok) throw new HttpError(401, 'Invalid token');
    return (await response.json()).user.id;
  }

  async function members(conversationId, user) {
    const [result] = await sql('SELECT members FROM chatapp.conversations WHERE id = $1', [conversationId]);
    const list = String(result.rows[0]?.[0] ?? '').split(',').filter((m) => USER_ID.test(m));
    if (!list.includes(user)) throw new HttpError(403, 'Not a member of this conversation');
    return list;
  }

  // One copy per human member; the assistant has no account and no table.
  async function writeForMembers(list, statement, params) {
    for (const member of list) {
      if (member !== ASSISTANT) await sql(`EXECUTE AS USER '${member}' (${statement})`, params);
    }
  }

  async function postMessage(user, { conversationId, content }) {
    if (typeof conversationId !== 'string' || typeof content !== 'string' || content.trim() === '') {
      throw new HttpError(400, 'conversationId and content are required');
    }
    if (content.length > MAX_MESSAGE_CHARS) throw new HttpError(400, `At most ${MAX_MESSAGE_CHARS} characters`);
    const list = await members(conversationId, user);
    const id = randomUUID();
    await writeForMembers(
      list,
      'INSERT INTO chatapp.messages (id, conversation_id, sender, content) VALUES ($1, $2, $3, $4)',
      [id, conversationId, user, content],
    );
    await setTyping(user, conversationId, false);
    if (list.includes(ASSISTANT)) {
      answer(list, conversationId, content).catch((e) => console.error(`assistant: ${e.message}`));
    }
    return { id };
  }

  // The simulated assistant: an empty message marked streaming, then one update per word.
  async function answer(list, conversationId, question) {
    const id = randomUUID();
    const words = `You said "${question.slice(0, 80)}". I am a simulated assistant: my answer is written into your messages table word by word, and every word reaches you as a live update.`.split(' ');
    await writeForMembers(
      list,
      "INSERT INTO chatapp.messages (id, conversation_id, sender, content, streaming) VALUES ($1, $2, 'assistant', '', true)",
      [id, conversationId],
    );
    for (let i = 1; i <= words.length; i++) {
      await new Promise((r) => setTimeout(r, assistantWordDelayMs));
      await writeForMembers(list, 'UPDATE chatapp.messages SET content = $1, streaming = $2 WHERE id = $3', [
        words.slice(0, i).join(' '),
        i < words.length,
        id,
      ]);
    }
  }

  async function setTyping(user, conversationId, typing) {
    const id = `${conversationId}:${user}`;
    const [updated] = await sql('UPDATE chatapp.typing SET typing = $1, updated_at = NOW() WHERE id = $2', [typing, id]);
    if (updated.row_count === 0) {
      await sql('INSERT INTO chatapp.typing (id, conversation_id, user_id, typing) VALUES ($1, $2, $3, $4)', [
        id,
        conversationId,
        user,
        typing,
      ]);
    }
  }

  async function postTyping(user, { conversationId, typing }) {
    if (typeof conversationId !== 'string' || typeof typing !== 'boolean') {
      throw new HttpError(400, 'conversationId and typing are required');
    }
    await members(conversationId, user);
    await setTyping(user, conversationId, typing);
    return {};
  }

  async function readJson(request) {
    let text = '';
    for await (const chunk of request) {
      text += chunk;
      if (text.length > 64 * 1024) throw new HttpError(413, 'Body too large');
    }
    try {
      return JSON.parse(text);
    } catch {
      throw new HttpError(400, 'Body must be JSON');
    }
  }

  async function serveStatic(path, response) {
    const file = normalize(join(DIST, path === '/' ? 'index.html' : path));
    if (!file.startsWith(DIST)) throw new HttpError(404, 'Not found');
    let data;
    let type = TYPES[extname(file)] ?? 'application/octet-stream';
    try {
      data = await readFile(file);
    } catch {
      // Client-side routes fall back to the app.
      data = await readFile(join(DIST, 'index.html'));
      type = 'text/html';
    }
    response.writeHead(200, { 'Content-Type': type });
    response.end(data);
  }

  const routes = { '/api/messages': postMessage, '/api/typing': postTyping };

  return createServer(async (request, response) => {
    const path = new URL(request.url ?? '/', 'http://x').pathname;
    try {
      if (path === '/config.json') {
        response.writeHead(200, { 'Content-Type': 'application/json' });
        response.end(JSON.stringify({ kalamdbUrl: publicKalamdbUrl }));
      } else if (routes[path]) {
        if (request.method !== 'POST') throw new HttpError(405, 'Use POST');
        const user = await caller(request);
        const result = await routes[path](user, await readJson(request));
        response.writeHead(200, { 'Content-Type': 'application/json' });
        response.end(JSON.stringify(result));
      } else {
        await serveStatic(path, response);
      }
    } catch (e) {
      const status = e instanceof HttpError ? e.status : 500;
      response.writeHead(status, { 'Content-Type': 'application/json' });
      response.end(JSON.stringify({ error: e.message }));
    }
  });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const port = Number(process.env.PORT ?? 5173);
  createChatService().listen(port, '127.0.0.1', () => console.log(`chat on http://127.0.0.1:${port}`));
}
