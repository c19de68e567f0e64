/**
 * Per-environment enforcement: dev runs the same pack with a policy-pack config generated from
 * policy/exceptions.ts (its exceptions advisory), prod runs it with the levels in code. The committed
 * config file must equal the generated one; under it, dev's mandatory violations are none and prod's
 * stay none; every rule carries remediation steps for CrossGuard and SARIF.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { crossGuardPolicies } from "../../policy/crossguard";
import { DEV_EXCEPTIONS } from "../../policy/exceptions";
import { evaluatePolicies, RULES } from "../../policy/index";
import { DEV_POLICY_CONFIG_FILE, devPolicyPackConfig, devPolicyPackConfigText, effectiveLevels } from "../../policy/pack-config";
import { REMEDIATION } from "../../policy/remediation";
import { REPO_ROOT } from "../../src/plan/harness";
import { rendered, TIER_NAMES } from "../support/graph";

const committed = () => fs.readFileSync(path.join(REPO_ROOT, DEV_POLICY_CONFIG_FILE), "utf8");

describe("dev policy-pack config", () => {
  it("is the committed file, byte for byte (regenerate with npm run docs)", () => {
    expect(committed()).toBe(devPolicyPackConfigText());
  });

  it("makes exactly dev's excepted rules advisory and leaves every other level as in code", () => {
    const base = effectiveLevels(RULES);
    const dev = effectiveLevels(RULES, JSON.parse(committed()) as Record<string, unknown>);
    const changed = RULES.filter((r) => base[r.id] !== dev[r.id]).map((r) => r.id).sort();
    expect(changed).toEqual([...new Set(DEV_EXCEPTIONS.map((e) => e.ruleId))].sort());
    for (const id of changed) expect([base[id], dev[id]]).toEqual(["mandatory", "advisory"]);
  });

  it("names only rules of the pack and never uses the pack-wide `all` key (it would raise advisory rules)", () => {
    const keys = Object.keys(devPolicyPackConfig());
    expect(keys).not.toContain("all");
    for (const k of keys) expect(RULES.map((r) => r.id)).toContain(k);
  });

  it.each(TIER_NAMES)("leaves dev at %s with no mandatory violation, and prod's levels give prod none", async (tier) => {
    const levels = effectiveLevels(RULES, devPolicyPackConfig());
    const dev = evaluatePolicies(await rendered("dev", tier));
    expect(dev.length).toBeGreaterThan(0);
    expect(dev.filter((v) => levels[v.ruleId] === "mandatory").map((v) => v.ruleId)).toEqual([]);
    const prodLevels = effectiveLevels(RULES);
    expect(evaluatePolicies(await rendered("prod", tier)).filter((v) => prodLevels[v.ruleId] === "mandatory")).toEqual([]);
  });
});

describe("remediation steps", () => {
  it("every rule has remediation text, and every entry names a rule", () => {
    const ids = RULES.map((r) => r.id).sort();
    expect(Object.keys(REMEDIATION).sort()).toEqual(ids);
    for (const text of Object.values(REMEDIATION)) expect(text.length).toBeGreaterThan(20);
  });

  it("reach CrossGuard as remediationSteps on every policy", () => {
    for (const p of crossGuardPolicies()) expect(p.remediationSteps, p.name).toBe(REMEDIATION[p.name]);
  });
});
