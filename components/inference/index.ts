/**
 * GPU inference: an EKS cluster with a system node group and GPU node group(s), the add-ons GPU
 * serving needs, and NVIDIA Triton Inference Server behind an internal NLB, scaled by KEDA on
 * queue time and GPU utilisation (to zero where the tier allows).
 */
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { type GpuType, JOB_QUEUE, NAME_LIMITS, type Sizing, TRITON_WAKE } from "../../sizing";
import { physicalName, PlatformComponent, type StackContext, stackNamePrefix, type Transform } from "../component";
import type { PolicyStatement } from "../iam";
import type { ObservedInference } from "../observability";
import { type Addons, createAddons } from "./addons";
import {
  addonVersionsFor,
  type ClusterAccess,
  createCluster,
  createCoreDnsAddon,
  createKubernetesProvider,
  createNetworkingAddons,
} from "./cluster";
import { NAMESPACES } from "./constants";
import { INFERENCE_METRICS, type InferenceMetricNames, METRICS_DIMENSION, metricsNamespaceFor } from "./metrics";
import { createAutoscalerTags, createGpuNodeGroups, createSystemNodeGroup, type GpuNodeGroup, type NodeGroupRole } from "./node-groups";
import { createPrivateDns, type PrivateDns } from "./private-dns";
import { createTriton, type Triton, type WakeQueue } from "./triton";

export { INFERENCE_METRICS, METRICS_DIMENSION } from "./metrics";
export type { InferenceMetricNames } from "./metrics";
export type { WakeQueue } from "./triton";
export type { NodeGroupRole } from "./node-groups";

/** Where clients reach Triton: gRPC over TLS on one private name at every tier. */
export interface TritonEndpoints {
  /** `triton.<project>-<stack>.internal:8001` for gRPC clients (host:port, no scheme), at every tier. */
  grpcUrl: pulumi.Output<string>;
  /** The CA certificate (PEM) that signs Triton's server certificate: what clients verify it with. */
  caCertPem: pulumi.Output<string>;
  /** When Triton's server certificate expires (RFC 3339); renewed by `pulumi up` in its early-renewal window. */
  certificateExpiry: pulumi.Output<string>;
}

/** One node group's Auto Scaling group, named by the group's role. */
export interface NodeGroupAutoScalingGroup {
  role: NodeGroupRole;
  autoScalingGroupName: pulumi.Output<string>;
}

