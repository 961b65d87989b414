// The chat app in a real browser: Debian's chromium, headless, driven by playwright-core,
// against the real server and the chat service. Alice and Bob in two browser contexts.
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { TestServer } from '../../../sdk/typescript/test/support/server';
import { createChatService } from '../server/chat-service.mjs';
import { setupDatabase } from '../scripts/setup-db.mjs';

const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const PASSWORD = 'Secret123!';

let server: TestServer;
let service: Server;
let browser: Browser;
let appUrl: string;

beforeAll(async () => {
  server = new TestServer();
  await server.start();
  await setupDatabase({ url: server.url, rootPassword: 'kalamdb123', demoPassword: PASSWORD });
  service = createChatService({ kalamdbUrl: server.url, assistantWordDelayMs: 20 }) as Server;
  await new Promise<void>((done) => service.listen(0, '127.0.0.1', done));
  appUrl = `http://127.0.0.1:${(service.address() as AddressInfo).port}`;
  // launch() gives each run a fresh, temporary profile (what --user-data-dir would be) and
  // runs headless by default.
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
});

afterAll(async () => {
  await browser?.close();
  await new Promise<void>((done) => (service ? service.close(() => done()) : done()));
  await server?.dispose();
});

async function logIn(context: BrowserContext, user: string): Promise<Page> {
  const page = await context.newPage();
  await page.goto(appUrl);
  await page.getByLabel('user').fill(user);
  await page.getByLabel('password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect.poll(() => page.getByTestId('me').textContent()).toBe(user);
  return page;
}

async function open(page: Page, title: string): Promise<void> {
  await page.getByRole('button', { name: title }).click();
  await expect.poll(() => page.getByTestId('messages').getAttribute('data-status')).toBe('ready');
}

async function send(page: Page, text: string): Promise<void> {
  await page.getByLabel('message').fill(text);
  await page.getByRole('button', { name: 'Send' }).click();
}

const messages = (page: Page): Promise<string[]> => page.getByTestId('messages').locator('.content').allTextContents();

it('alice and bob chat live, see only their own rows, and a reload restores the view', async () => {
  const alice = await logIn(await browser.newContext(), 'alice');
  const bob = await logIn(await browser.newContext(), 'bob');

  // Each lists only the conversations they are a member of.
  await expect.poll(() => alice.getByTestId('conversations').locator('li').allTextContents()).toEqual([
    'Alice & Assistant',
    'Alice & Bob',
  ]);
  await expect.poll(() => bob.getByTestId('conversations').locator('li').allTextContents()).toEqual([
    'Alice & Bob',
    'Bob & Assistant',
  ]);
  await open(alice, 'Alice & Bob');
  await open(bob, 'Alice & Bob');

  // Typing indicator, then messages appearing live on both sides.
  await alice.getByLabel('message').fill('hel');
  await expect.poll(() => bob.getByTestId('typing').textContent()).toContain('alice is typing');
  await send(alice, 'hello bob');
  await expect.poll(() => messages(bob)).toEqual(['hello bob']);
  await expect.poll(() => messages(alice)).toEqual(['hello bob']);
  await expect.poll(() => bob.getByTestId('typing').textContent()).not.toContain('alice is typing');
  await send(bob, 'hi alice');
  await expect.poll(() => messages(alice)).toEqual(['hello bob', 'hi alice']);

  // A row only in alice's own table (written for her alone) reaches alice, never bob.
  await server.rootSql(
    "EXECUTE AS USER 'alice' (INSERT INTO chatapp.messages (id, conversation_id, sender, content) VALUES ('private-1', 'alice-bob', 'alice', 'note to self'))",
  );
  await expect.poll(() => messages(alice)).toEqual(['hello bob', 'hi alice', 'note to self']);
  await send(bob, 'after the note');
  await expect.poll(() => messages(alice)).toContain('after the note');
  await expect.poll(() => messages(bob)).toEqual(['hello bob', 'hi alice', 'after the note']);
  // Bob's own SQL sees nothing of alice's rows either.
  const bobRows = await bob.evaluate(async () => {
    const session = JSON.parse(localStorage.getItem('kalamdb-chat.session') ?? '{}') as { accessToken: string };
    const config = (await (await fetch('/config.json')).json()) as { kalamdbUrl: string };
    const response = await fetch(`${config.kalamdbUrl}/v1/api/sql`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${session.accessToken}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ sql: "SELECT content FROM chatapp.messages WHERE id = 'private-1'" }),
    });
    return ((await response.json()) as { results: { rows: unknown[] }[] }).results[0]?.rows.length;
  });
  expect(bobRows).toBe(0);

  // Reload: still logged in (localStorage), back in the same conversation, history from last_rows.
  await bob.reload();
  await expect.poll(() => bob.getByTestId('messages').getAttribute('data-status')).toBe('ready');
  expect(await messages(bob)).toEqual(['hello bob', 'hi alice', 'after the note']);
  await send(alice, 'still there?');
  await expect.poll(() => messages(bob)).toContain('still there?');

  // The assistant streams its answer into alice's table word by word.
  await open(alice, 'Alice & Assistant');
  await send(alice, 'what are you?');
  await expect.poll(() => alice.locator('[data-streaming="true"]').count(), { timeout: 20_000 }).toBe(1);
  await expect
    .poll(() => messages(alice), { timeout: 20_000 })
    .toEqual(['what are you?', expect.stringContaining('every word reaches you as a live update.')]);
  expect(await alice.locator('[data-streaming="true"]').count()).toBe(0);
  expect(await bob.getByTestId('conversations').textContent()).not.toContain('Alice & Assistant');
  if (process.env['SCREENSHOT_DIR']) {
    await alice.screenshot({ path: `${process.env['SCREENSHOT_DIR']}/alice.png` });
    await bob.screenshot({ path: `${process.env['SCREENSHOT_DIR']}/bob.png` });
  }
});
