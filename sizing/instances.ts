/**
 * The instance catalogue: what one EC2 instance type gives Kubernetes. One declaration per fact, read
 * by the node groups (GPU count for the autoscaler's node template, the accelerator label) and by the
 * offline scheduling check (src/plan/scheduling/: allocatable CPU, memory, pods and GPUs).
 *
 * Sources:
 * * vCPU, memory and GPUs: EC2 User Guide, "Amazon EC2 instance type specifications" (general purpose
 *   t4g/t3/m7g; accelerated computing g5 = NVIDIA A10G, g6 = NVIDIA L4),
 *   https://docs.aws.amazon.com/ec2/latest/instancetypes/ac.html and .../gp.html.
 * * ENIs and IPv4 addresses per ENI: awslabs/amazon-eks-ami `nodeadm/internal/kubelet/instance-info.jsonl`
 *   (the table nodeadm computes max pods from; commit 81fec2e8, 2026-07).
 * * Accelerator label values: kubernetes/autoscaler `cluster-autoscaler/cloudprovider/aws/aws_cloud_provider.go`
 *   (`availableGPUTypes`: `nvidia-a10g`, `nvidia-l4`).
 */
import type { GpuType } from "./names";

export interface InstanceType {
  vcpu: number;
  memoryGiB: number;
  /** NVIDIA GPUs (`nvidia.com/gpu` capacity once the device plugin runs). */
  gpus: number;
  /** Value of the autoscaler's GPU label `k8s.amazonaws.com/accelerator` (GPU instances only). */
  accelerator?: string;
  /** ENIs on the default network card and IPv4 addresses per ENI (nodeadm's max-pods inputs). */
  enis: number;
  ipv4PerEni: number;
  arch: "arm64" | "x86_64";
}

const general = (arch: InstanceType["arch"]) => (vcpu: number, memoryGiB: number, enis: number, ipv4PerEni: number): InstanceType => ({
  vcpu,
  memoryGiB,
  gpus: 0,
  enis,
  ipv4PerEni,
  arch,
});
const graviton = general("arm64");
const x86 = general("x86_64");
const gpu = (accelerator: string) => (vcpu: number, memoryGiB: number, gpus: number, enis: number, ipv4PerEni: number): InstanceType => ({
  vcpu,
  memoryGiB,
  gpus,
  accelerator,
  enis,
  ipv4PerEni,
  arch: "x86_64",
});

/**
 * The GPU types the platform offers, by the EC2 family that carries them: the one declaration of which
 * family runs which GPU (config validation refuses other families for a `gpuType`), of the accelerator
 * label, and of the instance type the tier table starts each GPU type on (the smallest: one GPU).
 */
export const GPU_FAMILIES = {
  l4: { family: "g6", accelerator: "nvidia-l4", defaultInstanceType: "g6.xlarge" },
  a10g: { family: "g5", accelerator: "nvidia-a10g", defaultInstanceType: "g5.xlarge" },
} as const satisfies Record<GpuType, { family: string; accelerator: string; defaultInstanceType: string }>;

const g5 = gpu(GPU_FAMILIES.a10g.accelerator);
const g6 = gpu(GPU_FAMILIES.l4.accelerator);

export const INSTANCE_TYPES: Record<string, InstanceType> = {
  "t4g.small": graviton(2, 2, 3, 4),
  "t4g.medium": graviton(2, 4, 3, 6),
  "t4g.large": graviton(2, 8, 3, 12),
  "t4g.xlarge": graviton(4, 16, 4, 15),
  "m7g.large": graviton(2, 8, 3, 10),
  "m7g.xlarge": graviton(4, 16, 4, 15),
  "t3.small": x86(2, 2, 3, 4),
  "t3.medium": x86(2, 4, 3, 6),
  "t3.large": x86(2, 8, 3, 12),
  "g5.xlarge": g5(4, 16, 1, 4, 15),
  "g5.2xlarge": g5(8, 32, 1, 4, 15),
  "g5.4xlarge": g5(16, 64, 1, 8, 30),
  "g5.8xlarge": g5(32, 128, 1, 8, 30),
  "g5.12xlarge": g5(48, 192, 4, 15, 50),
  "g5.16xlarge": g5(64, 256, 1, 8, 30),
  "g5.24xlarge": g5(96, 384, 4, 15, 50),
  "g5.48xlarge": g5(192, 768, 8, 7, 50),
  "g6.xlarge": g6(4, 16, 1, 4, 15),
  "g6.2xlarge": g6(8, 32, 1, 4, 15),
  "g6.4xlarge": g6(16, 64, 1, 8, 30),
  "g6.8xlarge": g6(32, 128, 1, 8, 30),
  "g6.12xlarge": g6(48, 192, 4, 8, 30),
  "g6.16xlarge": g6(64, 256, 1, 15, 50),
  "g6.24xlarge": g6(96, 384, 4, 15, 50),
  "g6.48xlarge": g6(192, 768, 8, 15, 50),
};

/** The catalogue entry of an instance type; refuses one the catalogue does not know, naming the key to extend. */
export function instanceType(name: string, key = "instanceTypes"): InstanceType {
  const found = INSTANCE_TYPES[name];
  if (!found) {
    throw new Error(`\`${key}\`: ${name} is not in the instance catalogue (sizing/instances.ts: ${Object.keys(INSTANCE_TYPES).join(", ")})`);
  }
  return found;
}

/** Instance-family prefixes each GPU type runs on (`g6.` for l4), from {@link GPU_FAMILIES}. */
export const GPU_FAMILY_PREFIX: Record<GpuType, string[]> = {
  l4: [`${GPU_FAMILIES.l4.family}.`],
  a10g: [`${GPU_FAMILIES.a10g.family}.`],
};

/** The instance types the tier table starts each GPU type on, from {@link GPU_FAMILIES}. */
export const GPU_DEFAULT_INSTANCE_TYPES: Record<GpuType, string[]> = {
  l4: [GPU_FAMILIES.l4.defaultInstanceType],
  a10g: [GPU_FAMILIES.a10g.defaultInstanceType],
};

/**
 * GPUs one instance of a type carries (one Triton replica per GPU), from the catalogue; a type the
 * catalogue does not know counts as one GPU, the least any GPU instance has.
 */
export function gpusPerInstance(name: string): number {
  return INSTANCE_TYPES[name]?.gpus ?? 1;
}

/**
 * Pods a node may run, as the EKS AMI's nodeadm sets kubelet `maxPods` (and sizes kube-reserved memory
 * from it): `ENIs × (IPv4 per ENI − 1) + 2` (awslabs/amazon-eks-ami `nodeadm/internal/kubelet/eni_max_pods.go`,
 * `calculateStandardMaxPods`). With VPC CNI prefix delegation, EKS managed node groups without a custom
 * AMI compute it from /28 prefixes instead and cap it at 110 below 30 vCPUs, 250 above (EKS user guide,
 * "Assign more IP addresses to Amazon EKS nodes with prefixes", considerations; the AMI's
 * `max-pods-calculator.sh --cni-prefix-delegation-enabled`).
 */
export function maxPods(type: InstanceType, prefixDelegation: boolean): number {
  if (!prefixDelegation) return type.enis * (type.ipv4PerEni - 1) + 2;
  const IPS_PER_PREFIX = 16;
  const cap = type.vcpu < 30 ? 110 : 250;
  return Math.min(type.enis * (type.ipv4PerEni - 1) * IPS_PER_PREFIX + 2, cap);
}
