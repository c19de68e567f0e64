/**
 * Kubernetes workloads (Triton and anything else the platform deploys as Deployments or
 * StatefulSets). DaemonSets are node agents (device plugin, dcgm-exporter) that legitimately need host
 * access, so only the image pin applies to them.
 *
 * Objects a Helm chart (v4 `Chart`) or a YAML `ConfigFile`/`ConfigGroup` renders are third-party
 * manifests: under mocks the chart is one opaque resource, but in a real preview the engine reports
 * every object it renders as the component's child. Their pod spec is the chart's, tuned only through
 * its values (reviewed in components/inference), so the pod-hardening, PDB and NetworkPolicy rules judge
 * the platform's own workloads; the image pin still applies to every pod owner.
 */
import { arr, get, graphRule, obj, type Obj, ofTypes, type PolicyGraph, type PolicyResource, resourceRule, type Rule } from "../types";
import { imagePinned } from "./services";

export const WORKLOAD_TYPES = ["kubernetes:apps/v1:Deployment", "kubernetes:apps/v1:StatefulSet"];
const ALL_POD_OWNERS = [...WORKLOAD_TYPES, "kubernetes:apps/v1:DaemonSet"];

function podSpec(i: Obj): Obj {
  return obj(get(i, "spec.template.spec")) ?? {};
}

function containers(i: Obj): Obj[] {
  return arr(podSpec(i).containers).filter((c): c is Obj => !!obj(c));
}

/** The container's effective security context (container level wins over pod level). */
function securityValue(i: Obj, c: Obj, key: string): unknown {
  const own = get(c, `securityContext.${key}`);
  return own !== undefined ? own : get(podSpec(i), `securityContext.${key}`);
}

function perContainer(test: (c: Obj, workload: Obj) => string | undefined) {
  return (i: Obj) => {
    for (const c of containers(i)) {
      const problem = test(c, i);
      if (problem) return `container ${String(c.name ?? "?")}: ${problem}`;
    }
    return undefined;
  };
}

/** Component types whose children are rendered third-party manifests (see the module comment). */
const MANIFEST_COMPONENTS = ["kubernetes:helm.sh/v4:Chart", "kubernetes:yaml/v2:ConfigFile", "kubernetes:yaml/v2:ConfigGroup", "kubernetes:yaml:ConfigFile", "kubernetes:yaml:ConfigGroup"];

/** True for an object rendered by a chart or YAML component: its URN's type chain runs through one. */
export function renderedByManifest(r: PolicyResource): boolean {
  return MANIFEST_COMPONENTS.some((t) => r.urn.includes(`${t}$`));
}

/** A pod rule that judges only the platform's own workloads. */
function ownWorkloads(test: (i: Obj) => string | undefined) {
  return (i: Obj, r: PolicyResource) => (renderedByManifest(r) ? undefined : test(i));
}

const namespaceOf = (r: PolicyResource) => String(get(r.inputs, "metadata.namespace") ?? "default");
const podLabels = (r: PolicyResource) => (obj(get(r.inputs, "spec.template.metadata.labels")) ?? {}) as Record<string, unknown>;

/** `matchLabels` selects the labels (an empty selector selects every pod of the namespace). */
function selects(selector: unknown, labels: Record<string, unknown>): boolean {
  const match = obj(get(selector, "matchLabels")) ?? {};
  if (arr(get(selector, "matchExpressions")).length > 0) return false; // not used by the platform; be strict
  return Object.entries(match).every(([k, v]) => labels[k] === v);
}

/**
 * The most replicas a workload can reach: its own `replicas`, or the max of the HPA / KEDA
 * ScaledObject that targets it.
 */
