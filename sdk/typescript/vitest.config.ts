import { defineConfig } from 'vitest/config';

// Node 22 has a global WebSocket; Node 20 has it behind a flag.
const nodeMajor = Number(process.versions.node.split('.')[0]);

export default defineConfig({
  test: {
    pool: 'forks',
    execArgv: nodeMajor < 22 ? ['--experimental-websocket'] : [],
    // Integration tests start a real server per file; running files one after another keeps
    // them within the two cores the suite is budgeted for.
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
