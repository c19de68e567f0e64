/**
 * Renders every shipped stack × tier ONCE before the test files run and hands the graphs to them
 * through a file. Renders are deterministic, so sharing them changes no result; it turns ~100
 * renders (one set per test file) into six.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { TestProject } from "vitest/node";
import { listStacks, renderStack } from "../../src/plan/harness";
import { TIER_NAMES } from "../../sizing";
import { graphCacheKey } from "./graph-cache-key";

declare module "vitest" {
  export interface ProvidedContext {
    renderedGraphsFile: string;
  }
}

export default async function setup(project: TestProject): Promise<() => void> {
  const graphs: Record<string, unknown> = {};
  for (const stack of listStacks()) {
    graphs[graphCacheKey(stack)] = await renderStack({ stack });
    for (const tier of TIER_NAMES) graphs[graphCacheKey(stack, tier)] = await renderStack({ stack, tier });
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "platform-graphs-"));
  const file = path.join(dir, "graphs.json");
  fs.writeFileSync(file, JSON.stringify(graphs));
  project.provide("renderedGraphsFile", file);
  return () => fs.rmSync(dir, { recursive: true, force: true });
}
