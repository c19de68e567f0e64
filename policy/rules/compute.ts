/**
 * The inference cluster: EKS control plane, managed node groups and their launch templates.
 */
import { opensToInternet } from "../cidr";
import { arr, get, graphRule, obj, ofTypes, type PolicyResource, resourceRule, type Rule } from "../types";

const EKS = ["aws:eks/cluster:Cluster"];
const NODE_GROUP = ["aws:eks/nodeGroup:NodeGroup"];
const LAUNCH_TEMPLATE = ["aws:ec2/launchTemplate:LaunchTemplate"];

/**
 * Oldest EKS version in standard support on 2026-11. The pack is published on its own (`pulumi policy
 * publish` uploads only this folder), so it cannot import sizing/constants.ts; test/policy/rules.test.ts
 * keeps it equal to the oldest of `SUPPORTED_KUBERNETES_VERSIONS` there.
 */
export const EKS_STANDARD_SUPPORT_FLOOR = "1.32";

/** Control-plane log types EKS.8 asks for. */
export const EKS_LOG_TYPES = ["api", "audit", "authenticator", "controllerManager", "scheduler"];

/**
 * Highest IMDS hop limit allowed on node launch templates. 1 keeps pods (one hop further) away from
 * the node role's credentials, which IRSA makes unnecessary; raise to 2 only if an add-on that cannot
 * use IRSA needs IMDS (the GPU operator's node-feature discovery is the usual suspect).
 */
export const MAX_IMDS_HOP_LIMIT = 1;

/** A GPU node group: one on an NVIDIA/GPU EKS AMI (AL2023_x86_64_NVIDIA, AL2_x86_64_GPU, BOTTLEROCKET_x86_64_NVIDIA, ...). */
const isGpuNodeGroup = (r: PolicyResource) => /NVIDIA|GPU/.test(String(r.inputs.amiType ?? ""));
/** Node groups of one accelerator (`k8s.amazonaws.com/accelerator` label; one bucket for groups without it). */
const acceleratorOf = (r: PolicyResource) => String(obj(r.inputs.labels)?.["k8s.amazonaws.com/accelerator"] ?? "gpu");
/** A node group's scaling bounds; undefined while a preview cannot see them (the rule then cannot tell). */
const boundsOf = (r: PolicyResource): { min: number; max: number } | undefined => {
  const [min, max] = [get(r.inputs, "scalingConfig.minSize"), get(r.inputs, "scalingConfig.maxSize")];
  return typeof min === "number" && typeof max === "number" ? { min, max } : undefined;
};

const versionNumber = (v: string) => v.split(".").map(Number).reduce((a, n) => a * 1000 + n, 0);

