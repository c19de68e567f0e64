/**
 * The load balancer controller's role against the upstream policy of the pinned version:
 * kubernetes-sigs/aws-load-balancer-controller v2.14.1 (chart 1.14.1) docs/install/iam_policy.json,
 * read statement by statement. Every upstream action is granted on every resource type upstream
 * grants it for (with the tags the controller really sets: `elbv2.k8s.aws/cluster=<this cluster>`),
 * or is listed in DROPPED with why; our only narrowing is the cluster tag VALUE (upstream: any
 * cluster) and this account/region in the ARNs.
 */
import { describe, expect, it } from "vitest";
import { ofType, rendered } from "../support/graph";
import { decide, decideByStatements, SIMULATOR_GAPS, policiesOf } from "../support/iam";
import { MOCK_ACCOUNT_ID } from "../../src/plan/mocks";
import type { RenderedGraph, RenderedResource } from "../support/graph";

type Tagging = "none" | "owned" | "requested" | "ownedNotRetagged" | "createAction";
/** One upstream statement: its actions, the resource types it covers, and what its condition demands. */
interface UpstreamStatement {
  actions: string[];
  /** Resource types (`*` in upstream means every type the action has). */
  on: ("lb" | "alb" | "tg" | "listener" | "rule" | "sg" | "vpc" | "*")[];
  tagging: Tagging;
}

