/**
 * Managed node groups: a small system group for the add-ons, and the GPU group(s) Triton runs on,
 * each with a launch template (IMDSv2, encrypted gp3 root volume), plus the ASG tags the cluster
 * autoscaler needs to scale GPU groups from zero.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { applyTransform, type StackContext, type Transform } from "../component";
import { serviceTrustPolicy } from "../iam";
import { type CapacityType, DISRUPTION, type GpuPool, gpuPools, type GpuSizing, type GpuType, instanceType, type NodeGroupSizing } from "../../sizing";
import {
  GPU_ACCELERATOR_LABEL,
  GPU_NODE_LABEL,
  GPU_POOL_LABEL,
  GPU_RESOURCE,
  GPU_TAINT,
  NODE_MANAGED_POLICIES,
  SYSTEM_NODE_LABEL,
} from "./constants";

/** What a node group is for: the system group, or one GPU pool. */
export type NodeGroupRole = "system" | `gpu-${GpuPool}`;

export interface GpuNodeGroup {
  pool: GpuPool;
  capacityType: CapacityType;
  nodeGroup: aws.eks.NodeGroup;
  /** Name of the node group's Auto Scaling group (what the autoscaler's tags attach to). */
  autoscalingGroupName: pulumi.Output<string>;
}

/** Graviton instance families carry a `g` after the generation digit (t4g, m7g, c7gn, r8g). */
export function isGraviton(instanceType: string): boolean {
  return /^[a-z]+\d+g[a-z]*\./.test(instanceType);
}

/** AL2023 AMI type for the system nodes; refuses a mix of architectures, which one node group cannot run. */
export function systemAmiType(instanceTypes: string[]): "AL2023_ARM_64_STANDARD" | "AL2023_x86_64_STANDARD" {
  const arm = instanceTypes.filter(isGraviton);
  if (arm.length > 0 && arm.length < instanceTypes.length) {
    throw new Error(
      `\`systemNodes.instanceTypes\` mixes Graviton and x86 types (${instanceTypes.join(", ")}); one node group runs one architecture`,
    );
  }
  return arm.length > 0 ? "AL2023_ARM_64_STANDARD" : "AL2023_x86_64_STANDARD";
}

/** GPUs per node of a GPU node group (instance catalogue); refuses instance types with different GPU counts in one group. */
export function gpusPerNode(instanceTypes: string[]): number {
  const counts = instanceTypes.map((t) => instanceType(t, "gpu.instanceTypes").gpus);
  if (new Set(counts).size > 1) {
    throw new Error(
      `\`gpu.instanceTypes\` (${instanceTypes.join(", ")}) have different GPU counts; the autoscaler's node template needs one`,
    );
  }
  return counts[0];
}

/**
 * The `k8s.amazonaws.com/accelerator` value of a GPU node group (`nvidia-l4`, `nvidia-a10g`), the
 * label the cluster autoscaler's AWS provider treats as "this node has GPUs"; refuses a group mixing GPU models.
 */
export function acceleratorOf(instanceTypes: string[]): string {
  const models = [...new Set(instanceTypes.map((t) => instanceType(t, "gpu.instanceTypes").accelerator ?? "no NVIDIA GPU"))].sort();
  if (models.length !== 1 || models[0] === "no NVIDIA GPU") {
    throw new Error(`\`gpu.instanceTypes\` (${instanceTypes.join(", ")}) mix GPU models (${models.join(", ")}); one node group carries one accelerator label`);
  }
  return models[0];
}

/** A node IAM role with the three AWS managed policies every EKS node needs (see NODE_MANAGED_POLICIES). */
export function createNodeRole(name: string, role: string, tags: Record<string, string>, parent: pulumi.Resource): aws.iam.Role {
  const nodeRole = new aws.iam.Role(
    `${name}-${role}-node-role`,
    { assumeRolePolicy: serviceTrustPolicy("ec2.amazonaws.com"), tags },
    { parent },
  );
  for (const [key, policyArn] of Object.entries(NODE_MANAGED_POLICIES)) {
    new aws.iam.RolePolicyAttachment(`${name}-${role}-node-${key}`, { role: nodeRole.name, policyArn }, { parent });
  }
  return nodeRole;
}

