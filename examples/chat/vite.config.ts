import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const sdk = fileURLToPath(new URL('../../sdk/typescript/src/', import.meta.url));

// The app uses the SDK from its sources (no separate build step); the chat service
// (server/chat-service.mjs) serves the built app. `npm run dev` proxies the service's routes.
export default defineConfig({
  resolve: {
    alias: [
      { find: /^@kalamdb\/sdk\/react$/, replacement: `${sdk}react.ts` },
      { find: /^@kalamdb\/sdk$/, replacement: `${sdk}index.ts` },
    ],
    // The SDK's folder has its own React (for its tests): the app's copy must be the only one.
    dedupe: ['react', 'react-dom'],
  },
  server: {
    fs: { allow: ['.', '../../sdk/typescript/src'] },
    proxy: {
      '/api': process.env.CHAT_SERVICE_URL ?? 'http://127.0.0.1:3001',
      '/config.json': process.env.CHAT_SERVICE_URL ?? 'http://127.0.0.1:3001',
    },
  },
  build: { target: 'es2022' },
});
