/**
 * How the policy pack learns that prod config acknowledged a weakening, so a CrossGuard preview does
 * not block what config accepted, without opening a side door.
 *
 * Config (src/config) accepts a weakened prod setting only with its named acknowledgement in the
 * `acknowledge` key. It then adds the tag `guardrails:acknowledged:<name>` to the stack's tags, which
 * the AWS provider applies to every resource (`defaultTags`). The rules here read that tag from the
 * resource's own `tags` / `tagsAll` or from its AWS provider's `defaultTags`, and a violation of a rule
 * listed for an acknowledged name is reported as the advisory finding `acknowledged-weakening` instead
 * of a mandatory one: visible in every preview, no longer blocking. Only the rules listed for a name
 * are downgraded, and only on resources that carry the tag; config refuses user tags under
 * `guardrails:` so the tag is not a way around `acknowledge`.
 */
import { DEV_EXCEPTIONS } from "./exceptions";
import { obj, type PolicyGraph, type PolicyResource, providerDefaultTags } from "./types";

export const ACKNOWLEDGEMENT_TAG_PREFIX = "guardrails:acknowledged:";

/** The acknowledgements config accepts (sizing/weakening.ts WEAKENING_ACKNOWLEDGEMENTS has one entry per name). */
export const ACKNOWLEDGEMENT_NAMES = [
  "prod-as-dev",
  "prod-without-deletion-protection",
  "prod-without-final-snapshot",
  "prod-force-destroy-buckets",
  "prod-without-waf",
  "prod-without-flow-logs",
  "prod-without-access-logs",
  "prod-single-az-database",
  "prod-short-backups",
  "prod-fewer-read-replicas",
  "prod-reduced-database-monitoring",
  "prod-single-nat",
  "prod-fewer-availability-zones",
  "prod-spot-capacity",
  "prod-reduced-min-capacity",
  "prod-short-log-retention",
  "prod-single-cache-node",
  "prod-short-cache-snapshots",
  "prod-raised-waf-rate-limit",
  "prod-public-eks-endpoint",
  "prod-wildcard-cors",
] as const;
export type AcknowledgementName = (typeof ACKNOWLEDGEMENT_NAMES)[number];

/**
 * Each acknowledgement config accepts, and the MANDATORY rules its weakening may trip. An empty list:
 * the promise is config's only, or the rules it trips are advisory (reported anyway, never blocking).
 */
export const ACKNOWLEDGEMENT_RULES: Record<AcknowledgementName, string[]> = {
  // A prod-named stack run with the dev profile accepts exactly what dev accepts.
  "prod-as-dev": DEV_EXCEPTIONS.map((e) => e.ruleId),
  "prod-without-deletion-protection": ["rds-deletion-protection", "alb-deletion-protection"],
  "prod-without-final-snapshot": ["rds-final-snapshot"],
  "prod-force-destroy-buckets": ["s3-bucket-no-force-destroy"],
  "prod-without-waf": ["alb-has-waf"],
  "prod-without-flow-logs": ["vpc-flow-logs"],
  "prod-without-access-logs": ["s3-bucket-access-logging", "alb-access-logs"],
  "prod-single-az-database": ["rds-multi-az"],
  "prod-short-backups": [],
  "prod-fewer-read-replicas": [],
  "prod-reduced-database-monitoring": [],
  "prod-single-nat": [],
  "prod-fewer-availability-zones": [],
  "prod-spot-capacity": ["eks-spot-gpu-on-demand-fallback"],
  "prod-reduced-min-capacity": [],
  "prod-short-log-retention": [],
  "prod-single-cache-node": [],
  "prod-short-cache-snapshots": [],
  "prod-raised-waf-rate-limit": [],
  "prod-public-eks-endpoint": ["eks-endpoint-restricted"],
  "prod-wildcard-cors": [],
};

function tagKeys(v: unknown): string[] {
  return Object.keys(obj(v) ?? {});
}

/** Acknowledgement names a resource carries: its own tags, or its AWS provider's default tags. */
export function acknowledgementsOn(resource: PolicyResource, graph: PolicyGraph): AcknowledgementName[] {
  const keys = [...tagKeys(resource.inputs.tags), ...tagKeys(resource.inputs.tagsAll), ...providerDefaultTags(graph).flatMap(tagKeys)];
  return keys
    .filter((k) => k.startsWith(ACKNOWLEDGEMENT_TAG_PREFIX))
    .map((k) => k.slice(ACKNOWLEDGEMENT_TAG_PREFIX.length))
    .filter((n): n is AcknowledgementName => n in ACKNOWLEDGEMENT_RULES);
}

/** The acknowledgement that covers `ruleId` on this resource, if any. */
export function acknowledgementFor(ruleId: string, resource: PolicyResource, graph: PolicyGraph): AcknowledgementName | undefined {
  return acknowledgementsOn(resource, graph).find((n) => ACKNOWLEDGEMENT_RULES[n].includes(ruleId));
}

/** The advisory id acknowledged violations are reported under. */
export const ACKNOWLEDGED_RULE_ID = "acknowledged-weakening";