export interface InferenceArgs {
  /**
   * The stack: identity (names, tags), region (kubeconfig, KEDA triggers, the collector's exporter),
   * account (scopes the add-ons' IAM policies to this account's ARNs), the stack key (EKS secrets
   * envelope encryption, node root volumes, log groups, the wake queue) and log retention (control
   * plane and metrics log groups).
   */
  context: StackContext;
  /**
   * EKS Kubernetes version; needs an entry in `EKS_ADDONS` (components/inference/constants.ts).
   * @example `"1.34"`
   */
  kubernetesVersion: string;
  /** GPU type picking the GPU node group's instance types (`l4` → g6, `a10g` → g5). */
  gpuType: GpuType;
  /** System nodes, GPU nodes and Triton sizing, from the tier table. */
  sizing: Pick<Sizing, "systemNodes" | "gpu" | "triton">;
  /** The network's VPC, given to the load balancer controller so it never needs IMDS to find it. */
  vpcId: pulumi.Input<string>;
  /** Private subnets: control-plane ENIs, nodes, pods and the internal NLB. */
  privateSubnetIds: pulumi.Input<string[]>;
  /**
   * CIDRs allowed to reach Triton's HTTP/gRPC ports through the NetworkPolicy (the NLB forwards from
   * its private-subnet addresses).
   * @example `["10.0.0.0/19", "10.0.64.0/19"]`
   */
  tritonClientCidrs: pulumi.Input<string[]>;
  /** The network's security groups this component attaches. */
  securityGroupIds: { gpuNodes: pulumi.Input<string>; tritonLoadBalancer: pulumi.Input<string> };
  /**
   * CIDRs allowed to reach the public Kubernetes API endpoint (the private endpoint is always on).
   * @example `["203.0.113.0/24"]`
   */
  publicAccessCidrs: string[];
  /**
   * IAM role granted cluster-admin through an EKS access entry.
   * @default - No extra admin; only the identity that created the cluster.
   */
  adminRoleArn?: string;
  /**
   * Roles given cluster access through EKS access entries: the CI deploy role (`admin`), the CI
   * preview role (`view`), people.
   * @default []
   */
  clusterAccess?: ClusterAccess[];
  /** Triton image reference (tag or digest). @example `"nvcr.io/nvidia/tritonserver:25.10-py3"` */
  tritonImage: string;
  /** Bucket holding the model repository. */
  modelBucketName: pulumi.Input<string>;
  /** Key prefix of the model repository in that bucket. @example `"triton"` */
  modelRepositoryPrefix: string;
  /**
   * Read-only access to the model prefix, from the storage component
   * (`storage.grant("read", "models", prefix)`), for Triton's IRSA role.
   */
  modelReadStatements: pulumi.Input<PolicyStatement[]>;
  /**
   * Job queues whose backlog wakes Triton from zero replicas (workers call Triton).
   * @default `[]`
   * @example `[{ url: queue.url, arn: queue.arn, backlogPerReplica: 40 }]`
   */
  jobQueues?: (WakeQueue & { arn: pulumi.Input<string> })[];
  /**
   * IMDSv2 hop limits per node pool. 1 keeps pods off the node role's credentials (everything
   * in-cluster uses IRSA and is given its region/VPC explicitly); raise to 2 only for an add-on
   * that must read IMDS from a pod.
   * @default `{ system: 1, gpu: 1 }`
   */
  imdsHopLimit?: { system?: number; gpu?: number };
  /**
   * Adjust the children users tune most without forking the component: each is a partial of the
   * child's arguments merged over them (top-level keys replace) or a function returning the arguments
   * to use (components/component.ts `Transform`).
   * @default - Every child as built.
   * @example `{ nodeGroup: (args, role) => (role === "gpu-primary" ? { ...args, updateConfig: { maxUnavailablePercentage: 50 } } : args) }`
   */
  transform?: {
    /** The EKS cluster (`aws.eks.Cluster`). */
    cluster?: Transform<aws.eks.ClusterArgs>;
    /** Each managed node group (`aws.eks.NodeGroup`), told which one: `system`, `gpu-base`, `gpu-primary`, `gpu-fallback`. */
    nodeGroup?: Transform<aws.eks.NodeGroupArgs, [role: NodeGroupRole]>;
    /** Triton's Deployment (`k8s.apps.v1.Deployment`). */
    tritonDeployment?: Transform<k8s.apps.v1.DeploymentArgs>;
  };
}

/**
 * The inference platform on EKS.
 *
 * ```ts
 * const inference = new Inference("inference", { context, sizing, ... });
 * export const tritonUrl = inference.tritonEndpoints.grpcUrl;
 * ```
 *
 * **Cost**: EKS control plane $0.10/hour (~$73/month); system nodes per the tier (t4g on-demand
 * ~$12–25/month each); GPU nodes $0.80/hour on-demand for g6.xlarge (~$0.40 spot), $0 while scaled
 * to zero; the internal NLB ~$16/month plus LCUs (created by the load balancer controller, not by
 * Pulumi); 6 custom CloudWatch metrics ($1.80/month) plus EMF log ingestion; control-plane logs at
 * $0.50/GB ingested.
 */
export class Inference extends PlatformComponent {
  public readonly cluster: aws.eks.Cluster;
  public readonly clusterName: pulumi.Output<string>;
  public readonly kubernetesProvider: k8s.Provider;
  public readonly systemNodeGroup: aws.eks.NodeGroup;
  public readonly gpuNodeGroups: GpuNodeGroup[];
  public readonly addons: Addons;
  public readonly triton: Triton;
  /**
   * The wake queue: the gateway sends to it when Triton has no ready endpoint; KEDA wakes Triton on any
   * message. It exists at every tier, so a tier switch never creates or deletes it (SQS bills per
   * request, an idle queue costs nothing). Grant senders {@link Inference.grantWake}.
   */
  public readonly wakeQueue: aws.sqs.Queue;
  private readonly kmsKeyArn: pulumi.Input<string>;
  /** The private zone and ExternalDNS that give Triton one name at every tier (pods or NLB behind it). */
  public readonly privateDns: PrivateDns;
  /** Where and how the gateway and workers reach Triton: its private name, the CA that verifies it, the certificate's expiry. */
  public readonly tritonEndpoints: TritonEndpoints;
  /**
   * The Auto Scaling group behind each node group (system, then each GPU pool), for the
   * observability component's node status-check alarms.
   */
  public readonly nodeGroupAutoScalingGroups: NodeGroupAutoScalingGroup[];
  /** CloudWatch namespace of the inference metrics (`<project>/<stack>/Inference`). */
  public readonly metricsNamespace: string;
  /** Names of the metrics in {@link metricsNamespace}, all with the single dimension `ClusterName`. */
  public readonly metricNames: InferenceMetricNames;
  /** The one dimension every inference metric carries (`{ ClusterName: <cluster> }`), for alarms and widgets. */
  public readonly metricDimensions: Record<typeof METRICS_DIMENSION, pulumi.Output<string>>;
  public readonly oidcProviderArn: pulumi.Output<string>;
  /** What Observability watches: the cluster's metrics and each node group's ASG (its `inference`). */
  public readonly observed: ObservedInference;

