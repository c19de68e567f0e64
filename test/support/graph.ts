/**
 * Queries over a rendered graph, shared by every test file. Tests assert on the inputs the program
 * sends to providers; these helpers only find things and fail loudly when they are missing.
 */
import * as fs from "node:fs";
import { inject } from "vitest";
import { listStacks, type RenderedGraph, type RenderedResource, renderStack } from "../../src/plan/harness";
import { graphCacheKey } from "./graph-cache-key";
import { TIER_NAMES, type Tier } from "../../sizing";

export { renderStack, listStacks, TIER_NAMES };
export type { RenderedGraph, RenderedResource, Tier };

/** Every resource of a type (full token, e.g. `aws:rds/instance:Instance`). */
export function ofType(graph: RenderedGraph, type: string): RenderedResource[] {
  return graph.resources.filter((r) => r.type === type);
}

/** The one resource with this logical name; throws if absent. */
export function named(graph: RenderedGraph, name: string): RenderedResource {
  const found = graph.resources.find((r) => r.name === name);
  if (!found) throw new Error(`no resource named ${name}; have: ${graph.resources.map((r) => r.name).join(", ")}`);
  return found;
}

/** The one resource of a type; throws if there are none or several. */
export function single(graph: RenderedGraph, type: string): RenderedResource {
  const found = ofType(graph, type);
  if (found.length !== 1) throw new Error(`expected one ${type}, found ${found.length}`);
  return found[0];
}

/** Children (direct) of a resource. */
export function childrenOf(graph: RenderedGraph, parent: RenderedResource): RenderedResource[] {
  return graph.resources.filter((r) => r.parent === parent.urn);
}

/** Parses a JSON-string input (policies, container definitions). */
export function json<T = unknown>(value: unknown): T {
  if (typeof value !== "string") throw new Error(`expected a JSON string, got ${typeof value}`);
  return JSON.parse(value) as T;
}

/** Captured provider inputs are untyped JSON; tests index into them and let the assertions check shape. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Captured = Record<string, any>;

/** One statement of a rendered IAM policy document. */
export interface StatementJson {
  Sid?: string;
  Action: string | string[];
  Resource: string | string[];
}

/** The statements of the IAM policy resource with this logical name. */
export function statementsOf(graph: RenderedGraph, policy: string): StatementJson[] {
  return json<{ Statement: StatementJson[] }>(named(graph, policy).inputs.policy).Statement;
}

/** Every (stack, tier) combination the project ships, for table-driven tests. */
export function stackTierMatrix(): { stack: string; tier: Tier }[] {
  return listStacks().flatMap((stack) => TIER_NAMES.map((tier) => ({ stack, tier })));
}

const cache = new Map<string, Promise<RenderedGraph>>();
let preRendered: Record<string, RenderedGraph> | undefined;

/** Graphs rendered once by test/support/global-setup.ts (empty when a file runs without it). */
function preRenderedGraphs(): Record<string, RenderedGraph> {
  if (!preRendered) {
    const file = inject("renderedGraphsFile");
    preRendered = file && fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, "utf8")) as Record<string, RenderedGraph>) : {};
  }
  return preRendered;
}

/**
 * A stack rendered at a tier (with optional extra config). Shipped stack × tier graphs come from the
 * global setup's single render; anything else renders here, once per test file.
 */
export function rendered(stack: string, tier?: Tier, config?: Record<string, string>): Promise<RenderedGraph> {
  const key = graphCacheKey(stack, tier, config);
  if (!cache.has(key)) {
    const shared = preRenderedGraphs()[key];
    cache.set(key, shared ? Promise.resolve(shared) : renderStack({ stack, tier, config }));
  }
  return cache.get(key)!;
}