/**
 * AL2023 user data turning on SOCI parallel pull and unpack (nodeadm feature gate `FastImagePull`,
 * awslabs/amazon-eks-ami nodeadm/internal/api; ignored on instances below its CPU/memory threshold).
 */
export const FAST_IMAGE_PULL_USER_DATA = [
  "MIME-Version: 1.0",
  'Content-Type: multipart/mixed; boundary="//"',
  "",
  "--//",
  "Content-Type: application/node.eks.aws",
  "",
  "apiVersion: node.eks.aws/v1alpha1",
  "kind: NodeConfig",
  "spec:",
  "  featureGates:",
  "    FastImagePull: true",
  "",
  "--//--",
  "",
].join("\n");

export interface LaunchTemplateArgs {
  diskGiB: number;
  kmsKeyArn: pulumi.Input<string>;
  securityGroupIds: pulumi.Input<string>[];
  /** IMDS hop limit: 1 keeps pods (one hop further) away from the node role's credentials. */
  imdsHopLimit: number;
  /**
   * SOCI parallel pull (nodeadm `FastImagePull`) with this root-volume throughput (MiB/s).
   * @default `undefined` (containerd's default pull, gp3 baseline throughput)
   */
  fastImagePullThroughputMiBps?: number;
  tags: Record<string, string>;
}

/**
 * No AMI is set: EKS picks the node group's `amiType` and keeps its own bootstrap user data.
 * Listing security groups here replaces the ones EKS would attach, so the cluster security group
 * (control plane ↔ node traffic) is passed explicitly with the role's own group.
 */
export function createLaunchTemplate(
  name: string,
  role: string,
  args: LaunchTemplateArgs,
  parent: pulumi.Resource,
): aws.ec2.LaunchTemplate {
  return new aws.ec2.LaunchTemplate(
    `${name}-${role}-lt`,
    {
      description: `EKS ${role} nodes`,
      updateDefaultVersion: true,
      vpcSecurityGroupIds: args.securityGroupIds,
      metadataOptions: {
        httpEndpoint: "enabled",
        httpTokens: "required",
        httpPutResponseHopLimit: args.imdsHopLimit,
      },
      blockDeviceMappings: [
        {
          deviceName: "/dev/xvda",
          ebs: {
            volumeSize: args.diskGiB,
            volumeType: "gp3",
            ...(args.fastImagePullThroughputMiBps !== undefined ? { throughput: args.fastImagePullThroughputMiBps } : {}),
            encrypted: "true",
            kmsKeyId: args.kmsKeyArn,
            deleteOnTermination: "true",
          },
        },
      ],
      // EKS merges a MIME multi-part NodeConfig with its own bootstrap (AL2023, no AMI id set).
      ...(args.fastImagePullThroughputMiBps !== undefined ? { userData: Buffer.from(FAST_IMAGE_PULL_USER_DATA).toString("base64") } : {}),
      tagSpecifications: [
        { resourceType: "instance", tags: { ...args.tags, Name: `${name}-${role}` } },
        { resourceType: "volume", tags: args.tags },
      ],
      tags: args.tags,
    },
    { parent },
  );
}

export interface NodeGroupCommonArgs {
  /** The stack: tags, and the key that encrypts the nodes' root volumes. */
  context: StackContext;
  clusterName: pulumi.Input<string>;
  /** Prefix of node-group names (`<project>-<stack>-`); see {@link createSystemNodeGroup}. */
  namePrefix: string;
  subnetIds: pulumi.Input<string[]>;
  clusterSecurityGroupId: pulumi.Input<string>;
  /**
   * Adjusts each node group's arguments, told which group it is (InferenceArgs `transform.nodeGroup`).
   * @default - The arguments as built.
   */
  transform?: Transform<aws.eks.NodeGroupArgs, [role: NodeGroupRole]>;
}

/**
 * The node group names use `nodeGroupNamePrefix`: instance types, AMI type and capacity type force
 * a node-group replacement, and a fixed name would collide with Pulumi's create-before-delete. A
 * prefix lets the new group come up (and pods move) before the old one goes; the cluster is untouched.
 */