  constructor(name: string, args: InferenceArgs, opts?: pulumi.ComponentResourceOptions) {
    super("inference", "Inference", name, opts);
    const { identity, region } = args.context;
    const imdsHopLimit = { system: args.imdsHopLimit?.system ?? 1, gpu: args.imdsHopLimit?.gpu ?? 1 };
    const tags = identity.tags;
    const clusterName = physicalName(identity, "eks", NAME_LIMITS.eksCluster);
    const namePrefix = `${physicalName(identity, "ng", NAME_LIMITS.eksNodeGroupPrefix)}-`;
    this.kmsKeyArn = args.context.kmsKeyArn;
    const metricsNamespace = metricsNamespaceFor(identity.project, identity.stack);
    const parent = this;
    addonVersionsFor(args.kubernetesVersion); // refuse an unpinned version before any resource

    // Scale from zero must answer a synchronous call too: a wake queue the gateway signals on
    // (TRITON_WAKE), read by KEDA like the job queues. Queue, grants and trigger exist at every tier,
    // not only where triton.minReplicas is 0: a tier switch then never deletes or creates the queue,
    // never rewrites KEDA's read policy or the ScaledObject's trigger list, and the gateway's env and
    // task policy stay the same. Where minReplicas >= 1 the trigger is inert: activation only matters
    // at zero, and wake messages (queueLength 1 000 per replica, expiring after minutes) never ask for
    // more than one replica, which the minimum already runs.
    this.wakeQueue = createWakeQueue();
    const jobQueues = [
      ...(args.jobQueues ?? []),
      { url: this.wakeQueue.url, arn: this.wakeQueue.arn, backlogPerReplica: TRITON_WAKE.queueLengthPerReplica },
    ];

    const control = createCluster(
      name,
      {
        context: args.context,
        clusterName,
        kubernetesVersion: args.kubernetesVersion,
        privateSubnetIds: args.privateSubnetIds,
        publicAccessCidrs: args.publicAccessCidrs,
        adminRoleArn: args.adminRoleArn,
        access: args.clusterAccess ?? [],
        transform: args.transform?.cluster,
      },
      parent,
    );
    this.cluster = control.cluster;
    const addonArgs = { cluster: control.cluster, kubernetesVersion: args.kubernetesVersion, tags };
    const networking = createNetworkingAddons(name, addonArgs, parent);

    const nodeCommon = {
      context: args.context,
      clusterName: control.cluster.name,
      namePrefix,
      subnetIds: args.privateSubnetIds,
      clusterSecurityGroupId: control.clusterSecurityGroupId,
      transform: args.transform?.nodeGroup,
    };
    const nodesAfter = [networking.vpcCni, networking.kubeProxy];
    this.systemNodeGroup = createSystemNodeGroup(
      name,
      { ...nodeCommon, sizing: args.sizing.systemNodes, imdsHopLimit: imdsHopLimit.system },
      parent,
      nodesAfter,
    );
    this.gpuNodeGroups = createGpuNodeGroups(
      name,
      {
        ...nodeCommon,
        sizing: args.sizing.gpu,
        gpuType: args.gpuType,
        gpuNodesSecurityGroupId: args.securityGroupIds.gpuNodes,
        imdsHopLimit: imdsHopLimit.gpu,
      },
      parent,
      nodesAfter,
    );
    createAutoscalerTags(
      name,
      { clusterName, groups: this.gpuNodeGroups, instanceTypes: args.sizing.gpu.instanceTypes[args.gpuType] },
      parent,
    );
    const coredns = createCoreDnsAddon(name, addonArgs, parent, [this.systemNodeGroup]);

    // Kubernetes objects wait for a node to run on and for DNS.
    this.kubernetesProvider = createKubernetesProvider(name, { cluster: control.cluster, region }, parent);
    const irsa = { oidcProviderArn: control.oidcProvider.arn, oidcIssuer: control.oidcIssuer, tags };
    this.addons = createAddons(
      name,
      {
        ...irsa,
        context: args.context,
        clusterName,
        vpcId: args.vpcId,
        kubernetesVersion: args.kubernetesVersion,
        metricsNamespace,
        metricsLogGroupName: `/${identity.project}/${identity.stack}/inference-metrics`,
        tritonNamespace: NAMESPACES.triton,
        jobQueueArns: jobQueues.map((q) => q.arn),
        nodeGroupNamePrefix: namePrefix,
      },
      parent,
      this.kubernetesProvider,
      [this.systemNodeGroup, coredns],
    );
    // One private name at every tier (the TLS certificate's): ExternalDNS points it at the ready pods
    // (privateDns) or at the NLB (loadBalancer), so a tier switch changes a record, never the name. The
    // zone is named from the normalized stack prefix (a `.` in a stack name would otherwise add a label).
    const privateDns = createPrivateDns(
      name,
      { ...irsa, zoneName: `${stackNamePrefix(identity)}.internal`, vpcId: args.vpcId, context: args.context, clusterName },
      parent,
      this.kubernetesProvider,
      [this.systemNodeGroup, coredns],
    );
    this.privateDns = privateDns;
    this.triton = createTriton(
      name,
      {
        ...irsa,
        context: args.context,
        clusterName,
        image: args.tritonImage,
        sizing: args.sizing.triton,
        modelBucketName: args.modelBucketName,
        modelRepositoryPrefix: args.modelRepositoryPrefix,
        modelReadStatements: args.modelReadStatements,
        loadBalancerSecurityGroupId: args.securityGroupIds.tritonLoadBalancer,
        clientCidrs: args.tritonClientCidrs,
        metricsNamespace,
        wakeQueues: jobQueues.map(({ url, backlogPerReplica }) => ({ url, backlogPerReplica })),
        hostname: privateDns.tritonHostname,
        deploymentTransform: args.transform?.tritonDeployment,
      },
      parent,
      this.kubernetesProvider,
      // The Service needs the LB controller's webhook, the ScaledObject KEDA's CRDs.
      [this.addons.loadBalancerController, this.addons.keda, this.addons.devicePlugin, privateDns.chart],
    );

    this.clusterName = control.cluster.name;
    this.oidcProviderArn = control.oidcProvider.arn;
    this.tritonEndpoints = { grpcUrl: this.triton.grpcUrl, caCertPem: this.triton.tls.caCertPem, certificateExpiry: this.triton.tls.expiry };
    this.nodeGroupAutoScalingGroups = [
      { role: "system", autoScalingGroupName: this.systemNodeGroup.resources.apply((r) => r[0].autoscalingGroups![0].name!) },
      ...this.gpuNodeGroups.map((g) => ({ role: `gpu-${g.pool}` as const, autoScalingGroupName: g.autoscalingGroupName })),
    ];
    this.metricsNamespace = metricsNamespace;
    this.metricNames = INFERENCE_METRICS;
    this.metricDimensions = { [METRICS_DIMENSION]: this.clusterName };
    this.observed = { clusterName: this.clusterName, metricsNamespace, metricNames: this.metricNames, nodeGroups: this.nodeGroupAutoScalingGroups };
    this.registerOutputs({
      clusterName: this.clusterName,
      oidcProviderArn: this.oidcProviderArn,
      tritonEndpoints: this.tritonEndpoints,
      nodeGroupAutoScalingGroups: this.nodeGroupAutoScalingGroups,
      metricsNamespace: this.metricsNamespace,
      metricNames: this.metricNames,
      metricDimensions: this.metricDimensions,
    });

    function createWakeQueue(): aws.sqs.Queue {
      return new aws.sqs.Queue(
        `${name}-triton-wake`,
        {
          name: physicalName(identity, "triton-wake", NAME_LIMITS.sqsQueue),
          messageRetentionSeconds: TRITON_WAKE.messageRetentionSeconds,
          kmsMasterKeyId: args.context.kmsKeyArn,
          // Same data-key reuse as the job queues: fewer KMS calls for the same protection.
          kmsDataKeyReusePeriodSeconds: JOB_QUEUE.kmsDataKeyReuseSeconds,
          tags,
        },
        { parent },
      );
    }
  }

  /**
   * What a caller needs to wake Triton: send to the wake queue (SSE-KMS with the stack key) and
   * nothing else. The same at every tier (the queue always exists).
   */
  public grantWake(): pulumi.Output<PolicyStatement[]> {
    return pulumi.all([this.wakeQueue.arn, this.kmsKeyArn]).apply(([arn, key]) => [
      { Sid: "WakeTriton", Action: ["sqs:SendMessage"], Resource: arn },
      { Sid: "EncryptWakeSignal", Action: ["kms:GenerateDataKey", "kms:Decrypt"], Resource: key },
    ]);
  }
}
