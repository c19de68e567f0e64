/**
 * Cluster add-ons installed with Helm: AWS Load Balancer Controller, Cluster Autoscaler, NVIDIA
 * device plugin, dcgm-exporter, KEDA and the OpenTelemetry Collector, each with its own IRSA role
 * where it calls AWS. Charts and versions come from HELM_CHARTS.
 */
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ADDON_REQUESTS } from "../../sizing";
import { irsaTrustPolicy, type PolicyStatement, policyDocument } from "../iam";
import {
  CLUSTER_AUTOSCALER_IMAGE_TAGS,
  GPU_NODE_LABEL,
  GPU_TAINT,
  HELM_CHARTS,
  NAMESPACES,
  OTEL_COLLECTOR_IMAGE,
  SYSTEM_NODE_LABEL,
} from "./constants";
import { collectorValues } from "./metrics";

/** What every IRSA role needs to know about the cluster. */
export interface IrsaContext {
  oidcProviderArn: pulumi.Input<string>;
  oidcIssuer: pulumi.Input<string>;
  tags: Record<string, string>;
}

/** An IAM role only `system:serviceaccount:<namespace>:<serviceAccount>` of this cluster can assume. */
export function createIrsaRole(
  name: string,
  role: string,
  args: IrsaContext & { namespace: string; serviceAccount: string; statements: pulumi.Input<PolicyStatement[]> },
  parent: pulumi.Resource,
): aws.iam.Role {
  const iamRole = new aws.iam.Role(
    `${name}-${role}-role`,
    {
      assumeRolePolicy: irsaTrustPolicy({
        oidcProviderArn: args.oidcProviderArn,
        oidcIssuer: args.oidcIssuer,
        namespace: args.namespace,
        serviceAccount: args.serviceAccount,
      }),
      tags: args.tags,
    },
    { parent },
  );
  new aws.iam.RolePolicy(`${name}-${role}-policy`, { role: iamRole.id, policy: policyDocument(args.statements) }, { parent });
  return iamRole;
}

function chart(
  name: string,
  role: keyof typeof HELM_CHARTS,
  namespace: pulumi.Input<string>,
  values: pulumi.Input<Record<string, unknown>>,
  opts: pulumi.ComponentResourceOptions,
): k8s.helm.v4.Chart {
  const spec = HELM_CHARTS[role];
  return new k8s.helm.v4.Chart(
    `${name}-${spec.chart}`,
    { chart: spec.chart, version: spec.version, repositoryOpts: { repo: spec.repo }, namespace, values },
    opts,
  );
}

/** Toleration + selector every GPU DaemonSet needs to land on (only) the tainted GPU nodes. */
export const GPU_SCHEDULING = {
  tolerations: [{ key: GPU_TAINT.key, operator: "Equal", value: GPU_TAINT.value, effect: GPU_TAINT.effect }],
  nodeSelector: { [GPU_NODE_LABEL.key]: GPU_NODE_LABEL.value },
};
const SYSTEM_SCHEDULING = { nodeSelector: { [SYSTEM_NODE_LABEL.key]: SYSTEM_NODE_LABEL.value } };

export interface AddonsArgs extends IrsaContext {
  clusterName: string;
  region: string;
  accountId: pulumi.Input<string>;
  vpcId: pulumi.Input<string>;
  kubernetesVersion: string;
  kmsKeyArn: pulumi.Input<string>;
  logRetentionDays: number;
  /** CloudWatch namespace the collector writes to. */
  metricsNamespace: string;
  /** Log group the collector's EMF records go to (CloudWatch extracts the metrics from them). */
  metricsLogGroupName: string;
  /** Name of the Triton namespace the collector scrapes. */
  tritonNamespace: string;
  /** Job queues whose backlog wakes Triton (KEDA reads their attributes). */
  jobQueueArns: pulumi.Input<string>[];
  /** Node-group name prefixes for the priority expander (`<prefix>gpu-primary-`, ...). */
  nodeGroupNamePrefix: string;
}

