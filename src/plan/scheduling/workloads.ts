/**
 * Reading the graph for the scheduling check: node pools (node groups), the VPC CNI's prefix
 * delegation, and every workload (rendered Deployments, Helm charts' Deployments and DaemonSets from
 * their values, the EKS managed add-ons' pods) with its requests, placement and surge.
 */
import { HELM_CHARTS } from "../../../components/inference/constants";
import { EKS_ADDON_PODS } from "../../../sizing";
import { arr, type GraphIndex, num, obj } from "../model";
import type { RenderedResource } from "../harness";
import { cpuMillis, memoryMiB } from "./kubelet";
import type { NodePool, NodeSelectorRequirement, PodShape, Toleration, Workload } from "./types";

/** EKS writes a node group taint's effect in its API's spelling; Kubernetes in its own. */
const TAINT_EFFECTS: Record<string, string> = { NO_SCHEDULE: "NoSchedule", NO_EXECUTE: "NoExecute", PREFER_NO_SCHEDULE: "PreferNoSchedule" };

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
  // One replica, no replica key (the chart's Deployment strategy is Recreate; counted with the default
  // surge here, which only over-counts).
  [HELM_CHARTS.externalDns.chart]: (v) => [deployment("external-dns", v, v.resources, 1)],
};

/** Charts the scheduling check knows how to turn into pods (a test requires every installed chart here). */
export const CHARTS_WITH_WORKLOADS: ReadonlySet<string> = new Set(Object.keys(CHART_WORKLOADS));

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
