/**
 * The Cluster Autoscaler: its IRSA role (describe anything, scale only this cluster's tagged groups)
 * and the chart, with the priority expander that prefers the GPU primary pool over its on-demand
 * fallback.
 */
import type * as aws from "@pulumi/aws";
import type * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ADDON_REQUESTS } from "../../sizing";
import type { PolicyStatement } from "../iam";
import type { AddonsArgs } from "./addons";
import { CLUSTER_AUTOSCALER_IMAGE_TAGS } from "./constants";
import { type AddonOpts, createIrsaRole, helmChart, SYSTEM_SCHEDULING } from "./shared";

export function createClusterAutoscaler(
  name: string,
  args: AddonsArgs,
  opts: AddonOpts,
): { role: aws.iam.Role; chart: k8s.helm.v4.Chart } {
  const role = createIrsaRole(
    name,
    "cluster-autoscaler",
    { ...args, namespace: "kube-system", serviceAccount: "cluster-autoscaler", statements: clusterAutoscalerStatements({ clusterName: args.clusterName, region: args.context.region, accountId: args.context.accountId }) },
    opts.parent,
  );
  const casImageTag = CLUSTER_AUTOSCALER_IMAGE_TAGS[args.kubernetesVersion];
  if (!casImageTag) {
    throw new Error(`\`kubernetesVersion\` ${args.kubernetesVersion} has no CLUSTER_AUTOSCALER_IMAGE_TAGS entry`);
  }
  const chart = helmChart(
    name,
    "clusterAutoscaler",
    "kube-system",
    {
      cloudProvider: "aws",
      awsRegion: args.context.region,
      autoDiscovery: { clusterName: args.clusterName },
      image: { tag: casImageTag },
      rbac: {
        serviceAccount: {
          create: true,
          name: "cluster-autoscaler",
          annotations: { "eks.amazonaws.com/role-arn": role.arn },
        },
      },
      extraArgs: {
        expander: "priority",
        "balance-similar-node-groups": true,
        "skip-nodes-with-system-pods": false,
      },
      // Higher number wins: the primary (spot where the tier says so) before the on-demand
      // fallback, which is only used when spot capacity cannot be had or the primary is at its
      // maximum. The fixed-size base (min = max) is never a scale-up option: the autoscaler skips a
      // group at its maximum and never shrinks one at its minimum.
      expanderPriorities: {
        50: [`.*${args.nodeGroupNamePrefix}gpu-primary-.*`],
        10: [`.*${args.nodeGroupNamePrefix}gpu-fallback-.*`],
        1: [".*"],
      },
      resources: { requests: ADDON_REQUESTS.clusterAutoscaler },
      ...SYSTEM_SCHEDULING,
    },
    opts,
  );
  return { role, chart };
}

/**
 * The Cluster Autoscaler's documented policy. Describe calls have no resource-level permissions
 * (AWS), so they take `*`; the two mutating calls are limited to ASGs tagged as this cluster's.
 */
export function clusterAutoscalerStatements(args: { clusterName: string; region: string; accountId: pulumi.Input<string> }): pulumi.Output<PolicyStatement[]> {
  return pulumi.output(args.accountId).apply((account) => [
    {
      Sid: "DescribeHasNoResourceLevelPermissions",
      Action: [
        "autoscaling:DescribeAutoScalingGroups",
        "autoscaling:DescribeAutoScalingInstances",
        "autoscaling:DescribeLaunchConfigurations",
        "autoscaling:DescribeScalingActivities",
        "autoscaling:DescribeTags",
        "ec2:DescribeImages",
        "ec2:DescribeInstanceTypes",
        "ec2:DescribeLaunchTemplateVersions",
        "ec2:GetInstanceTypesFromInstanceRequirements",
      ],
      Resource: "*",
    },
    {
      Sid: "DescribeThisClustersNodeGroups",
      Action: ["eks:DescribeNodegroup"],
      Resource: `arn:aws:eks:${args.region}:${account}:nodegroup/${args.clusterName}/*`,
    },
    {
      Sid: "ScaleOnlyThisClustersGroups",
      Action: ["autoscaling:SetDesiredCapacity", "autoscaling:TerminateInstanceInAutoScalingGroup"],
      Resource: "*",
      Condition: { StringEquals: { [`aws:ResourceTag/k8s.io/cluster-autoscaler/${args.clusterName}`]: "owned" } },
    },
  ]);
}
