/**
 * Scheduling check: do the cluster's pods fit on the nodes that may run them, and does a rollout at
 * maximum scale fit the node groups' maxima? Read from the rendered graph only (node groups, the VPC
 * CNI add-on's configuration, Deployments, KEDA ScaledObjects, Helm chart values), with the instance
 * facts from sizing/instances.ts, so a test and the offline plan judge the same thing.
 *
 * Allocatable per node follows the EKS AMI (AL2023 nodeadm, awslabs/amazon-eks-ami
 * `nodeadm/internal/kubelet/config.go`): kube-reserved memory `11 MiB × maxPods + 255 MiB`
 * (`getMemoryMebibytesToReserve`), kube-reserved CPU 6 % of the first core, 1 % of the second, 0.5 % of
 * the next two and 0.25 % of the rest (`getCPUMillicoresToReserve`), eviction-hard `memory.available`
 * 100Mi; no system-reserved. Max pods from `maxPods` in instances.ts. Memory is the EC2 nominal size
 * (the kernel keeps a little more than that back: the check is slightly optimistic, by ~3 %).
 *
 * What a workload may use: node groups whose labels satisfy its nodeSelector and whose taints it
 * tolerates, minus the requests of every DaemonSet that runs there. A rollout at max scale is every
 * Deployment at its maximum replicas plus its surge at the same time (`pulumi up` applies chart and
 * Deployment changes in parallel), packed first-fit onto each group's maximum node count. Where a
 * workload may use a spot group and an on-demand group, the on-demand groups alone must hold it too:
 * a spot shortage must not deadlock a rollout that an on-demand fallback exists for.
 *
 * Files: types.ts (the shapes), kubelet.ts (quantities, reservations, allocatable), placement.ts
 * (nodeSelector, affinity, taints), workloads.ts (reading the graph); the check itself is here.
 */
import { INSTANCE_TYPES } from "../../../sizing";
import { GraphIndex, type PlanGraph } from "../model";
import { allocatable } from "./kubelet";
import { mayRunOn } from "./placement";
import type { NodePool, PodShape, PoolCapacity, SchedulingReport, Workload } from "./types";
import { nodePools, prefixDelegation, workloads } from "./workloads";

export { allocatable, cpuMillis, EVICTION_HARD_MEMORY_MIB, kubeReservedCpuMillis, kubeReservedMemoryMiB, memoryMiB } from "./kubelet";
export { mayRunOn } from "./placement";
export type { NodePool, NodeSelectorRequirement, PodShape, PoolCapacity, SchedulingReport, Taint, Toleration, Workload } from "./types";
export { nodePools, prefixDelegation, resolveSurge, workloads } from "./workloads";

interface Node {
  pool: NodePool;
  free: PoolCapacity["free"];
}

/** Every node a set of pools may grow to, each with what is free on its smallest instance type. */
function nodesOf(pools: NodePool[], capacities: Map<string, PoolCapacity>): Node[] {
  return pools.flatMap((pool) => Array.from({ length: pool.maxNodes }, () => ({ pool, free: { ...capacities.get(pool.name)!.free } })));
}

function fits(pod: PodShape, free: PoolCapacity["free"]): boolean {
  return pod.cpuMilli <= free.cpuMilli && pod.memoryMiB <= free.memoryMiB && pod.gpus <= free.gpus && free.pods >= 1;
}

function take(pod: PodShape, free: PoolCapacity["free"]): void {
  free.cpuMilli -= pod.cpuMilli;
  free.memoryMiB -= pod.memoryMiB;
  free.gpus -= pod.gpus;
  free.pods -= 1;
}

const weight = (w: Workload) => w.pod.gpus * 1e9 + w.pod.memoryMiB * 1e3 + w.pod.cpuMilli;

/** First-fit-decreasing of every Deployment pod at max replicas + surge; returns the pods left over per workload. */
function pack(deployments: Workload[], nodes: Node[], allowed: (w: Workload, pool: NodePool) => boolean): Map<string, number> {
  const unplaced = new Map<string, number>();
  for (const w of [...deployments].sort((a, b) => weight(b) - weight(a))) {
    for (let i = 0; i < w.maxReplicas + w.maxSurge; i++) {
      const node = nodes.find((n) => allowed(w, n.pool) && fits(w.pod, n.free));
      if (node) take(w.pod, node.free);
      else unplaced.set(w.name, (unplaced.get(w.name) ?? 0) + 1);
    }
  }
  return unplaced;
}

