/**
 * THE table of mandatory-rule violations the dev environment accepts, with the reason for each.
 * Prod accepts none. The stack tests assert that dev's violations equal exactly this table on every
 * tier, so a new violation (or a fixed one) fails the suite until this table says why; the README
 * lists it. Entries name the rule and the logical resource name.
 */
export interface DevException {
  ruleId: string;
  /** Logical names of the resources the rule flags in dev. */
  resources: string[];
  reason: string;
}

export const DEV_EXCEPTIONS: readonly DevException[] = [
  {
    ruleId: "s3-bucket-access-logging",
    resources: ["storage-models", "storage-artifacts", "storage-datasets"],
    reason: "dev turns access logs off (safety.accessLogs): no log bucket to pay for",
  },
  {
    ruleId: "s3-bucket-no-force-destroy",
    resources: ["storage-models", "storage-artifacts", "storage-datasets"],
    reason: "dev buckets are disposable: `pulumi destroy` empties them (safety.forceDestroyBuckets)",
  },
  { ruleId: "rds-multi-az", resources: ["database-writer"], reason: "dev runs a single-AZ database (half the instance cost)" },
  { ruleId: "rds-deletion-protection", resources: ["database-writer"], reason: "dev stacks are torn down freely" },
  { ruleId: "rds-final-snapshot", resources: ["database-writer"], reason: "dev data is disposable; no snapshot left behind on destroy" },
  { ruleId: "alb-http-redirects-to-https", resources: ["gateway-http"], reason: "dev may run without a certificate: the ALB serves plain HTTP (config warns)" },
  { ruleId: "alb-access-logs", resources: ["gateway-alb"], reason: "dev turns access logs off (safety.accessLogs)" },
  { ruleId: "alb-deletion-protection", resources: ["gateway-alb"], reason: "dev stacks are torn down freely" },
  { ruleId: "alb-has-waf", resources: ["gateway-alb"], reason: "WAF is off in dev (safety.waf): $5/month per ACL plus rules for a stack nobody outside uses" },
  {
    ruleId: "eks-endpoint-restricted",
    resources: ["inference-cluster"],
    reason: "dev's Kubernetes API defaults to 0.0.0.0/0 (eksPublicAccessCidrs; config warns; prod requires a list)",
  },
  { ruleId: "vpc-flow-logs", resources: ["network-vpc"], reason: "flow logs are off in dev (safety.flowLogs): CloudWatch ingestion cost" },
  {
    ruleId: "eks-spot-gpu-on-demand-fallback",
    resources: ["inference-gpu-primary"],
    reason: "dev's GPU nodes are spot with no on-demand fallback (sizing/environments.ts): a spot shortage pauses dev's inference instead of paying on-demand prices",
  },
];
