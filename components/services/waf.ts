/**
 * Owns the API's AWS WAF web ACL (prod): the AWS managed rule groups and the rules that only count,
 * a per-IP rate limit from the tier table, its association with the gateway's ALB, and its logs
 * (credentials and cookies redacted).
 */
import * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import { NAME_LIMITS } from "../../sizing";
import { physicalName, type StackContext } from "../component";

/** AWS managed rule groups on the web ACL, in evaluation order (all from vendor `AWS`). */
export const WAF_MANAGED_RULE_GROUPS = [
  "AWSManagedRulesAmazonIpReputationList",
  "AWSManagedRulesCommonRuleSet",
  "AWSManagedRulesKnownBadInputsRuleSet",
] as const;

/**
 * Rules of those groups that only count instead of blocking. The Core rule set's `SizeRestrictions_BODY`
 * blocks every request body above 8 KB (AWS WAF docs, "Baseline rule groups"), which would turn
 * inference calls with larger inputs into 403s in prod only (dev has no WAF). Body size is the API's to
 * limit; the other rules still inspect the first 8 KB, all an ALB forwards to WAF.
 */
export const WAF_COUNT_ONLY_RULES: Partial<Record<(typeof WAF_MANAGED_RULE_GROUPS)[number], string[]>> = {
  AWSManagedRulesCommonRuleSet: ["SizeRestrictions_BODY"],
};

export interface WebAclArgs {
  /** The stack: names, tags, log retention and the KMS key of the WAF log group. */
  context: StackContext;
  /** The load balancer the web ACL protects. */
  loadBalancerArn: pulumi.Input<string>;
  /** Requests one IP may send per 5 minutes before it is blocked (the tier table's `gateway.wafRateLimitPer5Min`). */
  rateLimitPer5Min: number;
}

/** The web ACL in front of the gateway's ALB, children named `${prefix}-waf...` under `parent`. */
export function createWebAcl(prefix: string, args: WebAclArgs, parent: pulumi.Resource): aws.wafv2.WebAcl {
  const tags = args.context.identity.tags;
  const child = (what: string) => `${prefix}-${what}`;
  const aclName = physicalName(args.context.identity, "api", NAME_LIMITS.webAcl);
  const visibility = (metricName: string) => ({
    cloudwatchMetricsEnabled: true,
    metricName,
    sampledRequestsEnabled: true,
  });
  const managedRules = WAF_MANAGED_RULE_GROUPS.map((group, priority) => ({
    name: group,
    priority,
    // `none` keeps each group's own block actions (`count` would only observe).
    overrideAction: { none: {} },
    statement: {
      managedRuleGroupStatement: {
        vendorName: "AWS",
        name: group,
        ruleActionOverrides: WAF_COUNT_ONLY_RULES[group]?.map((rule) => ({ name: rule, actionToUse: { count: {} } })),
      },
    },
    visibilityConfig: visibility(group),
  }));
  const rateRule = {
    name: "rate-limit-per-ip",
    priority: managedRules.length,
    action: { block: {} },
    statement: { rateBasedStatement: { limit: args.rateLimitPer5Min, aggregateKeyType: "IP" } },
    visibilityConfig: visibility("rate-limit-per-ip"),
  };
  const acl = new aws.wafv2.WebAcl(
    child("waf"),
    {
      name: aclName,
      scope: "REGIONAL",
      defaultAction: { allow: {} },
      rules: [...managedRules, rateRule],
      visibilityConfig: visibility(aclName),
      tags,
    },
    { parent },
  );
  new aws.wafv2.WebAclAssociation(
    child("waf-association"),
    { resourceArn: args.loadBalancerArn, webAclArn: acl.arn },
    { parent },
  );
  const logGroup = new aws.cloudwatch.LogGroup(
    child("waf-logs"),
    {
      // AWS WAF only delivers to log groups whose name starts with `aws-waf-logs-`.
      name: `aws-waf-logs-${aclName}`,
      retentionInDays: args.context.logRetentionDays,
      kmsKeyId: args.context.kmsKeyArn,
      tags,
    },
    { parent },
  );
  new aws.wafv2.WebAclLoggingConfiguration(
    child("waf-logging"),
    {
      resourceArn: acl.arn,
      logDestinationConfigs: [logGroup.arn],
      // Credentials and session cookies never land in the logs.
      redactedFields: [{ singleHeader: { name: "authorization" } }, { singleHeader: { name: "cookie" } }],
    },
    { parent },
  );
  return acl;
}
