/**
 * The tag budget config enforces (AWS: 50 tags per resource) counts the program's own tags; this
 * measures them on every shipped graph so the reserve in src/config/index.ts cannot silently fall short.
 */
import { describe, expect, it } from "vitest";
import { AWS_MAX_TAGS_PER_RESOURCE, PROGRAM_RESOURCE_TAGS_MAX, STACK_TAG_COUNT } from "../src/config";
import { stackTags } from "../src/platform";
import { rendered, stackTierMatrix } from "./support/graph";

describe("tags the program adds itself", () => {
  it.each(stackTierMatrix())("$stack $tier: no resource carries more than PROGRAM_RESOURCE_TAGS_MAX own tags; stack tags are STACK_TAG_COUNT", async ({ stack, tier }) => {
    const g = await rendered(stack, tier);
    const own = g.resources.map((r) => Object.keys((r.inputs.tags as Record<string, string> | undefined) ?? {}).length);
    expect(Math.max(...own)).toBeLessThanOrEqual(PROGRAM_RESOURCE_TAGS_MAX);
    expect(Object.keys(stackTags({ ...g.config, tags: {} })).length).toBe(STACK_TAG_COUNT);
    expect(STACK_TAG_COUNT + PROGRAM_RESOURCE_TAGS_MAX).toBeLessThan(AWS_MAX_TAGS_PER_RESOURCE);
  });
});
