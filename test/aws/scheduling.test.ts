/**
 * Scheduling, judged by the kubelet's and the scheduler's rules rather than the mocks: on every shipped
 * stack × tier each pod fits the nodes that may run it (allocatable after the EKS AMI's reservations and
 * the DaemonSets there), and a rollout with every Deployment at max replicas plus surge fits the node
 * groups' maxima. Fixtures show the check fails when a pod outgrows its node or a rollout its group.
 */
import { describe, expect, it } from "vitest";
import { INSTANCE_TYPES, maxPods } from "../../sizing";
import { ConfigError, parsePlatformConfig } from "../../src/config";
import type { RenderedResource } from "../../src/plan/harness";
import {
  allocatable,
  checkScheduling,
  cpuMillis,
  kubeReservedCpuMillis,
  kubeReservedMemoryMiB,
  mayRunOn,
  memoryMiB,
  resolveSurge,
} from "../../src/plan/scheduling";
import { CHARTS_WITH_WORKLOADS } from "../../src/plan/scheduling/workloads";
import { named, rendered, stackTierMatrix, type Captured, type RenderedGraph } from "../support/graph";

describe.each(stackTierMatrix())("scheduling of $stack at $tier", ({ stack, tier }) => {
  it("fits every pod on its nodes and a rollout at max scale on the node groups' maxima", async () => {
    const report = checkScheduling(await rendered(stack, tier));
    expect(report.findings).toEqual([]);
    // The check saw the whole cluster: system and GPU pools, Triton, the charts and the EKS add-ons.
    const names = report.workloads.map((w) => w.name);
    expect(names).toEqual(expect.arrayContaining(["Deployment/triton/triton", "helm Deployment/cluster-autoscaler", "eks-addon coredns Deployment/coredns"]));
    expect(report.pools.map((p) => p.pool)).toEqual(expect.arrayContaining(["inference-system", "inference-gpu-primary"]));
  });

  it("knows how every installed Helm chart turns into pods (an unknown chart would be skipped, unscheduled)", async () => {
    const g = await rendered(stack, tier);
    const charts = g.resources.filter((r) => r.type === "kubernetes:helm.sh/v4:Chart").map((r) => String(r.inputs.chart));
    expect(charts.length).toBeGreaterThan(0);
    expect(charts.filter((c) => !CHARTS_WITH_WORKLOADS.has(c))).toEqual([]);
  });

  it("gives Triton a GPU node group that holds max replicas plus the rollout's surge", async () => {
    const g = await rendered(stack, tier);
    const triton = checkScheduling(g).workloads.find((w) => w.name === "Deployment/triton/triton")!;
    expect(triton.maxReplicas).toBe(g.config.sizing.triton.maxReplicas);
    expect(triton.maxSurge).toBeGreaterThanOrEqual(1);
    // Pools add up (an on-demand base under spot at prod 100k): the groups that add capacity hold the
    // rollout at max scale together, and so do the on-demand groups alone when spot is unavailable.
    const groups = g.resources.filter((r) => r.name.startsWith("inference-gpu-") && r.type === "aws:eks/nodeGroup:NodeGroup");
    const maxOf = (rs: RenderedResource[]) => rs.reduce((sum, r) => sum + ((r.inputs as Captured).scalingConfig.maxSize as number), 0);
    expect(maxOf(groups.filter((r) => !r.name.endsWith("-fallback")))).toBeGreaterThanOrEqual(triton.maxReplicas + triton.maxSurge);
    if (groups.some((r) => r.name.endsWith("-fallback"))) {
      expect(maxOf(groups.filter((r) => (r.inputs as Captured).capacityType === "ON_DEMAND"))).toBeGreaterThanOrEqual(triton.maxReplicas + triton.maxSurge);
    }
  });
});

/** A copy of a rendered graph with one resource's inputs changed. */
function withInputs(g: RenderedGraph, name: string, change: (inputs: Captured) => void): RenderedGraph {
  const resources = g.resources.map((r): RenderedResource => {
    if (r.name !== name) return r;
    const inputs = structuredClone(r.inputs) as Captured;
    change(inputs);
    return { ...r, inputs };
  });
  return { ...g, resources };
}

