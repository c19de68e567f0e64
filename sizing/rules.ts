/**
 * Cross-field rules over a settled sizing: min below max, requests below limits, Fargate CPU/memory
 * pairs, GPU families per GPU type, timeouts, the database connection budget (sizing/data.ts), and
 * capacity at max scale against the tier's modeled peak with the required headroom (sizing/capacity.ts). Problems are plain data keyed by their sizing path;
 * config validation (src/config) reports them under `overrides.`.
 */
import { capacityAtMax, checkHeadroom, sizingScaleAtMax } from "./capacity";
import { FARGATE_MEMORY_BY_CPU, TRITON_ROLLOUT } from "./constants";
import { databaseConnectionBudget, RDS_INSTANCE_MEMORY_GIB } from "./data";
import { GPU_FAMILY_PREFIX } from "./instances";
import { LOAD_MODEL, tierLoad } from "./load";
import { type GpuType, PRIORITIES, type Tier } from "./names";
import { availabilityZoneCidrMask } from "./network";
import { quantityValue } from "./quantity";
import type { Sizing } from "./schema";
import { minutesOfDay } from "./warm-windows";

/** One refused combination: the sizing path it names, the value there, and why. */
export interface SizingProblem {
  key: string;
  value: unknown;
  message: string;
}

const HEADROOM = LOAD_MODEL.requiredHeadroom;

/**
 * Cross-field rules zod's per-field schemas cannot express, over one settled sizing. Each returns
 * problems; none throws.
 */
