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
 */
import { EKS_ADDON_PODS, HELM_CHARTS } from "../../components/inference/constants";
import { INSTANCE_TYPES, maxPods } from "../../sizing";
import { arr, GraphIndex, num, obj, type PlanGraph } from "./model";
import type { RenderedResource } from "./harness";

export interface Toleration {
  key?: string;
  operator?: string;
  value?: string;
  effect?: string;
}

export interface NodeSelectorRequirement {
  key: string;
  operator: string;
  values?: string[];
}

export interface Taint {
  key: string;
  value?: string;
  effect: string;
}

/** What one pod asks for and where it may go. */
export interface PodShape {
  cpuMilli: number;
  memoryMiB: number;
  gpus: number;
  nodeSelector: Record<string, string>;
  tolerations: Toleration[];
  /** Tolerates every taint (`operator: Exists` with no key), as the networking DaemonSets do. */
  toleratesEverything?: boolean;
  /** `requiredDuringSchedulingIgnoredDuringExecution` node-selector terms: any term, all its expressions. */
  requiredNodeTerms?: NodeSelectorRequirement[][];
  /** No CPU or memory request was declared: the check cannot judge it (a finding for Deployments). */
  noRequests?: boolean;
}

export interface Workload {
  /** `<source> <kind>/<name>`, e.g. `helm aws-load-balancer-controller Deployment/aws-load-balancer-controller`. */
  name: string;
  /** `Deployment` stands for every replicated controller (Deployments, StatefulSets): one pod per replica. */
  kind: "Deployment" | "DaemonSet";
  pod: PodShape;
  /** Replicas at maximum scale (KEDA/HPA maximum, else the declared count); DaemonSets: one per node. */
  maxReplicas: number;
  /** Extra pods a rolling update adds on top of `maxReplicas` (resolved `maxSurge`). */
  maxSurge: number;
}

export interface NodePool {
  name: string;
  instanceTypes: string[];
  labels: Record<string, string>;
  taints: Taint[];
  maxNodes: number;
  spot: boolean;
}

/** What a pool's smallest instance type offers one pod after kubelet reservations and DaemonSets. */
export interface PoolCapacity {
  pool: string;
  instanceType: string;
  maxPods: number;
  allocatable: { cpuMilli: number; memoryMiB: number; gpus: number; pods: number };
  daemonSets: string[];
  /** Allocatable minus the DaemonSets that run there. */
  free: { cpuMilli: number; memoryMiB: number; gpus: number; pods: number };
}

export interface SchedulingReport {
  ok: boolean;
  prefixDelegation: boolean;
  pools: PoolCapacity[];
  workloads: Workload[];
  /** One sentence per violation; empty when everything fits. */
  findings: string[];
}

// ---------------------------------------------------------------------------------------------
// Quantities and the kubelet's reservations.
// ---------------------------------------------------------------------------------------------

const BINARY: Record<string, number> = { Ki: 1 / 1024, Mi: 1, Gi: 1024, Ti: 1024 * 1024 };
const DECIMAL: Record<string, number> = { k: 1e3, M: 1e6, G: 1e9, T: 1e12 };

/** A CPU quantity (`100m`, `2`, `0.5`) in millicores. */
export function cpuMillis(q: unknown): number {
  const m = /^(\d+(?:\.\d+)?)(m)?$/.exec(String(q ?? "0"));
  if (!m) throw new Error(`not a CPU quantity: ${String(q)}`);
  return m[2] ? Number(m[1]) : Number(m[1]) * 1000;
}

/** A memory quantity (`128Mi`, `8Gi`, `500M`, bytes) in MiB. */
export function memoryMiB(q: unknown): number {
  const m = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|k|M|G|T)?$/.exec(String(q ?? "0"));
  if (!m) throw new Error(`not a memory quantity: ${String(q)}`);
  const n = Number(m[1]);
  const unit = m[2];
  if (!unit) return n / 2 ** 20;
  return unit in BINARY ? n * BINARY[unit] : (n * DECIMAL[unit]) / 2 ** 20;
}

/** nodeadm's `getCPUMillicoresToReserve`: 6 % of core 1, 1 % of core 2, 0.5 % of cores 3–4, 0.25 % beyond. */
export function kubeReservedCpuMillis(totalMillis: number): number {
  const ranges: [number, number, number][] = [
    [0, 1000, 600],
    [1000, 2000, 100],
    [2000, 4000, 50],
    [4000, Infinity, 25],
  ];
  return ranges.reduce((sum, [start, end, basisPoints]) => {
    if (totalMillis <= start) return sum;
    return sum + Math.floor(((Math.min(totalMillis, end) - start) * basisPoints) / 10_000);
  }, 0);
}

