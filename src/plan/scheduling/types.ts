/**
 * The shapes of the scheduling check: what a pod asks for and where it may go, a workload, a
 * node pool (one node group) and what one of its nodes offers, and the report.
 */
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
