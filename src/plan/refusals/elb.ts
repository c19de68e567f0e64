/**
 * AWS refusal rules, Elastic Load Balancing (v2): load balancer and target group names.
 */
import { DOCS, elbNameCheck } from "./helpers";
import type { AwsRefusalRule } from "./types";

/** The rules of this family, in the table's order. */
export const ELB_RULES: readonly AwsRefusalRule[] = [
  {
    id: "elb-load-balancer-name",
    types: ["aws:lb/loadBalancer:LoadBalancer", "aws:alb/loadBalancer:LoadBalancer"],
    doc: DOCS.elbCreateLb,
    observed: false,
    check: elbNameCheck("Load balancer", (name) => (name.startsWith("internal-") ? 'must not begin with "internal-"' : undefined)),
  },
  {
    id: "elb-target-group-name",
    types: ["aws:lb/targetGroup:TargetGroup", "aws:alb/targetGroup:TargetGroup"],
    doc: DOCS.elbCreateTg,
    observed: false,
    check: elbNameCheck("Target group"),
  },
];
