/**
 * THE list of IAM actions the platform may allow on `Resource: "*"`: actions for which AWS offers no
 * resource-level permission (the Service Authorization Reference lists no resource type for them), or
 * which act on resources that do not exist yet and are scoped by a condition instead. Every other
 * action must name its resources. The rule `iam-no-star-resource` and the README read this list.
 *
 * An entry may require a condition key: the statement must carry a condition on that key (e.g.
 * `cloudwatch:PutMetricData` only into the platform's namespace), or a tag condition such as
 * `aws:ResourceTag/...` for controllers that act on resources created at run time.
 */
export interface StarResourceAction {
  /** Action or action pattern (`ec2:Describe*`). */
  action: string;
  /** Why `*` is unavoidable. */
  reason: string;
  /** The statement must condition on a key starting with one of these. */
  requiredConditionKeys?: string[];
}

export const STAR_RESOURCE_ACTIONS: readonly StarResourceAction[] = [
  { action: "ec2:Describe*", reason: "EC2 Describe calls support no resource-level permissions" },
  { action: "ec2:Get*", reason: "EC2 Get* calls (e.g. GetSecurityGroupsForVpc) support no resource-level permissions" },
  { action: "autoscaling:Describe*", reason: "Auto Scaling Describe calls support no resource-level permissions" },
  { action: "eks:DescribeAddonVersions", reason: "lists add-on versions across EKS; no resource type" },
  { action: "elasticloadbalancing:Describe*", reason: "ELB Describe calls support no resource-level permissions" },
  { action: "ecr:GetAuthorizationToken", reason: "the registry token is account-wide; no resource type" },
  {
    action: "cloudwatch:PutMetricData",
    reason: "metrics have no ARN; scoped by namespace instead",
    requiredConditionKeys: ["cloudwatch:namespace"],
  },
  { action: "cloudwatch:GetMetricData", reason: "metric reads have no resource type" },
  { action: "cloudwatch:ListMetrics", reason: "metric listing has no resource type" },
  { action: "sqs:ListQueues", reason: "listing queues has no resource type" },
  { action: "route53:ListHostedZones", reason: "listing hosted zones has no resource type (ExternalDNS finds its private zone)" },
  { action: "xray:PutTraceSegments", reason: "X-Ray segment writes have no resource type" },
  { action: "xray:PutTelemetryRecords", reason: "X-Ray telemetry writes have no resource type" },
  { action: "acm:DescribeCertificate", reason: "read by the load balancer controller for any listener certificate" },
  { action: "acm:ListCertificates", reason: "listing has no resource type" },
  { action: "wafv2:GetWebACLForResource", reason: "lookup by the associated resource; no web ACL ARN known beforehand" },
  { action: "shield:GetSubscriptionState", reason: "account-level Shield state; no resource type" },
  { action: "logs:DescribeLogGroups", reason: "lists log groups; AWS evaluates it against every group of the account" },
  {
    action: "iam:CreateServiceLinkedRole",
    reason: "load balancer controller: the ELB service-linked role; scoped to that service by condition",
    requiredConditionKeys: ["iam:AWSServiceName"],
  },
  { action: "ssm:DescribeParameters", reason: "listing parameters has no resource type" },
  { action: "kms:ListAliases", reason: "listing aliases has no resource type" },
  {
    action: "autoscaling:SetDesiredCapacity",
    reason: "cluster autoscaler: node-group ASGs are created by EKS at run time; scoped by their owner tag",
    requiredConditionKeys: ["aws:ResourceTag/", "autoscaling:ResourceTag/"],
  },
  {
    action: "autoscaling:TerminateInstanceInAutoScalingGroup",
    reason: "cluster autoscaler: node-group ASGs are created by EKS at run time; scoped by their owner tag",
    requiredConditionKeys: ["aws:ResourceTag/", "autoscaling:ResourceTag/"],
  },
  {
    action: "ec2:CreateSecurityGroup",
    reason: "load balancer controller: creates groups for NLBs at run time; scoped by the request tag",
    requiredConditionKeys: ["aws:RequestTag/"],
  },
  {
    action: "elasticloadbalancing:Create*",
    reason: "load balancer controller: creates load balancers and target groups at run time; scoped by the request tag",
    requiredConditionKeys: ["aws:RequestTag/"],
  },
];

/** The allowlist entry covering an action, if any. */
export function starResourceEntry(action: string): StarResourceAction | undefined {
  const re = (p: string) => new RegExp(`^${p.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*")}$`, "i");
  // An action pattern is covered only if every action it can match is covered: compare literally
  // (an allowlist pattern matches the statement's pattern text, `*` included).
  return STAR_RESOURCE_ACTIONS.find((e) => re(e.action).test(action));
}