export interface Addons {
  monitoringNamespace: k8s.core.v1.Namespace;
  loadBalancerController: k8s.helm.v4.Chart;
  clusterAutoscaler: k8s.helm.v4.Chart;
  devicePlugin: k8s.helm.v4.Chart;
  dcgmExporter: k8s.helm.v4.Chart;
  keda: k8s.helm.v4.Chart;
  collector: k8s.helm.v4.Chart;
  metricsLogGroup: aws.cloudwatch.LogGroup;
  roles: Record<"loadBalancerController" | "clusterAutoscaler" | "keda" | "collector", aws.iam.Role>;
}

export function createAddons(
  name: string,
  args: AddonsArgs,
  parent: pulumi.Resource,
  provider: k8s.Provider,
  dependsOn: pulumi.Resource[],
): Addons {
  const opts = { parent, provider, dependsOn };
  const irsa = (role: string, namespace: string, serviceAccount: string, statements: pulumi.Input<PolicyStatement[]>) =>
    createIrsaRole(name, role, { ...args, namespace, serviceAccount, statements }, parent);

  const monitoringNamespace = namespace(NAMESPACES.monitoring);
  const kedaNamespace = namespace(NAMESPACES.keda);

  const lbcRole = irsa("lb-controller", "kube-system", "aws-load-balancer-controller", loadBalancerControllerStatements(args));
  const loadBalancerController = chart(
    name,
    "awsLoadBalancerController",
    "kube-system",
    {
      clusterName: args.clusterName,
      // Region and VPC given explicitly, so the controller never needs IMDS (node hop limit 1).
      region: args.region,
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
      podDisruptionBudget: { maxUnavailable: 1 },
      resources: { requests: ADDON_REQUESTS.loadBalancerController },
      serviceAccount: {
        create: true,
        name: "aws-load-balancer-controller",
        annotations: { "eks.amazonaws.com/role-arn": lbcRole.arn },
      },
      ...SYSTEM_SCHEDULING,
    },
    opts,
  );

  const casRole = irsa("cluster-autoscaler", "kube-system", "cluster-autoscaler", clusterAutoscalerStatements(args));
  const casImageTag = CLUSTER_AUTOSCALER_IMAGE_TAGS[args.kubernetesVersion];
  if (!casImageTag) {
    throw new Error(`\`kubernetesVersion\` ${args.kubernetesVersion} has no CLUSTER_AUTOSCALER_IMAGE_TAGS entry`);
  }
  const clusterAutoscaler = chart(
    name,
    "clusterAutoscaler",
    "kube-system",
    {
      cloudProvider: "aws",
      awsRegion: args.region,
      autoDiscovery: { clusterName: args.clusterName },
      image: { tag: casImageTag },
      rbac: {
        serviceAccount: {
          create: true,
          name: "cluster-autoscaler",
          annotations: { "eks.amazonaws.com/role-arn": casRole.arn },
        },
      },
      extraArgs: {
        expander: "priority",
        "balance-similar-node-groups": true,
        "skip-nodes-with-system-pods": false,
      },
      // Higher number wins: the primary (spot where the tier says so) before the on-demand
      // fallback, which is only used when spot capacity cannot be had.
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

  const devicePlugin = chart(
    name,
    "nvidiaDevicePlugin",
    "kube-system",
    {
      // Placement is decided by the node group's label alone (nodeSelector below); the chart's
      // default affinity also matches GPU-feature-discovery labels that this cluster does not run.
      affinity: null,
      ...GPU_SCHEDULING,
    },
    opts,
  );

  const dcgmExporter = chart(
    name,
    "dcgmExporter",
    NAMESPACES.monitoring,
    { serviceMonitor: { enabled: false }, resources: { requests: ADDON_REQUESTS.dcgmExporter }, ...GPU_SCHEDULING },
    { ...opts, dependsOn: [...dependsOn, monitoringNamespace] },
  );

  const kedaRole = irsa("keda", NAMESPACES.keda, "keda-operator", kedaStatements(args));
  const keda = chart(
    name,
    "keda",
    NAMESPACES.keda,
    {
      // The operator's own identity reads CloudWatch and SQS (TriggerAuthentication identityOwner: keda).
      podIdentity: { aws: { irsa: { enabled: true, roleArn: kedaRole.arn } } },
      serviceAccount: { operator: { create: true, name: "keda-operator" } },
      // The chart's own defaults, restated so the graph (and the scheduling check) carries them.
      resources: {
        operator: { requests: ADDON_REQUESTS.kedaOperator },
        metricServer: { requests: ADDON_REQUESTS.kedaMetricsServer },
        webhooks: { requests: ADDON_REQUESTS.kedaWebhooks },
      },
      ...SYSTEM_SCHEDULING,
    },
    { ...opts, dependsOn: [...dependsOn, kedaNamespace] },
  );

  const metricsLogGroup = new aws.cloudwatch.LogGroup(
    `${name}-metrics-logs`,
    {
      name: args.metricsLogGroupName,
      retentionInDays: args.logRetentionDays,
      kmsKeyId: args.kmsKeyArn,
      tags: args.tags,
    },
    { parent },
  );
  const collectorRole = irsa("otel-collector", NAMESPACES.monitoring, "otel-collector", collectorStatements(metricsLogGroup));
  const collector = chart(
    name,
    "openTelemetryCollector",
    NAMESPACES.monitoring,
    pulumi.all([collectorRole.arn]).apply(([roleArn]) => ({
      ...collectorValues({
        clusterName: args.clusterName,
        namespace: args.metricsNamespace,
        region: args.region,
        logGroupName: args.metricsLogGroupName,
        serviceAccountName: "otel-collector",
        roleArn,
        tritonNamespace: args.tritonNamespace,
        image: OTEL_COLLECTOR_IMAGE,
        nodeSelector: SYSTEM_SCHEDULING.nodeSelector,
      }),
      resources: { requests: ADDON_REQUESTS.collector },
    })),
    { ...opts, dependsOn: [...dependsOn, monitoringNamespace, metricsLogGroup] },
  );

  return {
    monitoringNamespace,
    loadBalancerController,
    clusterAutoscaler,
    devicePlugin,
    dcgmExporter,
    keda,
    collector,
    metricsLogGroup,
    roles: { loadBalancerController: lbcRole, clusterAutoscaler: casRole, keda: kedaRole, collector: collectorRole },
  };

  function namespace(ns: string): k8s.core.v1.Namespace {
    return new k8s.core.v1.Namespace(`${name}-${ns}-ns`, { metadata: { name: ns } }, opts);
  }
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

/** KEDA reads Triton's CloudWatch metrics (no resource-level permission exists for GetMetricData) and the job queues' depth. */
export function kedaStatements(args: { jobQueueArns: pulumi.Input<string>[] }): pulumi.Output<PolicyStatement[]> {
  return pulumi.output(args.jobQueueArns).apply((arns) => [
    { Sid: "ReadMetricsNoResourceLevelPermission", Action: ["cloudwatch:GetMetricData"], Resource: "*" },
    ...(arns.length > 0 ? [{ Sid: "ReadJobQueueDepth", Action: ["sqs:GetQueueAttributes"], Resource: arns }] : []),
  ]);
}

/**
 * The collector's `awsemf` exporter writes Embedded Metric Format records with PutLogEvents to one
 * log group, and CloudWatch extracts the metrics from them: it never calls PutMetricData, so its
 * role can write only to that log group.
 */
export function collectorStatements(logGroup: aws.cloudwatch.LogGroup): pulumi.Output<PolicyStatement[]> {
  return logGroup.arn.apply((arn) => [
    {
      Sid: "WriteEmfRecordsToTheMetricsLogGroup",
      Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
      Resource: [arn, `${arn}:log-stream:*`],
    },
    {
      // The exporter checks the group exists at start-up; DescribeLogGroups has no resource-level permission.
      Sid: "FindTheLogGroup",
      Action: ["logs:DescribeLogGroups"],
      Resource: "*",
    },
  ]);
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
