/**
 * Every rule over every shipped stack x tier: prod violates no mandatory rule; dev violates exactly
 * the documented exceptions (policy/exceptions.ts), so a new violation fails here until it is fixed
 * or explained.
 */
import { describe, expect, it } from "vitest";
import { DEV_EXCEPTIONS } from "../../policy/exceptions";
import { evaluatePolicies, RULES, type Violation } from "../../policy/index";
import { type RenderedGraph, rendered, stackTierMatrix } from "../support/graph";

const nameOf = (g: RenderedGraph, v: Violation) => g.resources.find((r) => r.urn === v.resourceUrn)?.name ?? v.resourceUrn;
const mandatory = (g: RenderedGraph) => evaluatePolicies(g).filter((v) => v.enforcement === "mandatory");
const keyed = (g: RenderedGraph, vs: Violation[]) => vs.map((v) => `${v.ruleId} @ ${nameOf(g, v)}`).sort();

/** Rules with nothing to judge in the shipped stacks, and why (everything else must see a resource). */
const NOT_EXERCISED: Record<string, string> = {
  "sqs-policy-not-public": "no queue policy: producers get access through their IAM roles",
  "secret-rotation-interval": "no SecretRotation resources (generated credentials; see secret-rotation-enabled)",
  "subnet-no-auto-public-ip": "subnets live inside the awsx VPC component, opaque under mocks",
};

describe.each(stackTierMatrix())("policy on $stack at $tier", ({ stack, tier }) => {
  it(stack.startsWith("prod") ? "violates no mandatory rule" : "violates exactly the documented dev exceptions", async () => {
    const g = await rendered(stack, tier);
    const found = keyed(g, mandatory(g));
    if (g.config.environment === "prod") {
      expect(found).toEqual([]);
    } else {
      expect(found).toEqual(DEV_EXCEPTIONS.flatMap((e) => e.resources.map((r) => `${e.ruleId} @ ${r}`)).sort());
    }
  });
});

describe("the rules run on real resources", () => {
  it("every rule sees at least one resource of its types in some shipped stack, unless listed as not exercised", async () => {
    const types = new Set<string>();
    for (const { stack, tier } of stackTierMatrix()) for (const r of (await rendered(stack, tier)).resources) types.add(r.type);
    const idle = RULES.filter((r) => !r.resourceTypes.some((t) => types.has(t))).map((r) => r.id);
    expect(idle.sort()).toEqual(Object.keys(NOT_EXERCISED).sort());
  });

  it("every dev exception names a real rule, is mandatory, and carries a reason", () => {
    for (const e of DEV_EXCEPTIONS) {
      const rule = RULES.find((r) => r.id === e.ruleId);
      expect(rule?.enforcement, e.ruleId).toBe("mandatory");
      expect(e.reason.length).toBeGreaterThan(15);
    }
  });

  it("weakening prod with an acknowledgement makes exactly the matching rule fire", async () => {
    const g = await rendered("prod", "10k", {
      overrides: JSON.stringify({ database: { multiAz: false } }),
      acknowledge: JSON.stringify(["prod-single-az-database"]),
    });
    expect(keyed(g, mandatory(g))).toEqual(["rds-multi-az @ database-writer"]);
  });
});
