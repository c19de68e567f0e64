/**
 * The pieces every component shares: physical names (tier-independent, within AWS limits) and the
 * per-child transform hook.
 */
import { describe, expect, it } from "vitest";
import { applyTransform, physicalName, type Transform } from "../../components/component";

describe("physicalName", () => {
  const id = { project: "inference-platform", stack: "prod" };

  it("is <project>-<stack>-<role>, lower-case", () => {
    expect(physicalName(id, "db")).toBe("inference-platform-prod-db");
  });

  it("shortens with a stable hash to fit a service's limit", () => {
    const long = physicalName({ ...id, stack: "staging-eu-central" }, "workers-sprint-backlog-high", 40);
    expect(long.length).toBeLessThanOrEqual(40);
    expect(long).toMatch(/-[0-9a-f]{6}$/);
    expect(physicalName({ ...id, stack: "staging-eu-central" }, "workers-sprint-backlog-high", 40)).toBe(long);
    expect(physicalName({ ...id, stack: "staging-eu-central" }, "workers-paid-backlog-high", 40)).not.toBe(long);
  });
});

describe("applyTransform", () => {
  it("returns the arguments untouched without a transform", () => {
    const args = { size: 1 };
    expect(applyTransform(undefined, args)).toBe(args);
  });

  it("applies the user's transform with the child's context", () => {
    const transform: Transform<{ size: number; name?: string }, [role: string]> = (a, role) => ({ ...a, name: role });
    expect(applyTransform(transform, { size: 1 }, "models")).toEqual({ size: 1, name: "models" });
  });

  it("merges a partial over the arguments: the keys it names replace, the others stay", () => {
    const transform: Transform<{ size: number; name?: string; tags?: Record<string, string> }> = { name: "x", tags: { a: "b" } };
    const args = { size: 1, tags: { keep: "no" } };
    expect(applyTransform(transform, args)).toEqual({ size: 1, name: "x", tags: { a: "b" } });
    expect(args).toEqual({ size: 1, tags: { keep: "no" } });
  });
});