export function maxReplicas(graph: PolicyGraph, w: PolicyResource): number {
  const name = get(w.inputs, "metadata.name") ?? w.name;
  const scalers = ofTypes(graph, ["kubernetes:autoscaling/v2:HorizontalPodAutoscaler", "kubernetes:keda.sh/v1alpha1:ScaledObject"]).filter(
    (s) => namespaceOf(s) === namespaceOf(w) && get(s.inputs, "spec.scaleTargetRef.name") === name,
  );
  return Math.max(
    Number(get(w.inputs, "spec.replicas") ?? 1),
    ...scalers.map((s) => Number(get(s.inputs, "spec.maxReplicas") ?? get(s.inputs, "spec.maxReplicaCount") ?? 0)),
  );
}

function workloadsWithout(graph: PolicyGraph, type: string, selectorPath: string, message: string, applies: (w: PolicyResource) => boolean = () => true) {
  const selectors = ofTypes(graph, [type]);
  return ofTypes(graph, WORKLOAD_TYPES)
    .filter((w) => !renderedByManifest(w))
    .filter(applies)
    .filter((w) => !selectors.some((s) => namespaceOf(s) === namespaceOf(w) && selects(get(s.inputs, selectorPath), podLabels(w))))
    .map((w) => ({ resource: w, message }));
}

