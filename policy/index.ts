/**
 * The guardrail rule table and its evaluator. `evaluatePolicies(graph)` runs every rule over a
 * rendered graph (tests, `npm run plan`); `pack.ts` wraps the same rules for CrossGuard.
 *
 * Import this file by its full path (`policy/index`): policy/package.json's `main` is the CrossGuard
 * entry `pack.ts`, which starts a policy server (a bare `policy` import does not type-check, by design).
 */
import { acknowledgementFor } from "./acknowledgements";
import { DEV_EXCEPTIONS } from "./exceptions";
import { STAR_RESOURCE_ACTIONS } from "./iam-star-resources";
import { computeRules } from "./rules/compute";
import { dataRules } from "./rules/data";
import { deliveryRules } from "./rules/delivery";
import { iamRules } from "./rules/iam";
import { kubernetesRules } from "./rules/kubernetes";
import { networkRules } from "./rules/network";
import { observabilityRules } from "./rules/observability";
import { s3Rules } from "./rules/s3";
import { serviceRules } from "./rules/services";
import { statefulRules } from "./rules/stateful";
import { isGraphRule, type PolicyGraph, type Rule, type Violation } from "./types";

export * from "./types";
export { ACKNOWLEDGEMENT_RULES, ACKNOWLEDGEMENT_TAG_PREFIX, acknowledgementFor } from "./acknowledgements";
export { STAR_RESOURCE_ACTIONS } from "./iam-star-resources";

/** Every rule, in the order the README lists them. */
export const RULES: readonly Rule[] = [
  ...s3Rules,
  ...dataRules,
  ...statefulRules,
  ...serviceRules,
  ...deliveryRules,
  ...computeRules,
  ...networkRules,
  ...iamRules,
  ...observabilityRules,
  ...kubernetesRules,
];

/** Runs every rule (or the given ones) over a graph. Component resources (`platform:*`) are skipped by type. */
export function evaluatePolicies(graph: PolicyGraph, rules: readonly Rule[] = RULES): Violation[] {
  const out: Violation[] = [];
  for (const rule of rules) {
    const found = isGraphRule(rule)
      ? rule.checkGraph(graph)
      : graph.resources
          .filter((r) => rule.resourceTypes.includes(r.type))
          .map((r) => ({ resource: r, message: rule.check(r, graph) }))
          .filter((f): f is { resource: typeof f.resource; message: string } => f.message !== undefined);
    for (const f of found) {
      // A weakening prod config acknowledged (policy/acknowledgements.ts) is reported, not blocking.
      const ack = rule.enforcement === "mandatory" ? acknowledgementFor(rule.id, f.resource, graph) : undefined;
      out.push({
        ruleId: rule.id,
        severity: rule.severity,
        enforcement: ack ? "advisory" : rule.enforcement,
        resourceUrn: f.resource.urn,
        resourceType: f.resource.type,
        message: ack ? `${f.message} (acknowledged by "${ack}")` : f.message,
        ...(ack ? { acknowledgedBy: ack } : {}),
      });
    }
  }
  return out;
}

/** Pass/fail counts and the failures, for `npm run plan`. */
export function policySummary(violations: Violation[], rules: readonly Rule[] = RULES): string {
  const failed = new Set(violations.map((v) => v.ruleId));
  const mandatory = violations.filter((v) => v.enforcement === "mandatory");
  const lines = [
    `Policy: ${rules.length - failed.size} of ${rules.length} rules pass; ${mandatory.length} mandatory and ${violations.length - mandatory.length} advisory violations`,
    ...violations.map((v) => `  ${v.enforcement === "mandatory" ? "FAIL" : "warn"} ${v.ruleId} ${v.resourceUrn.split("::").pop()}: ${v.message}`),
  ];
  return lines.join("\n");
}

const cell = (s: string) => s.replace(/\|/g, "\\|");

/** The README's rule table, generated from {@link RULES} (a test keeps the README equal to it). */
export function ruleTableMarkdown(rules: readonly Rule[] = RULES): string {
  const rows = rules.map(
    (r) =>
      `| \`${r.id}\` | ${r.enforcement} | ${r.severity} | ${cell(r.description)} | ${(r.controls.checkov ?? []).join(", ") || "–"} | ${(r.controls.fsbp ?? []).join(", ") || "–"} |`,
  );
  return ["| rule | enforcement | severity | what it checks | Checkov | FSBP |", "|---|---|---|---|---|---|", ...rows].join("\n");
}

/** The README's list of actions allowed on Resource `*`, generated from the one list in policy/. */
export function starResourceMarkdown(): string {
  return STAR_RESOURCE_ACTIONS.map(
    (e) => `* \`${e.action}\`: ${e.reason}${e.requiredConditionKeys ? ` (condition on \`${e.requiredConditionKeys.join("` or `")}\` required)` : ""}`,
  ).join("\n");
}

/** The README's dev-exception table, generated from policy/exceptions.ts. */
export function devExceptionsMarkdown(): string {
  return [
    "| rule | resources (dev) | why dev accepts it |",
    "|---|---|---|",
    ...DEV_EXCEPTIONS.map((e) => `| \`${e.ruleId}\` | ${e.resources.map((r) => `\`${r}\``).join(", ")} | ${cell(e.reason)} |`),
  ].join("\n");
}
