/**
 * The generated configuration reference: every sizing field documents itself in the schema, and the
 * table lists every top-level key and every `overrides` path of the tier table.
 */
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { configReferenceMarkdown, sizingFields, typeOf } from "../src/plan/config-reference";
import { MAX_USER_TAGS, topLevelSchema } from "../src/config/schema";
import { type Sizing, sizingSchema, TIER_NAMES, TIERS } from "../sizing";

/** Every leaf path of a sizing value (objects keyed by GPU type count as leaves, as in the reference). */
function leafPaths(v: unknown, prefix = ""): string[] {
  if (v === null || typeof v !== "object" || Array.isArray(v)) return [prefix];
  const keys = Object.keys(v);
  if (prefix.endsWith("instanceTypes") || prefix.endsWith("inferencesPerSecPerGpu")) return [prefix];
  return keys.flatMap((k) => leafPaths((v as Record<string, unknown>)[k], prefix ? `${prefix}.${k}` : k));
}

describe("configuration reference", () => {
  const markdown = configReferenceMarkdown();

  it("every sizing field and section has a description in the schema", () => {
    const fields = sizingFields();
    expect(fields.length).toBeGreaterThan(100);
    for (const { path, schema } of fields) expect(schema.description ?? "", path).not.toBe("");
    for (const [section, schema] of Object.entries(sizingSchema.shape)) expect(schema.description ?? "", section).not.toBe("");
  });

  it("lists every top-level key", () => {
    for (const key of Object.keys(topLevelSchema.shape)) expect(markdown).toContain(`| \`${key}\` |`);
  });

  it("lists every overrides path of the tier table, with each tier's value", () => {
    const paths = leafPaths(TIERS["1k"] as Sizing);
    expect(sizingFields().map((f) => f.path).sort()).toEqual([...paths].sort());
    for (const path of paths) expect(markdown, path).toContain(`| \`${path}\` |`);
    expect(markdown).toContain(`| \`overrides\` path | type / allowed values | ${TIER_NAMES.join(" | ")} | description |`);
    expect(markdown).toMatch(/\| `gateway\.maxTasks` \| integer \(1–5000\) \| 3 \| 20 \| 40 \|/);
  });

  it("renders bounds from zod's checks: positive() is > 0, nonnegative() ≥ 0", () => {
    expect(typeOf(z.number().positive())).toBe("number (> 0)");
    expect(typeOf(z.number().nonnegative())).toBe("number (≥ 0)");
    expect(typeOf(z.number().int().min(2).max(4))).toBe("integer (2–4)");
    expect(typeOf(z.number().positive().max(10))).toBe("number (> 0, ≤ 10)");
  });

  it("states the user-tag limit the validation applies, and dev's values where they differ", () => {
    expect(markdown).toContain(`so at most ${MAX_USER_TAGS} here`);
    expect(markdown).toMatch(/\| `safety\.waf` \| boolean \| true \(dev: false\) \|/);
  });
});
