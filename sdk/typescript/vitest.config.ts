import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Integration tests start a real server per file; running files one after another keeps
    // them within the two cores the suite is budgeted for.
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
