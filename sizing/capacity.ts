/**
 * Capacity at max scale: the one formula config validation (sizing/rules.ts, from the settled sizing)
 * and the offline plan (src/plan/capacity.ts, from the maxima declared in the rendered graph) both use,
 * so the two cannot drift. Per-unit throughput comes from `sizing.capacity`, job duration from
 * `sizing.usage`; the load it is held against is the load model's peak (sizing/load.ts).
 */
import { gpusPerInstance } from "./instances";
import type { GpuType, Priority } from "./names";
import { PRIORITIES } from "./names";
import type { CapacityAssumptions, Sizing, UsageAssumptions, WorkerPrioritySizing, WorkersSizing } from "./schema";

/** The maxima of a deployment: what each service may scale out to. */
export interface ScaleAtMax {
  /** The load-balanced API services: max tasks and vCPU per task of each. */
  api: { maxTasks: number; vcpu: number }[];
  /** GPUs at node-group max: Σ max nodes × GPUs per instance. */
  gpusAtMax: number;
  /** Max replicas of the GPU workload's autoscaler; undefined when there is none (bounded by GPUs only). */
  gpuReplicasMax: number | undefined;
  /** Max tasks of each queue-consumer (worker) service. */
  workerMaxTasks: number[];
  /** Celery slots per worker task. */
  workerConcurrency: number;
}

export interface CapacityAtMax {
  /** Σ API service max tasks × vCPU per task × requests/s per vCPU. */
  maxApiRps: number;
  /** GPU workload replicas at max: min(autoscaler max, GPUs at node-group max); one replica per GPU. */
  gpuReplicas: number;
  /** GPU replicas at max × inferences/s per GPU. */
  maxInferencePerSec: number;
  /** Σ worker service max tasks × concurrency / average job seconds. */
  maxJobsPerSec: number;
}

export function capacityAtMax(
  scale: ScaleAtMax,
  assumptions: { capacity: CapacityAssumptions; usage: Pick<UsageAssumptions, "averageJobSeconds"> },
  gpuType: GpuType,
): CapacityAtMax {
  const { capacity, usage } = assumptions;
  const maxApiRps = scale.api.reduce((sum, s) => sum + s.maxTasks * s.vcpu * capacity.gatewayRpsPerVcpu, 0);
  const gpuReplicas = scale.gpuReplicasMax !== undefined ? Math.min(scale.gpuReplicasMax, scale.gpusAtMax) : scale.gpusAtMax;
  const maxInferencePerSec = gpuReplicas * capacity.inferencesPerSecPerGpu[gpuType];
  const maxJobsPerSec = scale.workerMaxTasks.reduce((sum, maxTasks) => sum + (maxTasks * scale.workerConcurrency) / usage.averageJobSeconds, 0);
  return { maxApiRps, gpuReplicas, maxInferencePerSec, maxJobsPerSec };
}

/**
 * Max tasks of each worker service the sizing deploys: one service per priority, or with
 * `workers.shared` one service whose bounds are the widest of the priorities ({@link combinePriorities}).
 */
export function workerServiceMaxTasks(workers: Pick<WorkersSizing, "shared" | "priorities">): number[] {
  const perPriority = PRIORITIES.map((p: Priority) => workers.priorities[p]);
  return workers.shared ? [combinePriorities(perPriority).maxTasks] : perPriority.map((p) => p.maxTasks);
}

/**
 * The sizing of a service consuming several priorities: the widest bounds, the longest timeouts,
 * the smallest backlog per task, spot only when every priority allows it.
 */
export function combinePriorities(sizings: WorkerPrioritySizing[]): WorkerPrioritySizing {
  const max = (f: (p: WorkerPrioritySizing) => number) => Math.max(...sizings.map(f));
  return {
    minTasks: max((p) => p.minTasks),
    maxTasks: max((p) => p.maxTasks),
    spot: sizings.every((p) => p.spot),
    taskTimeoutSeconds: max((p) => p.taskTimeoutSeconds),
    visibilityTimeoutSeconds: max((p) => p.visibilityTimeoutSeconds),
    maxReceiveCount: max((p) => p.maxReceiveCount),
    backlogPerTask: Math.min(...sizings.map((p) => p.backlogPerTask)),
  };
}

/**
 * Jobs a priority's whole worker fleet works through at its maximum, `backlogPerTask * maxTasks`:
 * about one Triton replica's worth of demand, so Triton's wake trigger sizes on it.
 */
export function fleetBacklog(p: Pick<WorkerPrioritySizing, "backlogPerTask" | "maxTasks">): number {
  return p.backlogPerTask * p.maxTasks;
}


/**
 * The maxima a settled sizing declares, as config validation reads them: the gateway service, the
 * primary GPU node group at `gpu.maxNodes` of its first instance type (the on-demand fallback group
 * only stands in for spot, it adds no capacity), Triton's `maxReplicas`, the worker services.
 */
export function sizingScaleAtMax(s: Pick<Sizing, "gateway" | "gpu" | "triton" | "workers">, gpuType: GpuType): ScaleAtMax {
  return {
    api: [{ maxTasks: s.gateway.maxTasks, vcpu: s.gateway.cpu / 1024 }],
    gpusAtMax: s.gpu.maxNodes * gpusPerInstance(s.gpu.instanceTypes[gpuType][0]),
    gpuReplicasMax: s.triton.maxReplicas,
    workerMaxTasks: workerServiceMaxTasks(s.workers),
    workerConcurrency: s.workers.concurrency,
  };
}