export const kubernetesRules: Rule[] = [
  resourceRule(
    { id: "k8s-resources", description: "Every container sets CPU and memory requests and limits.", severity: "medium", enforcement: "mandatory", controls: { checkov: ["CKV_K8S_10", "CKV_K8S_11", "CKV_K8S_12", "CKV_K8S_13"] } },
    WORKLOAD_TYPES,
    ownWorkloads(perContainer((c) => {
      const missing = ["requests.cpu", "requests.memory", "limits.cpu", "limits.memory"].filter((k) => get(c, `resources.${k}`) === undefined);
      return missing.length === 0 ? undefined : `resources ${missing.join(", ")} not set`;
    })),
  ),
  resourceRule(
    { id: "k8s-gpu-limit", description: "Containers that request a GPU also limit it (nvidia.com/gpu in limits).", severity: "medium", enforcement: "mandatory", controls: {} },
    WORKLOAD_TYPES,
    ownWorkloads(perContainer((c) => {
      const requested = obj(get(c, "resources.requests"))?.["nvidia.com/gpu"] !== undefined;
      const limited = obj(get(c, "resources.limits"))?.["nvidia.com/gpu"] !== undefined;
      return requested && !limited ? "requests nvidia.com/gpu without a limit" : undefined;
    })),
  ),
  resourceRule(
    { id: "k8s-probes", description: "Every container has liveness and readiness probes.", severity: "medium", enforcement: "mandatory", controls: { checkov: ["CKV_K8S_8", "CKV_K8S_9"] } },
    WORKLOAD_TYPES,
    ownWorkloads(perContainer((c) => {
      const missing = ["livenessProbe", "readinessProbe"].filter((k) => !obj(c[k]));
      return missing.length === 0 ? undefined : `${missing.join(" and ")} missing`;
    })),
  ),
  resourceRule(
    { id: "k8s-run-as-non-root", description: "Containers run as a non-root user (runAsNonRoot, or a non-zero runAsUser).", severity: "high", enforcement: "mandatory", controls: { checkov: ["CKV_K8S_23", "CKV_K8S_40"] } },
    WORKLOAD_TYPES,
    ownWorkloads(perContainer((c, w) => (securityValue(w, c, "runAsNonRoot") === true || Number(securityValue(w, c, "runAsUser") ?? 0) > 0 ? undefined : "may run as root (set runAsNonRoot: true)"))),
  ),
  resourceRule(
    { id: "k8s-readonly-root-fs", description: "Containers mount their root filesystem read-only.", severity: "medium", enforcement: "mandatory", controls: { checkov: ["CKV_K8S_22"] } },
    WORKLOAD_TYPES,
    ownWorkloads(perContainer((c) => (get(c, "securityContext.readOnlyRootFilesystem") === true ? undefined : "readOnlyRootFilesystem is not true"))),
  ),
  resourceRule(
    { id: "k8s-no-privileged", description: "No container is privileged.", severity: "critical", enforcement: "mandatory", controls: { checkov: ["CKV_K8S_16"] } },
    WORKLOAD_TYPES,
    ownWorkloads(perContainer((c) => (get(c, "securityContext.privileged") === true ? "privileged is true" : undefined))),
  ),
  resourceRule(
    { id: "k8s-no-privilege-escalation", description: "Containers cannot gain privileges (allowPrivilegeEscalation: false).", severity: "high", enforcement: "mandatory", controls: { checkov: ["CKV_K8S_20"] } },
    WORKLOAD_TYPES,
    ownWorkloads(perContainer((c) => (get(c, "securityContext.allowPrivilegeEscalation") === false ? undefined : "allowPrivilegeEscalation is not false"))),
  ),
  resourceRule(
    { id: "k8s-drop-capabilities", description: "Containers drop all Linux capabilities.", severity: "medium", enforcement: "advisory", controls: { checkov: ["CKV_K8S_28", "CKV_K8S_37"] } },
    WORKLOAD_TYPES,
    ownWorkloads(perContainer((c) => (arr(get(c, "securityContext.capabilities.drop")).includes("ALL") ? undefined : "capabilities.drop does not include ALL"))),
  ),
  resourceRule(
    { id: "k8s-seccomp", description: "Pods use the RuntimeDefault seccomp profile.", severity: "low", enforcement: "advisory", controls: { checkov: ["CKV_K8S_31"] } },
    WORKLOAD_TYPES,
    ownWorkloads(perContainer((c, w) => (securityValue(w, c, "seccompProfile.type") === "RuntimeDefault" || securityValue(w, c, "seccompProfile.type") === "Localhost" ? undefined : "no seccomp profile"))),
  ),
  resourceRule(
    { id: "k8s-no-host-namespaces", description: "Pods do not share the node's network, PID or IPC namespace.", severity: "high", enforcement: "mandatory", controls: { checkov: ["CKV_K8S_19", "CKV_K8S_17", "CKV_K8S_18"] } },
    WORKLOAD_TYPES,
    ownWorkloads((i) => {
      const shared = ["hostNetwork", "hostPID", "hostIPC"].filter((k) => podSpec(i)[k] === true);
      return shared.length === 0 ? undefined : `${shared.join(", ")} true`;
    }),
  ),
  resourceRule(
    { id: "k8s-image-pinned", description: "Images are pinned to a tag other than latest, or a digest.", severity: "high", enforcement: "mandatory", controls: { checkov: ["CKV_K8S_14", "CKV_K8S_43"] } },
    ALL_POD_OWNERS,
    perContainer((c) => (typeof c.image !== "string" || imagePinned(c.image) ? undefined : `image ${String(c.image)} is not pinned`)),
  ),
  graphRule(
    { id: "k8s-pdb", description: "Every Deployment/StatefulSet that can run more than one replica (itself, or by its HPA / KEDA ScaledObject) is covered by a PodDisruptionBudget.", severity: "medium", enforcement: "mandatory", controls: {} },
    [...WORKLOAD_TYPES, "kubernetes:policy/v1:PodDisruptionBudget"],
    (graph) =>
      workloadsWithout(graph, "kubernetes:policy/v1:PodDisruptionBudget", "spec.selector", "no PodDisruptionBudget selects these pods", (w) => maxReplicas(graph, w) > 1),
  ),
  graphRule(
    { id: "k8s-network-policy", description: "Every Deployment/StatefulSet is selected by a NetworkPolicy.", severity: "medium", enforcement: "mandatory", controls: {} },
    [...WORKLOAD_TYPES, "kubernetes:networking.k8s.io/v1:NetworkPolicy"],
    (graph) => workloadsWithout(graph, "kubernetes:networking.k8s.io/v1:NetworkPolicy", "spec.podSelector", "no NetworkPolicy selects these pods"),
  ),
];