export function sizingProblems(
  s: Sizing,
  tier: Tier,
  gpuType: GpuType,
): SizingProblem[] {
  const problems: SizingProblem[] = [];
  const check = (ok: boolean, key: string, value: unknown, message: string) => {
    if (!ok) problems.push({ key, value, message });
  };
  const minMax = (path: string, min: number, max: number) =>
    check(min <= max, `${path}`, { min, max }, `minimum (${min}) must not exceed maximum (${max})`);

  minMax("gateway.minTasks/maxTasks", s.gateway.minTasks, s.gateway.maxTasks);
  check(s.gateway.minTasks >= 1, "gateway.minTasks", s.gateway.minTasks, "at least 1: with no task the load balancer answers every request with 503");
  minMax("systemNodes.minNodes/maxNodes", s.systemNodes.minNodes, s.systemNodes.maxNodes);
  check(
    s.systemNodes.desiredNodes >= s.systemNodes.minNodes && s.systemNodes.desiredNodes <= s.systemNodes.maxNodes,
    "systemNodes.desiredNodes",
    s.systemNodes.desiredNodes,
    `must lie between minNodes (${s.systemNodes.minNodes}) and maxNodes (${s.systemNodes.maxNodes})`,
  );
  check(s.systemNodes.minNodes >= 1, "systemNodes.minNodes", s.systemNodes.minNodes, "at least 1: CoreDNS and the controllers need a node");
  minMax("gpu.minNodes/maxNodes", s.gpu.minNodes, s.gpu.maxNodes);
  minMax("triton.minReplicas/maxReplicas", s.triton.minReplicas, s.triton.maxReplicas);
  for (const r of ["cpu", "memory"] as const) {
    const [request, limit] = [s.triton[`${r}Request`], s.triton[`${r}Limit`]];
    check(
      quantityValue(request) <= quantityValue(limit),
      `triton.${r}Request`,
      request,
      `must not exceed triton.${r}Limit (${limit}): Kubernetes rejects a request above its limit`,
    );
  }
  check(
    s.triton.maxReplicas + TRITON_ROLLOUT.maxSurge <= s.gpu.maxNodes,
    "triton.maxReplicas",
    s.triton.maxReplicas,
    `one replica needs one GPU node, and a rolling update one more (maxSurge ${TRITON_ROLLOUT.maxSurge}): at most gpu.maxNodes − ${TRITON_ROLLOUT.maxSurge} (${s.gpu.maxNodes - TRITON_ROLLOUT.maxSurge}), or raise gpu.maxNodes`,
  );
  check(
    s.triton.warmWindows.length === 0 || s.triton.minReplicas === 0,
    "triton.warmWindows",
    `${s.triton.warmWindows.length} window(s)`,
    `Triton never runs fewer than triton.minReplicas (${s.triton.minReplicas}) replicas here, so there is nothing to keep warm; warm windows only apply with triton.minReplicas 0`,
  );
  s.triton.warmWindows.forEach((w, i) =>
    check(
      (minutesOfDay(w.to) ?? 0) > (minutesOfDay(w.from) ?? 0),
      `triton.warmWindows.${i}.to`,
      w.to,
      `must be later the same day than from (${w.from}); split a window that crosses midnight in two`,
    ),
  );
  check(
    s.triton.minReplicas <= s.gpu.minNodes || s.gpu.minNodes === 0,
    "triton.minReplicas",
    s.triton.minReplicas,
    `more replicas than gpu.minNodes (${s.gpu.minNodes}) keeps extra GPU nodes up; raise gpu.minNodes`,
  );
  check(
    s.gpu.instanceTypes[gpuType].every((t) => GPU_FAMILY_PREFIX[gpuType].some((p) => t.startsWith(p))),
    `gpu.instanceTypes.${gpuType}`,
    s.gpu.instanceTypes[gpuType],
    `gpuType ${gpuType} runs on the ${GPU_FAMILY_PREFIX[gpuType].join("/")} instance family`,
  );
  check(
    !(s.gpu.onDemandBaseNodes > 0 && s.gpu.capacityType === "ON_DEMAND"),
    "gpu.onDemandBaseNodes",
    s.gpu.onDemandBaseNodes,
    "an on-demand base only makes sense under a spot fleet: with gpu.capacityType ON_DEMAND every node already is; set it to 0",
  );
  check(
    s.gpu.onDemandBaseNodes <= s.gpu.minNodes,
    "gpu.onDemandBaseNodes",
    s.gpu.onDemandBaseNodes,
    `the base is always on (its group never scales), so at most gpu.minNodes (${s.gpu.minNodes}); raise gpu.minNodes or lower the base`,
  );
  check(
    s.gpu.onDemandBaseNodes <= s.triton.minReplicas,
    "gpu.onDemandBaseNodes",
    s.gpu.onDemandBaseNodes,
    `at most triton.minReplicas (${s.triton.minReplicas}): a base GPU no minimum replica needs is an idle on-demand node`,
  );
  check(
    s.gpu.onDemandBaseNodes < s.gpu.maxNodes,
    "gpu.onDemandBaseNodes",
    s.gpu.onDemandBaseNodes,
    `fewer than gpu.maxNodes (${s.gpu.maxNodes}): the spot group holds the nodes above the base and EKS needs its maxSize ≥ 1`,
  );
  check(
    !(s.gpu.onDemandFallback && s.gpu.capacityType === "ON_DEMAND"),
    "gpu.onDemandFallback",
    true,
    "an on-demand fallback only makes sense when gpu.capacityType is SPOT",
  );
  for (const [role, svc] of [
    ["gateway", s.gateway],
    ["workers", s.workers],
  ] as const) {
    const allowed = FARGATE_MEMORY_BY_CPU[svc.cpu] ?? [];
    check(
      allowed.includes(svc.memoryMiB),
      `${role}.memoryMiB`,
      svc.memoryMiB,
      `Fargate with ${svc.cpu} CPU units allows ${fargateMemoryChoices(allowed)}`,
    );
  }
  for (const p of PRIORITIES) {
    const w = s.workers.priorities[p];
    minMax(`workers.priorities.${p}.minTasks/maxTasks`, w.minTasks, w.maxTasks);
    check(
      w.visibilityTimeoutSeconds > w.taskTimeoutSeconds,
      `workers.priorities.${p}.visibilityTimeoutSeconds`,
      w.visibilityTimeoutSeconds,
      `must exceed taskTimeoutSeconds (${w.taskTimeoutSeconds}), or a running task is delivered to a second worker`,
    );
  }
  check(
    s.database.maxAllocatedStorageGiB >= s.database.allocatedStorageGiB,
    "database.maxAllocatedStorageGiB",
    s.database.maxAllocatedStorageGiB,
    `must be at least allocatedStorageGiB (${s.database.allocatedStorageGiB})`,
  );
  // Every service at its max count, every process holding its whole pool, must leave the database headroom.
  const connections = databaseConnectionBudget(s);
  if (connections.budget === undefined) {
    check(
      false,
      "database.instanceClass",
      s.database.instanceClass,
      `no memory figure for this class (RDS_INSTANCE_MEMORY_GIB in sizing/data.ts), so the connection budget cannot be checked; known: ${Object.keys(RDS_INSTANCE_MEMORY_GIB).join(", ")}`,
    );
  } else {
    check(
      connections.claimed <= connections.budget,
      "database.gatewayPoolMax",
      s.database.gatewayPoolMax,
      `${s.gateway.maxTasks} gateway tasks × ${s.database.gatewayPoolMax} + ${connections.workerClaim} worker processes at max scale (worker maxTasks × workers.concurrency, one connection each) = ${connections.claimed} connections exceed ${s.database.connectionBudgetPercent} % of ${s.database.instanceClass}'s default max_connections ${connections.maxConnections} (${connections.budget}); at most ${connections.largestGatewayPool} per gateway task, or a larger instanceClass, or fewer max tasks`,
    );
  }
  check(
    !(tier === "100k" && /^db\.t\d/.test(s.database.instanceClass)),
    "database.instanceClass",
    s.database.instanceClass,
    "the 100k tier needs a non-burstable class (db.m*/db.r*): t-class CPU credits run out under sustained load",
  );
  check(
    !(tier === "100k" && /^cache\.t\d/.test(s.cache.nodeType)),
    "cache.nodeType",
    s.cache.nodeType,
    "the 100k tier needs a non-burstable node type (cache.m*/cache.r*)",
  );
  check(
    s.database.readReplicas === 0 || s.database.backupRetentionDays >= 1,
    "database.backupRetentionDays",
    s.database.backupRetentionDays,
    "read replicas need automated backups (at least 1 day)",
  );
  const layout = vpcLayoutProblem(s.network);
  if (layout !== undefined) check(false, "network.vpcCidr", s.network.vpcCidr, layout);
  check(
    s.network.natGateways === "single" || s.network.availabilityZones >= 2,
    "network.natGateways",
    s.network.natGateways,
    "perAz needs at least 2 availability zones",
  );

  // Capacity at max scale must still cover the modeled peak with the required headroom, so an
  // override can't quietly make a tier unable to serve its load.
  const load = tierLoad(tier);
  const atMax = capacityAtMax(sizingScaleAtMax(s, gpuType), s, gpuType);
  const headroom = checkHeadroom(atMax, load, HEADROOM);
  check(
    headroom.apiOk,
    "gateway.maxTasks",
    s.gateway.maxTasks,
    `at max scale the gateway serves ${atMax.maxApiRps.toFixed(1)} req/s; the ${tier} tier needs ${(load.peakApiRps * HEADROOM).toFixed(1)} (peak × ${HEADROOM})`,
  );
  check(
    headroom.inferenceOk,
    "triton.maxReplicas",
    s.triton.maxReplicas,
    `at max scale Triton serves ${atMax.maxInferencePerSec.toFixed(1)} inferences/s; the ${tier} tier needs ${(load.peakInferencePerSec * HEADROOM).toFixed(1)}`,
  );
  check(
    headroom.jobsOk,
    "workers.priorities.*.maxTasks",
    PRIORITIES.map((p) => s.workers.priorities[p].maxTasks),
    `at max scale the workers finish ${atMax.maxJobsPerSec.toFixed(1)} jobs/s; the ${tier} tier needs ${(load.peakJobsPerSec * HEADROOM).toFixed(1)} (peak × ${HEADROOM})`,
  );
  return problems;
}


/** A CPU size's valid memory sizes as one phrase: "2048–8192 MiB in 1024 MiB steps", or the list when the steps differ. */
function fargateMemoryChoices(allowed: number[]): string {
  if (allowed.length === 0) return "no memory size (not a Fargate CPU size)";
  const step = allowed[1] - allowed[0];
  const uniform = allowed.length > 3 && allowed.every((v, i) => i === 0 || v - allowed[i - 1] === step);
  return uniform ? `${allowed[0]}–${allowed[allowed.length - 1]} MiB in ${step} MiB steps` : `${allowed.join(", ")} MiB`;
}

/** The VPC subnet layout's refusal (availabilityZoneCidrMask throws it), without the component prefix. */
function vpcLayoutProblem(network: Sizing["network"]): string | undefined {
  try {
    availabilityZoneCidrMask(network);
    return undefined;
  } catch (e) {
    return (e as Error).message.replace(/^Network: /, "");
  }
}