describe("fixtures the check must refuse", () => {
  it("a Triton memory request above a g6.xlarge's allocatable", async () => {
    const g = withInputs(await rendered("prod", "100k"), "inference-triton", (i) => {
      i.spec.template.spec.containers[0].resources.requests.memory = "15Gi";
    });
    const findings = checkScheduling(g).findings;
    expect(findings.some((f) => f.startsWith("Deployment/triton/triton: one pod") && f.includes("does not fit a g6.xlarge node of inference-gpu-primary"))).toBe(true);
  });

  it("a GPU request above the GPUs per instance", async () => {
    const g = withInputs(await rendered("prod", "10k"), "inference-triton", (i) => {
      i.spec.template.spec.containers[0].resources.limits["nvidia.com/gpu"] = "2";
      i.spec.template.spec.containers[0].resources.requests["nvidia.com/gpu"] = "2";
    });
    expect(checkScheduling(g).findings.some((f) => f.includes("gpu 2) does not fit a g6.xlarge node"))).toBe(true);
  });

  it("a GPU node group whose maximum equals Triton's max replicas (issue 12, defect 4: the surge pod never schedules)", async () => {
    // Dev 100k has one GPU group (spot, no base, no fallback): in prod the autoscaler would turn to the
    // on-demand fallback once the spot group is at its maximum, so the surge pod would find a node there.
    const g = await rendered("dev", "100k");
    expect(g.resources.filter((r) => r.type === "aws:eks/nodeGroup:NodeGroup" && r.name.startsWith("inference-gpu-")).map((r) => r.name)).toEqual(["inference-gpu-primary"]);
    const maxReplicas = (named(g, "inference-triton-scaler").inputs as Captured).spec.maxReplicaCount;
    const atCeiling = withInputs(g, "inference-gpu-primary", (i) => {
      i.scalingConfig.maxSize = maxReplicas;
    });
    expect(checkScheduling(atCeiling).findings).toEqual([
      `Deployment/triton/triton: a rollout at max scale (${maxReplicas} replicas + 1 surge) leaves 1 pod(s) unschedulable on the node groups' maxima; raise the node group maximum or lower the surge`,
    ]);
  });

  it("an on-demand fallback that cannot hold the rollout when spot is unavailable", async () => {
    const g = await rendered("prod", "10k");
    const maxReplicas = (named(g, "inference-triton-scaler").inputs as Captured).spec.maxReplicaCount;
    const small = withInputs(g, "inference-gpu-fallback", (i) => {
      i.scalingConfig.maxSize = maxReplicas;
    });
    expect(checkScheduling(small).findings).toEqual([expect.stringContaining("unschedulable on the on-demand node groups alone (spot unavailable)")]);
  });

  it("a required node affinity no GPU node group satisfies", async () => {
    const g = withInputs(await rendered("prod", "100k"), "inference-triton", (i) => {
      i.spec.template.spec.affinity = {
        nodeAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: {
            nodeSelectorTerms: [{ matchExpressions: [{ key: "k8s.amazonaws.com/accelerator", operator: "In", values: ["nvidia-h100"] }] }],
          },
        },
      };
    });
    expect(checkScheduling(g).findings).toEqual([expect.stringMatching(/^Deployment\/triton\/triton: no node group may run it/)]);
  });

  it("a chart Deployment without requests, and one that no node group admits", async () => {
    const g = withInputs(await rendered("dev", "1k"), "inference-cluster-autoscaler", (i) => {
      delete i.values.resources;
      i.values.nodeSelector = { "platform.io/node-role": "nowhere" };
    });
    const findings = checkScheduling(g).findings;
    expect(findings).toContain("helm Deployment/cluster-autoscaler: declares no CPU or memory request, so no scheduler (nor this check) can place it by size");
    expect(findings.some((f) => f.startsWith("helm Deployment/cluster-autoscaler: no node group may run it"))).toBe(true);
  });
});