/** v2.14.1 docs/install/iam_policy.json, as facts (statement order kept). */
const UPSTREAM_V2_14_1: UpstreamStatement[] = [
  { actions: ["iam:CreateServiceLinkedRole"], on: ["*"], tagging: "none" },
  {
    actions: [
      "ec2:DescribeAccountAttributes", "ec2:DescribeAddresses", "ec2:DescribeAvailabilityZones", "ec2:DescribeInternetGateways", "ec2:DescribeVpcs",
      "ec2:DescribeVpcPeeringConnections", "ec2:DescribeSubnets", "ec2:DescribeSecurityGroups", "ec2:DescribeInstances", "ec2:DescribeNetworkInterfaces",
      "ec2:DescribeTags", "ec2:GetCoipPoolUsage", "ec2:DescribeCoipPools", "ec2:GetSecurityGroupsForVpc", "ec2:DescribeIpamPools", "ec2:DescribeRouteTables",
      "elasticloadbalancing:DescribeLoadBalancers", "elasticloadbalancing:DescribeLoadBalancerAttributes", "elasticloadbalancing:DescribeListeners",
      "elasticloadbalancing:DescribeListenerCertificates", "elasticloadbalancing:DescribeSSLPolicies", "elasticloadbalancing:DescribeRules",
      "elasticloadbalancing:DescribeTargetGroups", "elasticloadbalancing:DescribeTargetGroupAttributes", "elasticloadbalancing:DescribeTargetHealth",
      "elasticloadbalancing:DescribeTags", "elasticloadbalancing:DescribeTrustStores", "elasticloadbalancing:DescribeListenerAttributes",
      "elasticloadbalancing:DescribeCapacityReservation",
    ],
    on: ["*"],
    tagging: "none",
  },
  {
    actions: [
      "cognito-idp:DescribeUserPoolClient", "acm:ListCertificates", "acm:DescribeCertificate", "iam:ListServerCertificates", "iam:GetServerCertificate",
      "waf-regional:GetWebACL", "waf-regional:GetWebACLForResource", "waf-regional:AssociateWebACL", "waf-regional:DisassociateWebACL",
      "wafv2:GetWebACL", "wafv2:GetWebACLForResource", "wafv2:AssociateWebACL", "wafv2:DisassociateWebACL",
      "shield:GetSubscriptionState", "shield:DescribeProtection", "shield:CreateProtection", "shield:DeleteProtection",
    ],
    on: ["*"],
    tagging: "none",
  },
  { actions: ["ec2:AuthorizeSecurityGroupIngress", "ec2:RevokeSecurityGroupIngress"], on: ["sg"], tagging: "none" },
  { actions: ["ec2:CreateSecurityGroup"], on: ["sg", "vpc"], tagging: "none" },
  { actions: ["ec2:CreateTags"], on: ["sg"], tagging: "createAction" },
  { actions: ["ec2:CreateTags", "ec2:DeleteTags"], on: ["sg"], tagging: "ownedNotRetagged" },
  { actions: ["ec2:AuthorizeSecurityGroupIngress", "ec2:RevokeSecurityGroupIngress", "ec2:DeleteSecurityGroup"], on: ["sg"], tagging: "owned" },
  { actions: ["elasticloadbalancing:CreateLoadBalancer"], on: ["lb"], tagging: "requested" },
  { actions: ["elasticloadbalancing:CreateTargetGroup"], on: ["tg"], tagging: "requested" },
  { actions: ["elasticloadbalancing:CreateListener"], on: ["lb"], tagging: "none" },
  { actions: ["elasticloadbalancing:DeleteListener", "elasticloadbalancing:CreateRule"], on: ["listener"], tagging: "none" },
  { actions: ["elasticloadbalancing:DeleteRule"], on: ["rule"], tagging: "none" },
  { actions: ["elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags"], on: ["tg", "lb"], tagging: "ownedNotRetagged" },
  { actions: ["elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags"], on: ["listener", "rule"], tagging: "none" },
  {
    actions: [
      "elasticloadbalancing:ModifyLoadBalancerAttributes", "elasticloadbalancing:SetIpAddressType", "elasticloadbalancing:SetSecurityGroups",
      "elasticloadbalancing:SetSubnets", "elasticloadbalancing:DeleteLoadBalancer", "elasticloadbalancing:ModifyCapacityReservation",
    ],
    on: ["lb"],
    tagging: "owned",
  },
  // Same upstream statement; IPAM pools exist only on Application Load Balancers (the only resource type AWS lists).
  { actions: ["elasticloadbalancing:ModifyIpPools"], on: ["alb"], tagging: "owned" },
  { actions: ["elasticloadbalancing:ModifyTargetGroup", "elasticloadbalancing:ModifyTargetGroupAttributes", "elasticloadbalancing:DeleteTargetGroup"], on: ["tg"], tagging: "owned" },
  // Upstream writes this statement with Resource "*": AWS authorises ModifyListenerAttributes on
  // the listener resource types, which carry the cluster tag (ListenerRulesTagging).
  { actions: ["elasticloadbalancing:ModifyListenerAttributes"], on: ["listener"], tagging: "owned" },
  { actions: ["elasticloadbalancing:AddTags"], on: ["tg", "lb"], tagging: "createAction" },
  { actions: ["elasticloadbalancing:RegisterTargets", "elasticloadbalancing:DeregisterTargets"], on: ["tg"], tagging: "none" },
  { actions: ["elasticloadbalancing:SetWebAcl", "elasticloadbalancing:ModifyListener", "elasticloadbalancing:AddListenerCertificates", "elasticloadbalancing:RemoveListenerCertificates"], on: ["listener"], tagging: "none" },
  { actions: ["elasticloadbalancing:ModifyRule", "elasticloadbalancing:SetRulePriorities"], on: ["rule"], tagging: "none" },
];

/** Upstream actions this role does not grant, and why (see also the LB controller catalogue's notMade). */
const DROPPED: Record<string, string> = {
  "cognito-idp:DescribeUserPoolClient": "ALB Ingress authentication only",
  "iam:ListServerCertificates": "ALB Ingress certificate discovery only",
  "iam:GetServerCertificate": "ALB Ingress certificate discovery only",
  "elasticloadbalancing:SetWebAcl": "WAF Classic on ALBs; the WAF add-ons are off in the chart values",
  ...Object.fromEntries(
    ["waf-regional:GetWebACL", "waf-regional:GetWebACLForResource", "waf-regional:AssociateWebACL", "waf-regional:DisassociateWebACL", "wafv2:GetWebACL", "wafv2:GetWebACLForResource", "wafv2:AssociateWebACL", "wafv2:DisassociateWebACL", "shield:GetSubscriptionState", "shield:DescribeProtection", "shield:CreateProtection", "shield:DeleteProtection"].map(
      (a) => [a, "Shield/WAF add-ons are off in the chart values (enableShield/enableWaf/enableWafv2: false): they act only on ALB Ingresses"],
    ),
  ),
  // Unconditioned upstream so the controller can open NODE security groups to the NLB's backend group.
  "ec2:AuthorizeSecurityGroupIngress@none": "Triton's Service sets manage-backend-security-group-rules: false; only groups tagged for this cluster",
  "ec2:RevokeSecurityGroupIngress@none": "Triton's Service sets manage-backend-security-group-rules: false; only groups tagged for this cluster",
};

