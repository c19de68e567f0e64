/**
 * The README's generated tables match the code (run `npm run docs` to refresh them), and the commands
 * it tells a newcomer to run exist.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { blockPattern, GENERATED_BLOCKS, regenerate } from "../src/plan/docs";
import { REPO_ROOT } from "../src/plan/harness";

const readme = fs.readFileSync(path.join(REPO_ROOT, "README.md"), "utf8");
const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> };

describe("README", () => {
  it.each(Object.keys(GENERATED_BLOCKS))("generated block %s is up to date (npm run docs)", async (name) => {
    const current = blockPattern(name).exec(readme)?.[2];
    expect(current, `README.md lacks the ${name} block`).toBeDefined();
    expect(current).toBe(await GENERATED_BLOCKS[name]());
  });

  it("regenerating changes nothing", async () => {
    expect(await regenerate(readme)).toBe(readme);
  });

  it("names only npm scripts that exist", () => {
    const named = [...readme.matchAll(/npm run (?:-\S+ )*([a-z][a-z:-]*)/g)].map((m) => m[1]);
    expect(named.length).toBeGreaterThan(0);
    for (const script of named) expect(pkg.scripts, `npm run ${script}`).toHaveProperty(script);
  });

  it("states the test command CI runs", () => {
    const ci = fs.readFileSync(path.join(REPO_ROOT, ".ci/run"), "utf8");
    expect(readme).toContain("npm ci && npm test");
    expect(ci).toMatch(/^npm ci$/m);
    expect(ci).toMatch(/^npm test$/m);
    expect(pkg.scripts.test).toBe("npm run typecheck && npm run lint && npm run test:unit");
  });
});