describe("config refuses what the check would (before any resource)", () => {
  const ctx = { project: "inference-platform", stack: "dev", region: "us-east-1" };
  it("a GPU node group with no room for Triton's rollout surge", () => {
    const refuse = () =>
      parsePlatformConfig({ tier: "10k", overrides: JSON.stringify({ gpu: { maxNodes: 3 }, triton: { maxReplicas: 3 } }) }, ctx);
    expect(refuse).toThrowError(ConfigError);
    expect(refuse).toThrowError(/overrides\.triton\.maxReplicas.*3.*a rolling update one more \(maxSurge 1\): at most gpu\.maxNodes − 1 \(2\)/s);
    expect(() =>
      parsePlatformConfig({ tier: "10k", overrides: JSON.stringify({ gpu: { maxNodes: 4 }, triton: { maxReplicas: 3 } }) }, ctx),
    ).not.toThrow();
  });
});

describe("the kubelet's arithmetic (awslabs/amazon-eks-ami nodeadm)", () => {
  it("reserves CPU by nodeadm's ranges and memory as 11 MiB per pod + 255 MiB", () => {
    expect(kubeReservedCpuMillis(1000)).toBe(60);
    expect(kubeReservedCpuMillis(2000)).toBe(70);
    expect(kubeReservedCpuMillis(4000)).toBe(80);
    expect(kubeReservedCpuMillis(8000)).toBe(90);
    expect(kubeReservedMemoryMiB(58)).toBe(893);
    expect(kubeReservedMemoryMiB(110)).toBe(1465);
  });

  it("counts max pods by the ENI formula, or by prefixes capped at 110 below 30 vCPUs", () => {
    expect(maxPods(INSTANCE_TYPES["g6.xlarge"], false)).toBe(58);
    expect(maxPods(INSTANCE_TYPES["t4g.small"], false)).toBe(11);
    expect(maxPods(INSTANCE_TYPES["t4g.medium"], false)).toBe(17);
    expect(maxPods(INSTANCE_TYPES["t4g.small"], true)).toBe(110);
    expect(maxPods(INSTANCE_TYPES["g6.48xlarge"], true)).toBe(250);
  });

  it("derives allocatable: a g6.xlarge without prefix delegation", () => {
    expect(allocatable("g6.xlarge", false)).toEqual({ cpuMilli: 3920, memoryMiB: 16 * 1024 - 893 - 100, gpus: 1, pods: 58, maxPods: 58 });
  });

  it("reads quantities, surges, selectors and tolerations as Kubernetes does", () => {
    expect(cpuMillis("250m")).toBe(250);
    expect(cpuMillis("3")).toBe(3000);
    expect(memoryMiB("8Gi")).toBe(8192);
    expect(memoryMiB("128Mi")).toBe(128);
    expect(resolveSurge(undefined, 2)).toBe(1);
    expect(resolveSurge({ rollingUpdate: { maxSurge: 0, maxUnavailable: 1 } }, 3)).toBe(0);
    expect(resolveSurge({ type: "Recreate" }, 3)).toBe(0);
    const gpuPool = { labels: { "nvidia.com/gpu.present": "true" }, taints: [{ key: "nvidia.com/gpu", value: "true", effect: "NoSchedule" }] };
    const pod = { cpuMilli: 0, memoryMiB: 0, gpus: 0, nodeSelector: {}, tolerations: [] };
    expect(mayRunOn(pod, gpuPool)).toBe(false);
    expect(mayRunOn({ ...pod, tolerations: [{ key: "nvidia.com/gpu", operator: "Equal", value: "true", effect: "NoSchedule" }] }, gpuPool)).toBe(true);
    expect(mayRunOn({ ...pod, toleratesEverything: true, nodeSelector: { "platform.io/node-role": "system" } }, gpuPool)).toBe(false);
    const everywhere = { ...pod, toleratesEverything: true };
    const term = (operator: string, values?: string[]) => [[{ key: "nvidia.com/gpu.present", operator, values }]];
    expect(mayRunOn({ ...everywhere, requiredNodeTerms: term("In", ["true"]) }, gpuPool)).toBe(true);
    expect(mayRunOn({ ...everywhere, requiredNodeTerms: term("NotIn", ["true"]) }, gpuPool)).toBe(false);
    expect(mayRunOn({ ...everywhere, requiredNodeTerms: term("DoesNotExist") }, gpuPool)).toBe(false);
    expect(mayRunOn({ ...everywhere, requiredNodeTerms: [...term("DoesNotExist"), ...term("Exists")] }, gpuPool)).toBe(true);
  });
});