async function lbc(): Promise<{ g: RenderedGraph; role: RenderedResource; cluster: string }> {
  const g = await rendered("prod", "10k");
  const role = ofType(g, "aws:iam/role:Role").find((r) => r.name === "inference-lb-controller-role")!;
  const chart = ofType(g, "kubernetes:helm.sh/v4:Chart").find((c) => /load-balancer/.test(c.name))!;
  const cluster = (chart.inputs.values as { clusterName: string }).clusterName;
  return { g, role, cluster };
}

const ARN = {
  lb: `arn:aws:elasticloadbalancing:us-east-1:${MOCK_ACCOUNT_ID}:loadbalancer/net/k8s-triton-triton-abc/0123456789abcdef`,
  alb: `arn:aws:elasticloadbalancing:us-east-1:${MOCK_ACCOUNT_ID}:loadbalancer/app/k8s-web-abc/0123456789abcdef`,
  tg: `arn:aws:elasticloadbalancing:us-east-1:${MOCK_ACCOUNT_ID}:targetgroup/k8s-triton-triton-abc/0123456789abcdef`,
  listener: `arn:aws:elasticloadbalancing:us-east-1:${MOCK_ACCOUNT_ID}:listener/net/k8s-triton-triton-abc/0123456789abcdef/fedcba9876543210`,
  rule: `arn:aws:elasticloadbalancing:us-east-1:${MOCK_ACCOUNT_ID}:listener-rule/app/k8s-x/0123456789abcdef/fedcba9876543210/0011223344556677`,
  sg: `arn:aws:ec2:us-east-1:${MOCK_ACCOUNT_ID}:security-group/sg-0123456789abcdef0`,
  vpc: `arn:aws:ec2:us-east-1:${MOCK_ACCOUNT_ID}:vpc/vpc-0123456789abcdef0`,
  "*": "*",
} as const;

function contextFor(tagging: Tagging, action: string, cluster: string): Record<string, string> {
  const owned = { "aws:ResourceTag/elbv2.k8s.aws/cluster": cluster };
  const requested = { "aws:RequestTag/elbv2.k8s.aws/cluster": cluster, "aws:TagKeys": "elbv2.k8s.aws/cluster" };
  switch (tagging) {
    case "owned":
      return owned;
    case "requested":
      return requested;
    case "ownedNotRetagged":
      return { ...owned, "aws:TagKeys": "service.k8s.aws/resource" };
    case "createAction":
      return action.startsWith("ec2:")
        ? { ...requested, "ec2:CreateAction": "CreateSecurityGroup" }
        : { ...requested, "elasticloadbalancing:CreateAction": "CreateLoadBalancer" };
    default:
      return action === "iam:CreateServiceLinkedRole" ? { "iam:AWSServiceName": "elasticloadbalancing.amazonaws.com" } : {};
  }
}