/** nodeadm's `getMemoryMebibytesToReserve`. */
export function kubeReservedMemoryMiB(pods: number): number {
  return 11 * pods + 255;
}

/** nodeadm's default `evictionHard` `memory.available`. */
export const EVICTION_HARD_MEMORY_MIB = 100;

/** Allocatable resources of one node of an instance type (kubelet view, before any pod). */
export function allocatable(instanceType: string, prefixDelegation: boolean): PoolCapacity["allocatable"] & { maxPods: number } {
  const type = INSTANCE_TYPES[instanceType];
  if (!type) throw new Error(`${instanceType} is not in the instance catalogue (sizing/instances.ts)`);
  const pods = maxPods(type, prefixDelegation);
  const cpu = type.vcpu * 1000;
  return {
    cpuMilli: cpu - kubeReservedCpuMillis(cpu),
    memoryMiB: type.memoryGiB * 1024 - kubeReservedMemoryMiB(pods) - EVICTION_HARD_MEMORY_MIB,
    gpus: type.gpus,
    pods,
    maxPods: pods,
  };
}

// ---------------------------------------------------------------------------------------------
// Placement rules (Kubernetes: nodeSelector and taints/tolerations).
// ---------------------------------------------------------------------------------------------

const TAINT_EFFECTS: Record<string, string> = { NO_SCHEDULE: "NoSchedule", NO_EXECUTE: "NoExecute", PREFER_NO_SCHEDULE: "PreferNoSchedule" };

function tolerates(t: Toleration, taint: Taint): boolean {
  if (t.effect && t.effect !== taint.effect) return false;
  if (t.operator === "Exists") return t.key === undefined || t.key === taint.key;
  return t.key === taint.key && (t.value ?? "") === (taint.value ?? "");
}

function matches(r: NodeSelectorRequirement, labels: Record<string, string>): boolean {
  const value = labels[r.key];
  switch (r.operator) {
    case "In":
      return value !== undefined && (r.values ?? []).includes(value);
    case "NotIn":
      return value === undefined || !(r.values ?? []).includes(value);
    case "Exists":
      return value !== undefined;
    case "DoesNotExist":
      return value === undefined;
    case "Gt":
    case "Lt": {
      const [n, bound] = [Number(value), Number((r.values ?? [])[0])];
      return value !== undefined && (r.operator === "Gt" ? n > bound : n < bound);
    }
    default:
      return false;
  }
}

/**
 * May this pod be scheduled on a node of this pool? nodeSelector, required node affinity (ORed terms
 * of ANDed expressions) and NoSchedule/NoExecute taints; PreferNoSchedule taints and preferred
 * affinities do not forbid. Only the node group's own labels are known (not the ones kubelet adds,
 * such as `kubernetes.io/arch`), so a term on those would read as unmatched.
 */
export function mayRunOn(pod: PodShape, pool: Pick<NodePool, "labels" | "taints">): boolean {
  const terms = pod.requiredNodeTerms ?? [];
  const selected =
    Object.entries(pod.nodeSelector).every(([k, v]) => pool.labels[k] === v) &&
    (terms.length === 0 || terms.some((term) => term.every((r) => matches(r, pool.labels))));
  const tolerated = pool.taints
    .filter((taint) => taint.effect !== "PreferNoSchedule")
    .every((taint) => pod.toleratesEverything || pod.tolerations.some((t) => tolerates(t, taint)));
  return selected && tolerated;
}

// ---------------------------------------------------------------------------------------------
// Reading the graph.
// ---------------------------------------------------------------------------------------------

export function nodePools(index: GraphIndex): NodePool[] {
  return index.ofType("aws:eks/nodeGroup:NodeGroup").map((r) => {
    const i = r.inputs;
    return {
      name: r.name,
      instanceTypes: arr(i.instanceTypes).map(String),
      labels: Object.fromEntries(Object.entries(obj(i.labels)).map(([k, v]) => [k, String(v)])),
      taints: arr(i.taints)
        .map(obj)
        .map((t) => ({ key: String(t.key), value: t.value === undefined ? undefined : String(t.value), effect: TAINT_EFFECTS[String(t.effect)] ?? String(t.effect) })),
      maxNodes: num(obj(i.scalingConfig).maxSize),
      spot: i.capacityType === "SPOT",
    };
  });
}

