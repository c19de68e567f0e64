/**
 * The AWS Load Balancer Controller: its IRSA role with the controller's documented policy scoped to
 * this cluster, and the chart. It makes Triton's internal NLB (ip targets) and its readiness gates.
 */
import type * as aws from "@pulumi/aws";
import type * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ADDON_REQUESTS, DISRUPTION } from "../../sizing";
import type { PolicyStatement } from "../iam";
import type { AddonsArgs } from "./addons";
import { type AddonOpts, createIrsaRole, helmChart, SYSTEM_SCHEDULING } from "./shared";

export function createLoadBalancerController(
  name: string,
  args: AddonsArgs,
  opts: AddonOpts,
): { role: aws.iam.Role; chart: k8s.helm.v4.Chart } {
  const role = createIrsaRole(
    name,
    "lb-controller",
    { ...args, namespace: "kube-system", serviceAccount: "aws-load-balancer-controller", statements: loadBalancerControllerStatements({ clusterName: args.clusterName, region: args.context.region, accountId: args.context.accountId }) },
    opts.parent,
  );
  const chart = helmChart(
    name,
    "awsLoadBalancerController",
    "kube-system",
    {
      clusterName: args.clusterName,
      // Region and VPC given explicitly, so the controller never needs IMDS (node hop limit 1).
      region: args.context.region,
      vpcId: args.vpcId,
      // The Service mutator webhook (failurePolicy Fail, every Service in the cluster) only sets a
      // default loadBalancerClass; Triton's Service sets its own. Left on, the Services the other
      // charts create in parallel fail with "no endpoints available for service
      // aws-load-balancer-webhook-service" until the controller pods are up
      // (kubernetes-sigs/aws-load-balancer-controller#4140).
      enableServiceMutatorWebhook: false,
      // The Shield/WAF add-ons act only on ALB Ingresses (none here), yet with Shield on the controller
      // calls shield:GetSubscriptionState on every reconcile (v2.14.1 pkg/deploy/stack_deployer.go),
      // which this role does not grant: off, so the controller makes no call it is refused.
      enableShield: false,
      enableWaf: false,
      enableWafv2: false,
      // The chart runs two replicas but ships no PDB: keep one (and its webhooks) up through node drains.
      podDisruptionBudget: { maxUnavailable: DISRUPTION.podMaxUnavailable },
      resources: { requests: ADDON_REQUESTS.loadBalancerController },
      serviceAccount: {
        create: true,
        name: "aws-load-balancer-controller",
        annotations: { "eks.amazonaws.com/role-arn": role.arn },
      },
      ...SYSTEM_SCHEDULING,
    },
    opts,
  );
  return { role, chart };
}

/**
 * The AWS Load Balancer Controller's documented policy (`docs/install/iam_policy.json` of v2.14.1,
 * the controller of chart 1.14.1; test/aws/lb-controller-policy.test.ts compares statement by
 * statement), scoped: load
 * balancer and target group ARNs to this account and region, and every tag condition to THIS
 * cluster's `elbv2.k8s.aws/cluster` value rather than "any cluster". Describe/Get calls and the
 * listener/rule calls keep `*`: AWS offers no resource-level permissions for them (or the ARNs are
 * generated at creation).
 */
