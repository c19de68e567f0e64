/**
 * Every stack output the program returns is described in src/outputs.ts, and every description names an
 * output some shipped stack × tier returns (the generated table in docs/outputs.md is built from both).
 */
import { describe, expect, it } from "vitest";
import { STACK_OUTPUTS } from "../src/outputs";
import { collectOutputs } from "../src/plan/outputs-table";
import { rendered } from "./support/graph";

const exportedOutputs = collectOutputs((stack, tier) => rendered(stack, tier));

describe("stack outputs", () => {
  it("every output some render returns has a description", async () => {
    const exported = Object.keys(await exportedOutputs);
    expect(exported.filter((name) => !(name in STACK_OUTPUTS))).toEqual([]);
  });

  it("every description names an output some render returns", async () => {
    const exported = await exportedOutputs;
    expect(Object.keys(STACK_OUTPUTS).filter((name) => !(name in exported))).toEqual([]);
  });

  it("descriptions are sentences, not placeholders", () => {
    for (const [name, doc] of Object.entries(STACK_OUTPUTS)) expect(doc.description.length, name).toBeGreaterThan(8);
  });
});