/** Whether the VPC CNI add-on turns on prefix delegation (it changes max pods, and so kube-reserved memory). */
export function prefixDelegation(index: GraphIndex): boolean {
  const cni = index.ofType("aws:eks/addon:Addon").find((a) => a.inputs.addonName === "vpc-cni");
  if (!cni || typeof cni.inputs.configurationValues !== "string") return false;
  const env = obj(obj(JSON.parse(cni.inputs.configurationValues)).env);
  return String(env.ENABLE_PREFIX_DELEGATION) === "true";
}

function requestsOf(resources: unknown): Pick<PodShape, "cpuMilli" | "memoryMiB" | "gpus" | "noRequests"> {
  const requests = obj(obj(resources).requests);
  const limits = obj(obj(resources).limits);
  // Kubernetes defaults a missing request to its limit; extended resources (GPUs) are set by limit.
  const cpu = requests.cpu ?? limits.cpu;
  const memory = requests.memory ?? limits.memory;
  return {
    cpuMilli: cpuMillis(cpu ?? "0"),
    memoryMiB: memoryMiB(memory ?? "0"),
    gpus: num(requests["nvidia.com/gpu"] ?? limits["nvidia.com/gpu"]),
    noRequests: cpu === undefined && memory === undefined,
  };
}

/** Required node-affinity terms of a pod spec's (or chart values') `affinity`. */
function requiredNodeTerms(affinity: unknown): NodeSelectorRequirement[][] {
  const required = obj(obj(obj(affinity).nodeAffinity).requiredDuringSchedulingIgnoredDuringExecution);
  return arr(required.nodeSelectorTerms).map((t) =>
    arr(obj(t).matchExpressions)
      .map(obj)
      .map((e) => ({ key: String(e.key), operator: String(e.operator), values: arr(e.values).map(String) })),
  );
}

/** A Deployment's rolling-update surge for a replica count (Kubernetes default 25 %, percentages round up). */
export function resolveSurge(strategy: unknown, replicas: number): number {
  const s = obj(strategy);
  if (s.type === "Recreate") return 0;
  const surge = obj(s.rollingUpdate).maxSurge ?? "25%";
  const pct = /^(\d+)%$/.exec(String(surge));
  return pct ? Math.ceil((replicas * Number(pct[1])) / 100) : num(surge);
}

/**
 * Kubernetes Deployments and StatefulSets rendered as resources (Triton), with their KEDA/HPA maximum.
 * A StatefulSet's rolling update replaces pods in place (no surge).
 */
function renderedDeployments(index: GraphIndex): Workload[] {
  const scalers = index.resources.filter((r) => r.type.endsWith(":ScaledObject") || r.type.endsWith(":HorizontalPodAutoscaler"));
  const controllers = [...index.ofType("kubernetes:apps/v1:Deployment"), ...index.ofType("kubernetes:apps/v1:StatefulSet")];
  return controllers.map((d) => {
    const statefulSet = d.type.endsWith(":StatefulSet");
    const spec = obj(d.inputs.spec);
    const meta = obj(d.inputs.metadata);
    const podSpec = obj(obj(spec.template).spec);
    const containers = arr(podSpec.containers).map(obj);
    const perContainer = containers.map((c) => requestsOf(c.resources));
    const scaler = scalers.find((s) => {
      const sSpec = obj(s.inputs.spec);
      const target = obj(sSpec.scaleTargetRef);
      return target.name === meta.name && obj(s.inputs.metadata).namespace === meta.namespace;
    });
    const sSpec = obj(scaler?.inputs.spec);
    const maxReplicas = scaler ? num(sSpec.maxReplicaCount ?? sSpec.maxReplicas) : num(spec.replicas, 1);
    return {
      name: `${statefulSet ? "StatefulSet" : "Deployment"}/${String(meta.namespace)}/${String(meta.name ?? d.name)}`,
      kind: "Deployment" as const,
      pod: {
        cpuMilli: perContainer.reduce((s, c) => s + c.cpuMilli, 0),
        memoryMiB: perContainer.reduce((s, c) => s + c.memoryMiB, 0),
        gpus: perContainer.reduce((s, c) => s + c.gpus, 0),
        noRequests: perContainer.every((c) => c.noRequests),
        nodeSelector: obj(podSpec.nodeSelector) as Record<string, string>,
        tolerations: arr(podSpec.tolerations).map(obj) as Toleration[],
        requiredNodeTerms: requiredNodeTerms(podSpec.affinity),
      },
      maxReplicas,
      maxSurge: statefulSet ? 0 : resolveSurge(spec.strategy, maxReplicas),
    };
  });
}