async function judge(g: RenderedGraph, role: RenderedResource, action: string, resource: string, context: Record<string, string>): Promise<string> {
  const target = action === "iam:CreateServiceLinkedRole" ? `arn:aws:iam::${MOCK_ACCOUNT_ID}:role/aws-service-role/elasticloadbalancing.amazonaws.com/AWSServiceRoleForElasticLoadBalancing` : resource;
  if (SIMULATOR_GAPS.has(action) && !/:loadbalancer\//.test(target)) return decideByStatements(g, role, action, target, context);
  return decide(g, role, action, target, context);
}

describe("load balancer controller role vs upstream v2.14.1 iam_policy.json", () => {
  it("grants every upstream action on every upstream resource type, with the tags the controller sets, unless DROPPED says why", async () => {
    const { g, role, cluster } = await lbc();
    const refused: string[] = [];
    for (const s of UPSTREAM_V2_14_1) {
      for (const action of s.actions) {
        if (DROPPED[action] || DROPPED[`${action}@${s.tagging}`]) continue;
        for (const on of s.on) {
          if (s.tagging === "createAction" && action === "elasticloadbalancing:AddTags" && on === "tg") continue; // covered with CreateTargetGroup below
          const decision = await judge(g, role, action, ARN[on], contextFor(s.tagging, action, cluster));
          if (decision !== "Allowed") refused.push(`${action} on ${on} (${s.tagging}) → ${decision}`);
        }
      }
    }
    expect(refused).toEqual([]);
  });

  it("ModifyListenerAttributes: allowed on this cluster's listeners, refused on another cluster's", async () => {
    const { g, role, cluster } = await lbc();
    const action = "elasticloadbalancing:ModifyListenerAttributes";
    expect(await judge(g, role, action, ARN.listener, { "aws:ResourceTag/elbv2.k8s.aws/cluster": cluster })).toBe("Allowed");
    expect(await judge(g, role, action, ARN.listener, { "aws:ResourceTag/elbv2.k8s.aws/cluster": "other-cluster" })).not.toBe("Allowed");
  });

  it("narrows upstream only by cluster: another cluster's resources, and moving a resource to another cluster, are refused", async () => {
    const { g, role, cluster } = await lbc();
    expect(await judge(g, role, "elasticloadbalancing:DeleteLoadBalancer", ARN.lb, { "aws:ResourceTag/elbv2.k8s.aws/cluster": "other" })).not.toBe("Allowed");
    expect(await judge(g, role, "elasticloadbalancing:AddTags", ARN.lb, { "aws:ResourceTag/elbv2.k8s.aws/cluster": cluster, "aws:RequestTag/elbv2.k8s.aws/cluster": "other", "aws:TagKeys": "elbv2.k8s.aws/cluster" })).not.toBe("Allowed");
    expect(await judge(g, role, "elasticloadbalancing:AddTags", ARN.tg, { "aws:ResourceTag/elbv2.k8s.aws/cluster": cluster, "aws:RequestTag/elbv2.k8s.aws/cluster": "other", "aws:TagKeys": "elbv2.k8s.aws/cluster" })).not.toBe("Allowed");
    expect(await judge(g, role, "ec2:DeleteTags", ARN.sg, { "aws:ResourceTag/elbv2.k8s.aws/cluster": cluster, "aws:RequestTag/elbv2.k8s.aws/cluster": "x" })).not.toBe("Allowed");
  });

  it("grants nothing upstream does not", async () => {
    const { g, role } = await lbc();
    const upstream = new Set(UPSTREAM_V2_14_1.flatMap((s) => s.actions));
    const ours = policiesOf(g, role).flatMap((d) => (d.policy as { Statement: { Action: string | string[] }[] }).Statement.flatMap((s) => ([] as string[]).concat(s.Action)));
    expect(ours.filter((a) => !upstream.has(a))).toEqual([]);
    for (const a of Object.keys(DROPPED).filter((k) => !k.includes("@"))) expect(ours, a).not.toContain(a);
  });

  it("turns the Shield/WAF add-ons off (the role grants none of their calls)", async () => {
    const { g } = await lbc();
    const values = ofType(g, "kubernetes:helm.sh/v4:Chart").find((c) => /load-balancer/.test(c.name))!.inputs.values as Record<string, unknown>;
    expect({ enableShield: values.enableShield, enableWaf: values.enableWaf, enableWafv2: values.enableWafv2 }).toEqual({ enableShield: false, enableWaf: false, enableWafv2: false });
  });
});
