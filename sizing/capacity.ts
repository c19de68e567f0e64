/**
 * Capacity at max scale: the one formula config validation (sizing/rules.ts, from the settled sizing)
 * and the offline plan (src/plan/capacity.ts, from the maxima declared in the rendered graph) both use,
 * so the two cannot drift. Per-unit throughput comes from `sizing.capacity`, job duration from
 * `sizing.usage`; the load it is held against is the load model's peak (sizing/load.ts).
 */
import { gpuPools } from "./gpu-pools";
import { gpusPerInstance } from "./instances";
import { LOAD_MODEL, type TierLoad } from "./load";
import type { GpuType, Priority } from "./names";
import { PRIORITIES } from "./names";
import type { CapacityAssumptions, Sizing, UsageAssumptions, WorkerPrioritySizing, WorkersSizing } from "./schema";

/** One GPU node pool at its max: the fallback pool (on demand, behind a spot primary) only stands in for spot. */
export interface GpuPoolAtMax {
  maxNodes: number;
  /** The pool's first instance type (the one its GPUs per node are counted from). */
  instanceType: string;
  /** The on-demand pool that replaces spot capacity the primary cannot get: it adds no capacity. */
  fallback: boolean;
}

/**
 * GPUs at node-group max: Σ max nodes × GPUs per instance over the pools that add capacity (every
 * pool but the on-demand fallback, which the autoscaler only scales while the spot primary cannot).
 * The one count config validation ({@link sizingScaleAtMax}) and the offline plan (from the graph) use.
 */
export function gpusAtMax(pools: GpuPoolAtMax[]): number {
  return pools.filter((p) => !p.fallback).reduce((sum, p) => sum + p.maxNodes * gpusPerInstance(p.instanceType), 0);
}

/** The maxima of a deployment: what each service may scale out to. */
export interface ScaleAtMax {
  /** The load-balanced API services: max tasks and vCPU per task of each. */
  api: { maxTasks: number; vcpu: number }[];
  /** GPUs at node-group max ({@link gpusAtMax}). */
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

/** Capacity at max over the modeled peak, per workload, and whether each covers the required headroom. */
export interface HeadroomCheck {
  /** Capacity at max / modeled peak (Infinity when there is no peak). */
  apiHeadroom: number;
  inferenceHeadroom: number;
  jobsHeadroom: number;
  /** The factor each must reach ({@link LOAD_MODEL}'s `requiredHeadroom`). */
  requiredHeadroom: number;
  apiOk: boolean;
  inferenceOk: boolean;
  jobsOk: boolean;
}

/**
 * Does capacity at max scale cover the tier's modeled peak `requiredHeadroom` times over? The one
 * headroom test config validation (sizing/rules.ts) and the offline plan (src/plan/capacity.ts) apply.
 */
export function checkHeadroom(
  atMax: Pick<CapacityAtMax, "maxApiRps" | "maxInferencePerSec" | "maxJobsPerSec">,
  load: Pick<TierLoad, "peakApiRps" | "peakInferencePerSec" | "peakJobsPerSec">,
  requiredHeadroom: number = LOAD_MODEL.requiredHeadroom,
): HeadroomCheck {
  const ratio = (max: number, peak: number) => (peak > 0 ? max / peak : Infinity);
  return {
    apiHeadroom: ratio(atMax.maxApiRps, load.peakApiRps),
    inferenceHeadroom: ratio(atMax.maxInferencePerSec, load.peakInferencePerSec),
    jobsHeadroom: ratio(atMax.maxJobsPerSec, load.peakJobsPerSec),
    requiredHeadroom,
    apiOk: atMax.maxApiRps >= load.peakApiRps * requiredHeadroom,
    inferenceOk: atMax.maxInferencePerSec >= load.peakInferencePerSec * requiredHeadroom,
    jobsOk: atMax.maxJobsPerSec >= load.peakJobsPerSec * requiredHeadroom,
  };
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
 * GPU node pools ({@link gpuPools}, the ones components/inference/node-groups.ts creates) at their max
 * of the first instance type, counted by {@link gpusAtMax}, Triton's `maxReplicas`, the worker services.
 */
export function sizingScaleAtMax(s: Pick<Sizing, "gateway" | "gpu" | "triton" | "workers">, gpuType: GpuType): ScaleAtMax {
  const instanceType = s.gpu.instanceTypes[gpuType][0];
  const pools: GpuPoolAtMax[] = gpuPools(s.gpu).map((p) => ({ maxNodes: p.maxNodes, instanceType, fallback: p.pool === "fallback" }));
  return {
    api: [{ maxTasks: s.gateway.maxTasks, vcpu: s.gateway.cpu / 1024 }],
    gpusAtMax: gpusAtMax(pools),
    gpuReplicasMax: s.triton.maxReplicas,
    workerMaxTasks: workerServiceMaxTasks(s.workers),
    workerConcurrency: s.workers.concurrency,
  };
}
