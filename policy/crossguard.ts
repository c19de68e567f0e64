/**
 * The rule table as CrossGuard policies: one ResourceValidationPolicy per resource rule, one
 * StackValidationPolicy per graph rule, each with the rule's default enforcement level, severity and
 * remediation steps (policy/remediation.ts). Kept apart
 * from `pack.ts` (which starts the policy server) so tests can inspect the policies.
 */
import type { Policies, PolicyResource as CrossGuardResource, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { RULES } from "./index";
import { remediationOf } from "./remediation";
import { isGraphRule, type PolicyGraph, type PolicyResource, type Rule } from "./types";

export const PACK_NAME = "inference-platform-guardrails";

function fromCrossGuard(r: { urn: string; type: string; name: string; props: Record<string, unknown> }): PolicyResource {
  return { urn: r.urn, type: r.type, name: r.name, id: typeof r.props.id === "string" ? r.props.id : undefined, inputs: r.props };
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
        for (const v of rule.checkGraph(graph)) reportViolation(v.message, v.resource.urn);
      },
    };
  }
  return {
    ...base,
    validateResource: (args, reportViolation) => {
      if (!rule.resourceTypes.includes(args.type)) return;
      const message = rule.check(fromCrossGuard(args), { resources: [] });
      if (message) reportViolation(message);
    },
  };
}

/** Every rule of {@link RULES}, as CrossGuard policies. */
export function crossGuardPolicies(rules: readonly Rule[] = RULES): Policies {
  return rules.map(toCrossGuardPolicy);
}
