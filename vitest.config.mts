import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Rendering a stack under mocks takes a second or two; whole-graph suites render many.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Each file renders stacks in its own worker (the Pulumi runtime is process-global).
    pool: "forks",
    // Shipped stack × tier graphs are rendered once here and shared by every file.
    globalSetup: ["test/support/global-setup.ts"],
  },
});