export function checkScheduling(graph: PlanGraph): SchedulingReport {
  const index = new GraphIndex(graph);
  const pd = prefixDelegation(index);
  const pools = nodePools(index);
  const all = workloads(index);
  const daemonSets = all.filter((w) => w.kind === "DaemonSet");
  const deployments = all.filter((w) => w.kind === "Deployment");
  const findings: string[] = [];

  const capacities = new Map<string, PoolCapacity>();
  for (const pool of pools) {
    const unknown = pool.instanceTypes.filter((t) => !INSTANCE_TYPES[t]);
    if (unknown.length > 0 || pool.instanceTypes.length === 0) {
      findings.push(`${pool.name}: instance type(s) ${unknown.join(", ") || "(none)"} not in the instance catalogue (sizing/instances.ts)`);
      continue;
    }
    // EKS applies the smallest max pods of a mixed group to all its nodes; judge every node by the
    // smallest type (the autoscaler's template uses the first one, which may be larger).
    const perType = pool.instanceTypes.map((t) => ({ t, a: allocatable(t, pd) }));
    const groupMaxPods = Math.min(...perType.map((x) => x.a.maxPods));
    const smallest = perType
      .map(({ t }) => ({ t, a: { ...allocatable(t, pd), pods: groupMaxPods } }))
      .sort((x, y) => x.a.memoryMiB - y.a.memoryMiB || x.a.cpuMilli - y.a.cpuMilli)[0];
    const here = daemonSets.filter((d) => mayRunOn(d.pod, pool));
    const free = {
      cpuMilli: smallest.a.cpuMilli - here.reduce((s, d) => s + d.pod.cpuMilli, 0),
      memoryMiB: smallest.a.memoryMiB - here.reduce((s, d) => s + d.pod.memoryMiB, 0),
      gpus: smallest.a.gpus - here.reduce((s, d) => s + d.pod.gpus, 0),
      pods: groupMaxPods - here.length,
    };
    capacities.set(pool.name, {
      pool: pool.name,
      instanceType: smallest.t,
      maxPods: groupMaxPods,
      allocatable: { cpuMilli: smallest.a.cpuMilli, memoryMiB: smallest.a.memoryMiB, gpus: smallest.a.gpus, pods: groupMaxPods },
      daemonSets: here.map((d) => d.name),
      free,
    });
    if (free.cpuMilli < 0 || free.memoryMiB < 0 || free.pods < 0) {
      findings.push(`${pool.name}: the DaemonSets alone (${here.map((d) => d.name).join(", ")}) exceed a ${smallest.t} node's allocatable`);
    }
  }

  const usable = pools.filter((p) => capacities.has(p.name));
  for (const w of deployments) {
    if (w.pod.noRequests) findings.push(`${w.name}: declares no CPU or memory request, so no scheduler (nor this check) can place it by size`);
    const candidates = usable.filter((p) => mayRunOn(w.pod, p));
    if (candidates.length === 0) {
      findings.push(`${w.name}: no node group may run it (nodeSelector ${JSON.stringify(w.pod.nodeSelector)}, tolerations vs taints)`);
      continue;
    }
    for (const pool of candidates) {
      const cap = capacities.get(pool.name)!;
      if (!fits(w.pod, cap.free)) {
        findings.push(
          `${w.name}: one pod (cpu ${w.pod.cpuMilli}m, memory ${w.pod.memoryMiB}Mi, gpu ${w.pod.gpus}) does not fit a ${cap.instanceType} node of ${pool.name} ` +
            `(free after kubelet reservations and DaemonSets: cpu ${cap.free.cpuMilli}m, memory ${Math.floor(cap.free.memoryMiB)}Mi, gpu ${cap.free.gpus}, pods ${cap.free.pods})`,
        );
      }
    }
  }

  const reported = new Set<string>();
  const report = (label: string, leftover: Map<string, number>) => {
    for (const [name, count] of leftover) {
      if (reported.has(name)) continue;
      reported.add(name);
      const w = deployments.find((d) => d.name === name)!;
      findings.push(
        `${name}: a rollout at max scale (${w.maxReplicas} replicas + ${w.maxSurge} surge) leaves ${count} pod(s) unschedulable ${label}; ` +
          `raise the node group maximum or lower the surge`,
      );
    }
  };
  const candidatesOf = (w: Workload) => usable.filter((p) => mayRunOn(w.pod, p));
  const placeable = deployments.filter((w) => candidatesOf(w).length > 0 && candidatesOf(w).every((p) => fits(w.pod, capacities.get(p.name)!.free)));
  report("on the node groups' maxima", pack(placeable, nodesOf(usable, capacities), (w, p) => mayRunOn(w.pod, p)));
  // A spot shortage: every workload that has an on-demand group among its candidates must fit on the
  // on-demand groups alone (spot-only workloads, e.g. dev's, accept that risk).
  const onDemand = usable.filter((p) => !p.spot);
  const onDemandCapable = placeable.filter((w) => candidatesOf(w).some((p) => !p.spot));
  report("on the on-demand node groups alone (spot unavailable)", pack(onDemandCapable, nodesOf(onDemand, capacities), (w, p) => mayRunOn(w.pod, p)));

  return { ok: findings.length === 0, prefixDelegation: pd, pools: [...capacities.values()], workloads: all, findings };
}