export const computeRules: Rule[] = [
  resourceRule(
    { id: "eks-endpoint-restricted", description: "The Kubernetes API endpoint is private, or public only to listed CIDRs that do not cover a large part of the internet (0.0.0.0/0, 0.0.0.0/1 + 128.0.0.0/1, ...).", severity: "high", enforcement: "mandatory", controls: { checkov: ["CKV_AWS_39", "CKV_AWS_38"], fsbp: ["EKS.1"] } },
    EKS,
    (i) => {
      if (get(i, "vpcConfig.endpointPublicAccess") === false) return undefined;
      const cidrs = arr(get(i, "vpcConfig.publicAccessCidrs")).map(String);
      // Empty or unset: EKS applies its default 0.0.0.0/0 (API VpcConfigRequest.publicAccessCidrs).
      if (cidrs.length === 0) return "public endpoint open to any address (publicAccessCidrs unset: EKS defaults to 0.0.0.0/0)";
      return opensToInternet(cidrs) ? `publicAccessCidrs ${cidrs.join(", ")} cover a large part of the internet` : undefined;
    },
  ),
  resourceRule(
    { id: "eks-secrets-encryption", description: "Kubernetes secrets are envelope-encrypted with the stack's KMS key.", severity: "high", enforcement: "mandatory", controls: { checkov: ["CKV_AWS_58"], fsbp: ["EKS.3"] } },
    EKS,
    (i) => {
      const configs = arr(i.encryptionConfig);
      const ok = configs.some((c) => arr(get(c, "resources")).includes("secrets") && get(c, "provider.keyArn"));
      return ok ? undefined : "encryptionConfig must cover secrets with provider.keyArn";
    },
  ),
  resourceRule(
    { id: "eks-control-plane-logging", description: "All control-plane log types go to CloudWatch.", severity: "medium", enforcement: "mandatory", controls: { checkov: ["CKV_AWS_37"], fsbp: ["EKS.8"] } },
    EKS,
    (i) => {
      const missing = EKS_LOG_TYPES.filter((t) => !arr(i.enabledClusterLogTypes).includes(t));
      return missing.length === 0 ? undefined : `enabledClusterLogTypes misses ${missing.join(", ")}`;
    },
  ),
  resourceRule(
    { id: "eks-supported-version", description: `EKS runs a version in standard support (${EKS_STANDARD_SUPPORT_FLOOR} or later).`, severity: "medium", enforcement: "mandatory", controls: { checkov: ["CKV_AWS_339"], fsbp: ["EKS.2"] } },
    EKS,
    (i) => {
      const v = String(i.version ?? "");
      if (v === "") return "version is not pinned (EKS picks its default, which changes under you)";
      return versionNumber(v) >= versionNumber(EKS_STANDARD_SUPPORT_FLOOR) ? undefined : `version ${v} is out of standard support`;
    },
  ),
  resourceRule(
    { id: "eks-nodegroup-no-open-ssh", description: "Node groups allow no SSH, or only from named security groups.", severity: "high", enforcement: "mandatory", controls: { checkov: ["CKV_AWS_100"] } },
    NODE_GROUP,
    (i) => {
      const ra = obj(i.remoteAccess);
      if (!ra) return undefined;
      return arr(ra.sourceSecurityGroupIds).length > 0 ? undefined : "remoteAccess without sourceSecurityGroupIds opens SSH to the world";
    },
  ),
  graphRule(
    {
      id: "eks-spot-gpu-on-demand-fallback",
      description:
        "Every spot GPU node has an on-demand stand-in: per accelerator, the on-demand GPU node groups can add at least as many nodes above their minimum (max − min; a fixed-size group stands in for nothing) as the spot groups may hold at their maximum (capacity ≥ 2× must not rest on spot; a spot shortage can last hours).",
      severity: "high",
      enforcement: "mandatory",
      controls: {},
    },
    NODE_GROUP,
    (graph) => {
      const gpuGroups = ofTypes(graph, NODE_GROUP).filter(isGpuNodeGroup);
      const findings: { resource: PolicyResource; message: string }[] = [];
      for (const accelerator of new Set(gpuGroups.map(acceleratorOf))) {
        const groups = gpuGroups.filter((g) => acceleratorOf(g) === accelerator);
        // A preview that cannot see a group's capacity type or bounds cannot tell: no finding.
        if (groups.some((g) => boundsOf(g) === undefined || (g.inputs.capacityType !== undefined && typeof g.inputs.capacityType !== "string"))) continue;
        // An unset capacity type is EKS's default, ON_DEMAND (CreateNodegroup API reference).
        const spot = groups.filter((g) => g.inputs.capacityType === "SPOT");
        const spotMax = spot.reduce((sum, g) => sum + boundsOf(g)!.max, 0);
        const standby = groups.filter((g) => g.inputs.capacityType !== "SPOT").reduce((sum, g) => sum + boundsOf(g)!.max - boundsOf(g)!.min, 0);
        if (spotMax > standby) {
          for (const g of spot) {
            findings.push({
              resource: g,
              message: `${accelerator}: spot GPU groups may hold ${spotMax} nodes, the on-demand ones can add only ${standby} above their minimum; add an on-demand fallback group (gpu.onDemandFallback)`,
            });
          }
        }
      }
      return findings;
    },
  ),
  resourceRule(
    { id: "launch-template-imdsv2", description: "Node launch templates require IMDSv2 session tokens.", severity: "high", enforcement: "mandatory", controls: { checkov: ["CKV_AWS_79"], fsbp: ["EC2.8"] } },
    LAUNCH_TEMPLATE,
    (i) => (get(i, "metadataOptions.httpTokens") === "required" ? undefined : "metadataOptions.httpTokens must be required"),
  ),
  resourceRule(
    { id: "launch-template-imds-hop-limit", description: `IMDS hop limit is at most ${MAX_IMDS_HOP_LIMIT}, so pods cannot borrow the node role (they use IRSA).`, severity: "medium", enforcement: "mandatory", controls: { checkov: ["CKV_AWS_341"] } },
    LAUNCH_TEMPLATE,
    (i) => {
      const hops = Number(get(i, "metadataOptions.httpPutResponseHopLimit") ?? NaN);
      return hops <= MAX_IMDS_HOP_LIMIT ? undefined : `httpPutResponseHopLimit is ${Number.isNaN(hops) ? "unset" : hops}; at most ${MAX_IMDS_HOP_LIMIT}`;
    },
  ),
  resourceRule(
    { id: "launch-template-ebs-encrypted", description: "Node root volumes are encrypted.", severity: "high", enforcement: "mandatory", controls: { checkov: ["CKV_AWS_8"] } },
    LAUNCH_TEMPLATE,
    (i) => {
      const devices = arr(i.blockDeviceMappings);
      const bad = devices.find((d) => get(d, "ebs") && String(get(d, "ebs.encrypted")) !== "true");
      return bad ? `volume ${String(get(bad, "deviceName"))} is not encrypted` : undefined;
    },
  ),
];