export function createSystemNodeGroup(
  name: string,
  args: NodeGroupCommonArgs & { sizing: NodeGroupSizing; imdsHopLimit: number },
  parent: pulumi.Resource,
  dependsOn: pulumi.Resource[],
): aws.eks.NodeGroup {
  const role = createNodeRole(name, "system", args.context.identity.tags, parent);
  const launchTemplate = createLaunchTemplate(
    name,
    "system",
    {
      diskGiB: args.sizing.diskGiB,
      kmsKeyArn: args.context.kmsKeyArn,
      securityGroupIds: [args.clusterSecurityGroupId],
      imdsHopLimit: args.imdsHopLimit,
      tags: args.context.identity.tags,
    },
    parent,
  );
  const nodeGroupArgs: aws.eks.NodeGroupArgs = {
    clusterName: args.clusterName,
    nodeGroupNamePrefix: `${args.namePrefix}system-`,
    nodeRoleArn: role.arn,
    subnetIds: args.subnetIds,
    amiType: systemAmiType(args.sizing.instanceTypes),
    instanceTypes: args.sizing.instanceTypes,
    capacityType: args.sizing.capacityType,
    scalingConfig: {
      minSize: args.sizing.minNodes,
      maxSize: args.sizing.maxNodes,
      desiredSize: args.sizing.desiredNodes,
    },
    labels: { [SYSTEM_NODE_LABEL.key]: SYSTEM_NODE_LABEL.value },
    launchTemplate: { id: launchTemplate.id, version: launchTemplate.latestVersion.apply(String) },
    updateConfig: { maxUnavailable: DISRUPTION.nodeGroupMaxUnavailable },
    tags: args.context.identity.tags,
  };
  return new aws.eks.NodeGroup(
    `${name}-system`,
    applyTransform(args.transform, nodeGroupArgs, "system"),
    // The cluster autoscaler owns the desired size once the group exists; re-applying the table's
    // value on every `up` would undo its decisions (and kill busy nodes).
    { parent, dependsOn, ignoreChanges: ["scalingConfig.desiredSize"] },
  );
}

/**
 * The GPU node group(s), one per pool of the sizing (sizing/gpu-pools.ts): a fixed-size on-demand
 * `base` under a spot fleet when `gpu.onDemandBaseNodes` asks for one, the `primary` the autoscaler
 * scales first, and with `gpu.onDemandFallback` the on-demand `fallback` (min 0) its priority
 * expander turns to when spot capacity cannot be had.
 */
export function createGpuNodeGroups(
  name: string,
  args: NodeGroupCommonArgs & {
    sizing: GpuSizing;
    gpuType: GpuType;
    gpuNodesSecurityGroupId: pulumi.Input<string>;
    imdsHopLimit: number;
  },
  parent: pulumi.Resource,
  dependsOn: pulumi.Resource[],
): GpuNodeGroup[] {
  const instanceTypes = args.sizing.instanceTypes[args.gpuType];
  gpusPerNode(instanceTypes);
  const accelerator = acceleratorOf(instanceTypes);
  const role = createNodeRole(name, "gpu", args.context.identity.tags, parent);
  const launchTemplate = createLaunchTemplate(
    name,
    "gpu",
    {
      diskGiB: args.sizing.diskGiB,
      kmsKeyArn: args.context.kmsKeyArn,
      securityGroupIds: [args.gpuNodesSecurityGroupId, args.clusterSecurityGroupId],
      imdsHopLimit: args.imdsHopLimit,
      fastImagePullThroughputMiBps: args.sizing.fastImagePull ? args.sizing.fastImagePullThroughputMiBps : undefined,
      tags: args.context.identity.tags,
    },
    parent,
  );
  return gpuPools(args.sizing).map(({ pool, capacityType, minNodes, maxNodes }) => {
    const nodeGroupArgs: aws.eks.NodeGroupArgs = {
      clusterName: args.clusterName,
      nodeGroupNamePrefix: `${args.namePrefix}gpu-${pool}-`,
      nodeRoleArn: role.arn,
      subnetIds: args.subnetIds,
      amiType: "AL2023_x86_64_NVIDIA",
      instanceTypes,
      capacityType,
      scalingConfig: { minSize: minNodes, maxSize: maxNodes, desiredSize: minNodes },
      // The accelerator label is set by kubelet at registration, before the device plugin reports
      // nvidia.com/gpu: the autoscaler then counts the node as a GPU node still starting instead of
      // adding another one for the pending pod (cluster-autoscaler AWS README, "Special note on GPU instances").
      labels: { [GPU_NODE_LABEL.key]: GPU_NODE_LABEL.value, [GPU_POOL_LABEL]: pool, [GPU_ACCELERATOR_LABEL]: accelerator },
      taints: [{ key: GPU_TAINT.key, value: GPU_TAINT.value, effect: "NO_SCHEDULE" }],
      launchTemplate: { id: launchTemplate.id, version: launchTemplate.latestVersion.apply(String) },
      updateConfig: { maxUnavailable: DISRUPTION.nodeGroupMaxUnavailable },
      tags: args.context.identity.tags,
    };
    const nodeGroup = new aws.eks.NodeGroup(
      `${name}-gpu-${pool}`,
      applyTransform(args.transform, nodeGroupArgs, `gpu-${pool}` as const),
      // desired = min at creation; afterwards the cluster autoscaler moves it with demand (see the
      // system group), so Pulumi must not reset it on the next `up`.
      { parent, dependsOn, ignoreChanges: ["scalingConfig.desiredSize"] },
    );
    return {
      pool,
      capacityType,
      nodeGroup,
      autoscalingGroupName: nodeGroup.resources.apply((r) => r[0].autoscalingGroups![0].name!),
    };
  });
}