/**
 * How each chart the stack installs turns its values into pods (replica defaults from each chart's
 * values.yaml: load balancer controller 2, the others 1; charts set no Deployment strategy, so the
 * Kubernetes default 25 % surge applies).
 */
const CHART_WORKLOADS: Record<string, (values: Record<string, unknown>) => Omit<Workload, "maxSurge">[]> = {
  [HELM_CHARTS.awsLoadBalancerController.chart]: (v) => [deployment("aws-load-balancer-controller", v, v.resources, num(v.replicaCount, 2))],
  [HELM_CHARTS.clusterAutoscaler.chart]: (v) => [deployment("cluster-autoscaler", v, v.resources, num(v.replicaCount, 1))],
  [HELM_CHARTS.keda.chart]: (v) => {
    const resources = obj(v.resources);
    return [
      deployment("keda-operator", v, resources.operator, num(obj(v.operator).replicaCount, 1)),
      deployment("keda-operator-metrics-apiserver", v, resources.metricServer, num(obj(v.metricsServer).replicaCount, 1)),
      deployment("keda-admission-webhooks", v, resources.webhooks, num(obj(v.webhooks).replicaCount, 1)),
    ];
  },
  [HELM_CHARTS.openTelemetryCollector.chart]: (v) =>
    v.mode === "daemonset" ? [daemonSet("opentelemetry-collector", v, v.resources)] : [deployment("opentelemetry-collector", v, v.resources, num(v.replicaCount, 1))],
  [HELM_CHARTS.nvidiaDevicePlugin.chart]: (v) => [daemonSet("nvidia-device-plugin", v, v.resources)],
  [HELM_CHARTS.dcgmExporter.chart]: (v) => [daemonSet("dcgm-exporter", v, v.resources)],
};

function placement(values: Record<string, unknown>): Pick<PodShape, "nodeSelector" | "tolerations" | "requiredNodeTerms"> {
  return {
    nodeSelector: obj(values.nodeSelector) as Record<string, string>,
    tolerations: arr(values.tolerations).map(obj) as Toleration[],
    requiredNodeTerms: requiredNodeTerms(values.affinity),
  };
}

function deployment(name: string, values: Record<string, unknown>, resources: unknown, replicas: number): Omit<Workload, "maxSurge"> {
  return { name: `helm Deployment/${name}`, kind: "Deployment", pod: { ...requestsOf(resources), ...placement(values) }, maxReplicas: replicas };
}

function daemonSet(name: string, values: Record<string, unknown>, resources: unknown): Omit<Workload, "maxSurge"> {
  return { name: `helm DaemonSet/${name}`, kind: "DaemonSet", pod: { ...requestsOf(resources), ...placement(values) }, maxReplicas: 0 };
}

function chartWorkloads(index: GraphIndex): Workload[] {
  return index.ofType("kubernetes:helm.sh/v4:Chart").flatMap((c: RenderedResource) => {
    const reader = CHART_WORKLOADS[String(c.inputs.chart)];
    if (!reader) return [];
    return reader(obj(c.inputs.values)).map((w) => ({ ...w, maxSurge: w.kind === "Deployment" ? resolveSurge(undefined, w.maxReplicas) : 0 }));
  });
}

/** Pods of the EKS managed add-ons present in the graph (their manifests are EKS's; see EKS_ADDON_PODS). */
function managedAddonWorkloads(index: GraphIndex): Workload[] {
  const installed = new Set(index.ofType("aws:eks/addon:Addon").map((a) => String(a.inputs.addonName)));
  return Object.entries(EKS_ADDON_PODS)
    .filter(([addon]) => installed.has(addon))
    .map(([addon, p]) => {
      const replicas = p.kind === "Deployment" ? p.replicas : 0;
      return {
        name: `eks-addon ${addon} ${p.kind}/${p.name}`,
        kind: p.kind,
        pod: {
          cpuMilli: cpuMillis(p.requests.cpu),
          memoryMiB: memoryMiB(p.requests.memory),
          gpus: 0,
          nodeSelector: {},
          tolerations: [{ key: "CriticalAddonsOnly", operator: "Exists" }],
          toleratesEverything: p.toleratesEverything,
        },
        maxReplicas: replicas,
        maxSurge: p.kind === "Deployment" ? resolveSurge(undefined, replicas) : 0,
      };
    });
}

export function workloads(index: GraphIndex): Workload[] {
  return [...managedAddonWorkloads(index), ...chartWorkloads(index), ...renderedDeployments(index)];
}

// ---------------------------------------------------------------------------------------------
// The check.
// ---------------------------------------------------------------------------------------------

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
