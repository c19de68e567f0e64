/**
 * Placement rules (Kubernetes: nodeSelector, required node affinity, taints and tolerations): may a
 * pod run on a node pool?
 */
import type { NodePool, NodeSelectorRequirement, PodShape, Taint, Toleration } from "./types";

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