/**
 * ASG tags for scale-from-zero: with no node running, the autoscaler only knows what a new node
 * would look like from these `node-template` tags (labels, taint, GPU capacity), plus the
 * auto-discovery tags. EKS does not copy a managed node group's labels or taints to its ASG; the
 * autoscaler also reads them with `eks:DescribeNodegroup` (granted to its role), but that
 * path depends on the API call and its 6-minute cache, so the tags stay the source it always reads
 * (kubernetes/autoscaler `cluster-autoscaler/cloudprovider/aws/aws_manager.go`, `buildNodeFromTemplate`).
 */
export function autoscalerTagsFor(clusterName: string, pool: GpuPool, gpus: number, accelerator: string): Record<string, string> {
  const template = "k8s.io/cluster-autoscaler/node-template";
  return {
    "k8s.io/cluster-autoscaler/enabled": "true",
    [`k8s.io/cluster-autoscaler/${clusterName}`]: "owned",
    [`${template}/label/${GPU_NODE_LABEL.key}`]: GPU_NODE_LABEL.value,
    [`${template}/label/${GPU_POOL_LABEL}`]: pool,
    [`${template}/label/${GPU_ACCELERATOR_LABEL}`]: accelerator,
    [`${template}/taint/${GPU_TAINT.key}`]: `${GPU_TAINT.value}:${GPU_TAINT.effect}`,
    [`${template}/resources/${GPU_RESOURCE}`]: String(gpus),
  };
}

/** A short, cluster-name-free role for a tag's logical name. */
function tagRole(key: string): string {
  if (/^k8s\.io\/cluster-autoscaler\/(?!enabled$|node-template\/)/.test(key)) return "owner";
  return key.replace(/^k8s\.io\/cluster-autoscaler\//, "").replace(/[^a-zA-Z0-9-]+/g, "-");
}

export function createAutoscalerTags(
  name: string,
  args: { clusterName: string; groups: GpuNodeGroup[]; instanceTypes: string[] },
  parent: pulumi.Resource,
): aws.autoscaling.Tag[] {
  const gpus = gpusPerNode(args.instanceTypes);
  const accelerator = acceleratorOf(args.instanceTypes);
  return args.groups.flatMap((group) =>
    Object.entries(autoscalerTagsFor(args.clusterName, group.pool, gpus, accelerator)).map(
      ([key, value]) =>
        new aws.autoscaling.Tag(
          `${name}-gpu-${group.pool}-asg-tag-${tagRole(key)}`,
          {
            autoscalingGroupName: group.autoscalingGroupName,
            // The tags describe the group for the autoscaler; instances don't need them.
            tag: { key, value, propagateAtLaunch: false },
          },
          { parent },
        ),
    ),
  );
}
