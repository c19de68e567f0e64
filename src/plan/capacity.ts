/**
 * Capacity check: at max scale, as DECLARED in the rendered graph (scaling targets, the GPU
 * autoscaler, node group maxima), does each tier cover its modeled peak with the required headroom?
 * Per-unit throughput (requests/s per gateway vCPU, inferences/s per GPU) comes from
 * `sizing.capacity`; the peak from the load model (`tierLoad`). The formula is sizing/capacity.ts's
 * `capacityAtMax`, GPUs at max its `gpusAtMax` and the headroom test its `checkHeadroom`, the ones
 * config validation uses too; this file reads their inputs from the graph.
 */
import { fargateServices, GraphIndex, gpuReplicaBounds, nodeGroups, type PlanGraph } from "./model";
import { capacityAtMax, checkHeadroom, type GpuType, gpusAtMax as countGpusAtMax, type Sizing, type Tier, tierLoad } from "../../sizing";

export interface CapacityCheck {
  peakApiRps: number;
  /** Gateway max tasks × vCPU per task × requests/s per vCPU. */
  maxApiRps: number;
  apiHeadroom: number;
  peakInferencePerSec: number;
  /** min(GPU workload max replicas, GPUs at node-group max) × inferences/s per GPU. */
  maxInferencePerSec: number;
  inferenceHeadroom: number;
  peakJobsPerSec: number;
  /** Σ worker max tasks × concurrency / average job seconds. */
  maxJobsPerSec: number;
  jobsHeadroom: number;
  requiredHeadroom: number;
  ok: boolean;
  /** How each maximum was read from the graph (and what was missing). */
  notes: string[];
}

export type CapacitySizing = Pick<Sizing, "capacity" | "usage"> & Partial<Pick<Sizing, "workers">>;

function round(n: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

export function checkCapacity(graph: PlanGraph, sizing: CapacitySizing, tier: Tier, gpuType: GpuType): CapacityCheck {
  const index = new GraphIndex(graph);
  const load = tierLoad(tier);
  const notes: string[] = [];

  const services = fargateServices(index);
  const api = services.filter((s) => s.loadBalanced);
  if (api.length === 0) notes.push("no load-balanced ECS service in the graph: API capacity is 0");
  for (const s of api) notes.push(`API: ${s.service.name} max ${s.maxTasks} tasks × ${s.vcpu} vCPU × ${sizing.capacity.gatewayRpsPerVcpu} req/s per vCPU`);

  const gpuGroups = nodeGroups(index).filter((g) => g.gpu);
  // The on-demand fallback pool stands in for spot; it adds no capacity (sizing/capacity.ts gpusAtMax).
  const gpusAtMax = countGpusAtMax(gpuGroups.map((g) => ({ maxNodes: g.maxNodes, instanceType: g.instanceType, fallback: g.gpuPool === "fallback" })));
  const replicas = gpuReplicaBounds(index);
  const perGpu = sizing.capacity.inferencesPerSecPerGpu[gpuType];
  if (gpuGroups.length === 0) notes.push("no GPU node group in the graph: inference capacity is 0");
  if (!replicas) notes.push("no KEDA ScaledObject or HPA for the GPU workload: replicas bounded by GPU node maxima only");
  notes.push(`inference: min(${replicas ? `${replicas.source} max ${replicas.max}` : "no autoscaler"}, ${gpusAtMax} GPUs at node-group max) × ${perGpu}/s per ${gpuType} GPU`);

  const workers = services.filter((s) => !s.loadBalanced);
  const concurrency = sizing.workers?.concurrency ?? 1;
  const { maxApiRps, maxInferencePerSec, maxJobsPerSec } = capacityAtMax(
    {
      api: api.map((s) => ({ maxTasks: s.maxTasks, vcpu: s.vcpu })),
      gpusAtMax,
      gpuReplicasMax: replicas?.max,
      workerMaxTasks: workers.map((s) => s.maxTasks),
      workerConcurrency: concurrency,
    },
    sizing,
    gpuType,
  );
  if (workers.length === 0) notes.push("no queue-consumer ECS service in the graph: job capacity is 0");
  else notes.push(`jobs: ${workers.map((s) => s.maxTasks).join(" + ")} max tasks × ${concurrency} concurrency / ${sizing.usage.averageJobSeconds} s per job`);

  const headroom = checkHeadroom({ maxApiRps, maxInferencePerSec, maxJobsPerSec }, load);
  return {
    peakApiRps: round(load.peakApiRps),
    maxApiRps: round(maxApiRps),
    apiHeadroom: round(headroom.apiHeadroom),
    peakInferencePerSec: round(load.peakInferencePerSec),
    maxInferencePerSec: round(maxInferencePerSec),
    inferenceHeadroom: round(headroom.inferenceHeadroom),
    peakJobsPerSec: round(load.peakJobsPerSec, 3),
    maxJobsPerSec: round(maxJobsPerSec, 3),
    jobsHeadroom: round(headroom.jobsHeadroom),
    requiredHeadroom: headroom.requiredHeadroom,
    ok: headroom.apiOk && headroom.inferenceOk && headroom.jobsOk,
    notes,
  };
}
