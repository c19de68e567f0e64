/**
 * The rule table as CrossGuard policies: one ResourceValidationPolicy per resource rule, one
 * StackValidationPolicy per graph rule, each with the rule's default enforcement level, severity and
 * remediation steps (policy/remediation.ts). Kept apart
 * from `pack.ts` (which starts the policy server) so tests can inspect the policies.
 */
import type { Policies, PolicyResource as CrossGuardResource, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
// Internal module of @pulumi/policy (its .d.ts exports nothing): the unknown-value sentinels and the
// proxy's escape hatch. Read defensively; if they move, rules see the sentinels as plain strings.
import * as proxy from "@pulumi/policy/proxy";
import { ACKNOWLEDGED_RULE_ID, acknowledgementFor } from "./acknowledgements";
import { evaluatePolicies, RULES } from "./index";
import { remediationOf } from "./remediation";
import { isGraphRule, type PolicyGraph, type PolicyResource, type Rule } from "./types";

export const PACK_NAME = "inference-platform-guardrails";

/**
 * CrossGuard hands rules a proxy that THROWS on any value unknown during preview, and the policy
 * server turns that throw into an advisory "can't run policy during preview" (node_modules/@pulumi/policy
 * server.js, UnknownValueError): a mandatory rule reading an unknown id would be waved through. So
 * the rules get the plain object instead, with unknowns as `undefined`, and judge what they can see
 * (policy/types.ts: undefined means "cannot tell"; rules/network.ts judges ports when groups are unknown).
 */
const proxyInternals = proxy as unknown as Record<string, string>;
const UNKNOWN_SENTINELS = new Set(
  ["unknownBooleanValue", "unknownNumberValue", "unknownStringValue", "unknownArrayValue", "unknownAssetValue", "unknownArchiveValue", "unknownObjectValue"]
    .map((k) => proxyInternals[k])
    .filter((v): v is string => typeof v === "string"),
);

/** The plain value behind a CrossGuard proxy, with unknown sentinels replaced by undefined. */
export function withoutUnknowns(v: unknown): unknown {
  if (typeof v === "string") return UNKNOWN_SENTINELS.has(v) ? undefined : v;
  if (v === null || typeof v !== "object") return v;
  const target = (v as Record<string, unknown>)[proxyInternals.getSpecialProxyTarget ?? "__getSpecialProxyTarget"] ?? v;
  if (Array.isArray(target)) return target.map(withoutUnknowns);
  return Object.fromEntries(Object.entries(target as Record<string, unknown>).map(([k, x]) => [k, withoutUnknowns(x)]));
}

function fromCrossGuard(r: { urn: string; type: string; name: string; props: Record<string, unknown> }): PolicyResource {
  const inputs = withoutUnknowns(r.props) as Record<string, unknown>;
  return { urn: r.urn, type: r.type, name: r.name, id: typeof inputs.id === "string" ? inputs.id : undefined, inputs };
}

export function toCrossGuardPolicy(rule: Rule): ResourceValidationPolicy | StackValidationPolicy {
  // enforcementLevel is the default; a policy-pack config file overrides it per policy (policy/pack-config.ts).
  const base = {
    name: rule.id,
    description: rule.description,
    enforcementLevel: rule.enforcement,
    severity: rule.severity,
    remediationSteps: remediationOf(rule.id),
  } as const;
  if (isGraphRule(rule)) {
    return {
      ...base,
      validateStack: (args, reportViolation) => {
        const graph: PolicyGraph = { resources: args.resources.map((r: CrossGuardResource) => fromCrossGuard(r)) };
        for (const v of rule.checkGraph(graph)) {
          // Acknowledged in prod config: reported by the advisory `acknowledged-weakening` policy instead.
          if (rule.enforcement === "mandatory" && acknowledgementFor(rule.id, v.resource, graph)) continue;
          reportViolation(v.message, v.resource.urn);
        }
      },
    };
  }
  return {
    ...base,
    validateResource: (args, reportViolation) => {
      if (!rule.resourceTypes.includes(args.type)) return;
      // The resource's provider is the only other resource a resource policy sees: its default tags
      // carry the stack's acknowledgements (policy/acknowledgements.ts).
      const provider = args.provider ? [{ urn: args.provider.urn, type: args.provider.type, name: args.provider.name, inputs: withoutUnknowns(args.provider.props) as Record<string, unknown> }] : [];
      const resource = fromCrossGuard(args);
      const graph: PolicyGraph = { resources: provider };
      const message = rule.check(resource, graph);
      if (message && !(rule.enforcement === "mandatory" && acknowledgementFor(rule.id, resource, graph))) reportViolation(message);
    },
  };
}

/**
 * The advisory policy that reports every acknowledged prod weakening (the mandatory rules skip them):
 * a CrossGuard preview shows what was weakened and by which acknowledgement.
 */
export function acknowledgedWeakeningPolicy(rules: readonly Rule[] = RULES): StackValidationPolicy {
  return {
    name: ACKNOWLEDGED_RULE_ID,
    description: "Reports each prod weakening that stack config acknowledged (`acknowledge`), in place of the mandatory rule it trips.",
    enforcementLevel: "advisory",
    severity: "low",
    validateStack: (args, reportViolation) => {
      const graph: PolicyGraph = { resources: args.resources.map((r: CrossGuardResource) => fromCrossGuard(r)) };
      for (const v of evaluatePolicies(graph, rules)) if (v.acknowledgedBy) reportViolation(`${v.ruleId}: ${v.message}`, v.resourceUrn);
    },
  };
}

/** Every rule of {@link RULES}, as CrossGuard policies, plus {@link acknowledgedWeakeningPolicy}. */
export function crossGuardPolicies(rules: readonly Rule[] = RULES): Policies {
  return [...rules.map(toCrossGuardPolicy), acknowledgedWeakeningPolicy(rules)];
}