export function loadBalancerControllerStatements(args: {
  clusterName: string;
  region: string;
  accountId: pulumi.Input<string>;
}): pulumi.Output<PolicyStatement[]> {
  const clusterTag = "elbv2.k8s.aws/cluster";
  return pulumi.output(args.accountId).apply((account) => {
    const elb = (resource: string) => `arn:aws:elasticloadbalancing:${args.region}:${account}:${resource}`;
    const lbResources = [elb("targetgroup/*/*"), elb("loadbalancer/net/*/*"), elb("loadbalancer/app/*/*")];
    const ownedByThisCluster = { StringEquals: { [`aws:ResourceTag/${clusterTag}`]: args.clusterName } };
    const requestedForThisCluster = { StringEquals: { [`aws:RequestTag/${clusterTag}`]: args.clusterName } };
    // Upstream's retag statements also require that the request does not set the cluster tag itself
    // (`Null aws:RequestTag/elbv2.k8s.aws/cluster: true`): a resource cannot be moved to another cluster.
    const ownedNotRetagged = { ...ownedByThisCluster, Null: { [`aws:RequestTag/${clusterTag}`]: "true" } };
    const statements: PolicyStatement[] = [
      {
        Sid: "ElbServiceLinkedRole",
        Action: ["iam:CreateServiceLinkedRole"],
        Resource: "*",
        Condition: { StringEquals: { "iam:AWSServiceName": "elasticloadbalancing.amazonaws.com" } },
      },
      {
        Sid: "DescribeHasNoResourceLevelPermissions",
        Action: [
          "ec2:DescribeAccountAttributes",
          "ec2:DescribeAddresses",
          "ec2:DescribeAvailabilityZones",
          "ec2:DescribeInternetGateways",
          "ec2:DescribeVpcs",
          "ec2:DescribeVpcPeeringConnections",
          "ec2:DescribeSubnets",
          "ec2:DescribeSecurityGroups",
          "ec2:DescribeInstances",
          "ec2:DescribeNetworkInterfaces",
          "ec2:DescribeTags",
          "ec2:DescribeRouteTables",
          "ec2:GetCoipPoolUsage",
          "ec2:DescribeCoipPools",
          "ec2:GetSecurityGroupsForVpc",
          "ec2:DescribeIpamPools",
          "elasticloadbalancing:DescribeLoadBalancers",
          "elasticloadbalancing:DescribeLoadBalancerAttributes",
          "elasticloadbalancing:DescribeListeners",
          "elasticloadbalancing:DescribeListenerCertificates",
          "elasticloadbalancing:DescribeListenerAttributes",
          "elasticloadbalancing:DescribeSSLPolicies",
          "elasticloadbalancing:DescribeRules",
          "elasticloadbalancing:DescribeTargetGroups",
          "elasticloadbalancing:DescribeTargetGroupAttributes",
          "elasticloadbalancing:DescribeTargetHealth",
          "elasticloadbalancing:DescribeTags",
          "elasticloadbalancing:DescribeTrustStores",
          "elasticloadbalancing:DescribeCapacityReservation",
          "acm:ListCertificates",
          "acm:DescribeCertificate",
        ],
        Resource: "*",
      },
      {
        Sid: "ManageOwnSecurityGroupRules",
        Action: ["ec2:AuthorizeSecurityGroupIngress", "ec2:RevokeSecurityGroupIngress", "ec2:DeleteSecurityGroup"],
        Resource: `arn:aws:ec2:${args.region}:${account}:security-group/*`,
        Condition: ownedByThisCluster,
      },
      {
        Sid: "CreateSecurityGroup",
        Action: ["ec2:CreateSecurityGroup"],
        Resource: [`arn:aws:ec2:${args.region}:${account}:security-group/*`, `arn:aws:ec2:${args.region}:${account}:vpc/*`],
      },
      {
        Sid: "TagNewSecurityGroups",
        Action: ["ec2:CreateTags"],
        Resource: `arn:aws:ec2:${args.region}:${account}:security-group/*`,
        Condition: { StringEquals: { "ec2:CreateAction": "CreateSecurityGroup", [`aws:RequestTag/${clusterTag}`]: args.clusterName } },
      },
      {
        Sid: "RetagOwnSecurityGroups",
        Action: ["ec2:CreateTags", "ec2:DeleteTags"],
        Resource: `arn:aws:ec2:${args.region}:${account}:security-group/*`,
        Condition: ownedNotRetagged,
      },
      {
        Sid: "CreateLoadBalancersForThisCluster",
        Action: ["elasticloadbalancing:CreateLoadBalancer", "elasticloadbalancing:CreateTargetGroup"],
        Resource: lbResources,
        Condition: requestedForThisCluster,
      },
      {
        Sid: "TagOnCreate",
        Action: ["elasticloadbalancing:AddTags"],
        Resource: lbResources,
        Condition: {
          StringEquals: {
            "elasticloadbalancing:CreateAction": ["CreateTargetGroup", "CreateLoadBalancer"],
            [`aws:RequestTag/${clusterTag}`]: args.clusterName,
          },
        },
      },
      {
        Sid: "RetagOwnLoadBalancers",
        Action: ["elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags"],
        Resource: lbResources,
        Condition: ownedNotRetagged,
      },
      {
        Sid: "ListenersAndRules",
        Action: [
          "elasticloadbalancing:CreateListener",
          "elasticloadbalancing:DeleteListener",
          "elasticloadbalancing:CreateRule",
          "elasticloadbalancing:DeleteRule",
          "elasticloadbalancing:ModifyListener",
          "elasticloadbalancing:AddListenerCertificates",
          "elasticloadbalancing:RemoveListenerCertificates",
          "elasticloadbalancing:ModifyRule",
          "elasticloadbalancing:SetRulePriorities",
        ],
        Resource: [
          elb("loadbalancer/net/*/*"),
          elb("loadbalancer/app/*/*"),
          elb("listener/net/*/*/*"),
          elb("listener/app/*/*/*"),
          elb("listener-rule/net/*/*/*"),
          elb("listener-rule/app/*/*/*"),
        ],
      },
      {
        Sid: "TagListeners",
        Action: ["elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags"],
        Resource: [elb("listener/net/*/*/*"), elb("listener/app/*/*/*"), elb("listener-rule/net/*/*/*"), elb("listener-rule/app/*/*/*")],
      },
      {
        Sid: "ModifyOwnLoadBalancers",
        Action: [
          "elasticloadbalancing:ModifyLoadBalancerAttributes",
          "elasticloadbalancing:SetIpAddressType",
          "elasticloadbalancing:SetSecurityGroups",
          "elasticloadbalancing:SetSubnets",
          "elasticloadbalancing:DeleteLoadBalancer",
          "elasticloadbalancing:ModifyTargetGroup",
          "elasticloadbalancing:ModifyTargetGroupAttributes",
          "elasticloadbalancing:DeleteTargetGroup",
          "elasticloadbalancing:ModifyCapacityReservation",
          "elasticloadbalancing:ModifyIpPools",
        ],
        Resource: lbResources,
        Condition: ownedByThisCluster,
      },
      {
        // Called on the LISTENER right after CreateListener for HTTP/HTTPS/TCP listeners
        // (v2.14.1 pkg/deploy/elbv2/listener_attributes_reconciler.go); AWS authorises it on the
        // listener resource types only, and the controller tags listeners with the cluster tag
        // (pkg/deploy/tracking/provider.go, feature gate ListenerRulesTagging on by default).
        Sid: "ModifyOwnListenerAttributes",
        Action: ["elasticloadbalancing:ModifyListenerAttributes"],
        Resource: [elb("listener/net/*/*/*"), elb("listener/app/*/*/*")],
        Condition: ownedByThisCluster,
      },
      {
        Sid: "RegisterTargets",
        Action: ["elasticloadbalancing:RegisterTargets", "elasticloadbalancing:DeregisterTargets"],
        Resource: elb("targetgroup/*/*"),
      },
    ];
    return statements;
  });
}
