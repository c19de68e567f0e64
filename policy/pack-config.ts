/**
 * The CrossGuard policy-pack configuration per environment, generated from the rule table and
 * policy/exceptions.ts so the two cannot drift (test/policy/pack-config.test.ts compares the committed
 * file with this; `npm run docs` rewrites it).
 *
 * The Policy SDK makes every policy's enforcement level configurable: a config file passed with
 * `pulumi preview|up --policy-pack policy --policy-pack-config <file>` (pulumi/actions: `policyPackConfigs`)
 * maps a policy name to `{ "enforcementLevel": ... }`, which overrides the level declared in code
 * (https://www.pulumi.com/docs/iac/using-pulumi/crossguard/configuration/#enforcement-level). The
 * top-level `all` key is deliberately not used: it would override the advisory rules too.
 *
 * Prod runs the pack with no config file, so every level is the one in the rule table (policy/rules).
 * Dev's file turns exactly the rules of DEV_EXCEPTIONS to advisory: CrossGuard levels are per policy,
 * not per resource, so in dev such a rule is advisory for every resource it judges; the test suite
 * (test/policy/stacks.test.ts) still holds dev's mandatory violations to exactly the listed resources.
 */
import type { EnforcementLevel } from "@pulumi/policy";
import { DEV_EXCEPTIONS } from "./exceptions";
import type { Rule } from "./types";

/** The file CI and the CLI pass for dev stacks, relative to the repository root. */
export const DEV_POLICY_CONFIG_FILE = "policy/config/dev.json";

export type PolicyPackConfig = Record<string, { enforcementLevel: EnforcementLevel }>;

/** Dev's policy-pack config: each excepted rule advisory, sorted by rule id. */
export function devPolicyPackConfig(): PolicyPackConfig {
  const ids = [...new Set(DEV_EXCEPTIONS.map((e) => e.ruleId))].sort();
  return Object.fromEntries(ids.map((id) => [id, { enforcementLevel: "advisory" as const }]));
}

/** The file's text (what `npm run docs` writes to {@link DEV_POLICY_CONFIG_FILE}). */
export function devPolicyPackConfigText(): string {
  return `${JSON.stringify(devPolicyPackConfig(), null, 2)}\n`;
}

/**
 * The level each rule runs at under a config, as the Policy SDK resolves it: a per-policy
 * `enforcementLevel` (or a bare level string) wins over `all`, which wins over the level in code.
 */
export function effectiveLevels(rules: readonly Rule[], config: Record<string, unknown> = {}): Record<string, EnforcementLevel> {
  const levelOf = (v: unknown): EnforcementLevel | undefined =>
    typeof v === "string" ? (v as EnforcementLevel) : ((v as { enforcementLevel?: EnforcementLevel } | undefined)?.enforcementLevel ?? undefined);
  return Object.fromEntries(rules.map((r) => [r.id, levelOf(config[r.id]) ?? levelOf(config.all) ?? r.enforcement]));
}
