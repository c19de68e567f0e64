/**
 * The sizing table: the ONE place where every size, count, threshold and usage assumption of the
 * platform lives. Components never invent numbers; they receive a settled {@link Sizing} from
 * {@link resolveSizing} (sizing/environments.ts).
 *
 * Shape of the decision:
 *   1. `TIERS[tier]` is the production sizing for 1k / 10k / 100k daily active users.
 *   2. `ENVIRONMENT_ADJUSTMENTS[env](tier)` trims it for an environment (dev is single-AZ, spot, short retention).
 *   3. The stack's `overrides` config (validated against sizing/schema.ts) is merged on top.
 *
 * Sources for the starting numbers: ../shared/design/ARCHITECTURE.md ("Starting sizing") and the seed
 * deployment notes (OSKAR, SpeakFit, Sutra, PWM, MarketResearchAI) it cites.
 */
import { GPU_DEFAULT_INSTANCE_TYPES } from "./instances";
import type { GpuType, Tier } from "./names";
import type { CapacityAssumptions, ObservabilitySizing, SafetySizing, Sizing, StorageSizing, WorkerPrioritySizing } from "./schema";

// ---------------------------------------------------------------------------------------------
// Shared pieces of the table.
// ---------------------------------------------------------------------------------------------

const HOUR = 3_600;

/** PWM seed: free and paid tasks run up to 1 h, sprint up to 4 h. Visibility = timeout + 15 min. */
function workerPriority(
  taskTimeoutSeconds: number,
  scaling: Pick<WorkerPrioritySizing, "minTasks" | "maxTasks" | "spot" | "backlogPerTask">,
): WorkerPrioritySizing {
  return {
    ...scaling,
    taskTimeoutSeconds,
    visibilityTimeoutSeconds: taskTimeoutSeconds + HOUR / 4,
    maxReceiveCount: 3,
  };
}

const PROD_SAFETY: SafetySizing = {
  deletionProtection: true,
  finalSnapshot: true,
  forceDestroyBuckets: false,
  waf: true,
  flowLogs: true,
  accessLogs: true,
  // Nothing reads Container Insights' metrics: the ECS alarms and dashboard widgets use the free
  // AWS/ECS CPUUtilization and MemoryUtilization service metrics (components/observability). Turning
  // it on costs ~$32/month of custom metrics for an unread copy.
  containerInsights: false,
};

/**
 * Half of the default max_connections for the application's pools: the other half absorbs the gap
 * between nominal memory and DBInstanceClassMemory (~5–12 %), RDS's reserved and internal sessions,
 * migrations, operators' psql sessions and old tasks still draining during a rolling deployment.
 */
const DATABASE_CONNECTION_BUDGET_PERCENT = 50;

const STORAGE: StorageSizing = {
  freeTierRetentionDays: 30,
  noncurrentVersionDays: 30,
  abortIncompleteUploadDays: 7,
};

/** The smallest (one-GPU) instance of each GPU type's family (sizing/instances.ts). */
const GPU_INSTANCE_TYPES: Record<GpuType, string[]> = GPU_DEFAULT_INSTANCE_TYPES;

const CAPACITY: CapacityAssumptions = {
  gatewayRpsPerVcpu: 50,
  inferencesPerSecPerGpu: { l4: 20, a10g: 24 },
};

const SPOT_DISCOUNTS = { ec2SpotDiscount: 0.55, fargateSpotDiscount: 0.65 } as const;

function observability(logRetentionDays: number): ObservabilitySizing {
  return {
    logRetentionDays,
    http5xxRatePercent: 5,
    p95LatencySeconds: 2,
    queueOldestMessageAgeSeconds: 15 * 60,
    queueDepthAlarm: 500,
    cpuAlarmPercent: 80,
    memoryAlarmPercent: 85,
    dbFreeStorageGiB: 5,
    dbConnections: 80,
    replicaLagSeconds: 60,
    cacheEvictions: 100,
    gpuUtilisationPercent: 90,
    tritonQueueTimeMs: 200,
  };
}

// ---------------------------------------------------------------------------------------------
// The table (production sizing per tier).
// ---------------------------------------------------------------------------------------------

export const TIERS: Record<Tier, Sizing> = {
  "1k": {
    network: { availabilityZones: 2, natGateways: "single", natType: "instance", natInstanceType: "t4g.micro", vpcCidr: "10.0.0.0/16" },
    safety: PROD_SAFETY,
    observability: observability(30),
    gateway: {
      cpu: 256,
      memoryMiB: 512,
      minTasks: 2,
      maxTasks: 3,
      cpuTargetPercent: 70,
      requestsPerTargetPerMinute: 600,
      spot: false,
      healthCheckGraceSeconds: 60,
      wafRateLimitPer5Min: 1_000,
    },
    workers: {
      cpu: 512,
      memoryMiB: 1024,
      concurrency: 4,
      dlqRetentionDays: 14,
      receiveWaitSeconds: 20,
      // 2 000 jobs a day: one service keeps one task up instead of three.
      shared: true,
      priorities: {
        free: workerPriority(HOUR, { minTasks: 0, maxTasks: 2, spot: true, backlogPerTask: 20 }),
        paid: workerPriority(HOUR, { minTasks: 0, maxTasks: 2, spot: true, backlogPerTask: 10 }),
        sprint: workerPriority(4 * HOUR, { minTasks: 0, maxTasks: 2, spot: true, backlogPerTask: 5 }),
      },
    },
    systemNodes: {
      instanceTypes: ["t4g.medium"],
      capacityType: "ON_DEMAND",
      minNodes: 1,
      maxNodes: 2,
      desiredNodes: 1,
      diskGiB: 20,
    },
    gpu: {
      instanceTypes: GPU_INSTANCE_TYPES,
      capacityType: "SPOT",
      minNodes: 0,
      // Triton's maxReplicas + TRITON_ROLLOUT.maxSurge: the rollout's extra pod needs a node of its own.
      maxNodes: 2,
      diskGiB: 100,
      onDemandBaseNodes: 0,
      onDemandFallback: true,
      fastImagePull: false,
      fastImagePullThroughputMiBps: 600,
    },
    // One replica at most: a DNS name over the pod's address serves it without an NLB.
    triton: {
      endpoint: "privateDns",
      minReplicas: 0,
      maxReplicas: 1,
      cpuRequest: "2",
      cpuLimit: "3",
      memoryRequest: "8Gi",
      memoryLimit: "12Gi",
      shmSize: "1Gi",
      queueTimeTargetUs: 50_000,
      gpuUtilisationTargetPercent: 70,
      cooldownSeconds: 15 * 60,
      warmWindows: [],
    },
    // Single-AZ at 1k: point-in-time restore keeps RPO 1 h / RTO 4 h (docs/data-layer.md "Backup and restore":
    // RPO ≤ 5 min, a 20 GB restore ~20–30 min + ~25 min of renames and state steps); Multi-AZ
    // would buy minutes instead of an hour of downtime for $14/month.
    database: {
      instanceClass: "db.t4g.micro",
      allocatedStorageGiB: 20,
      maxAllocatedStorageGiB: 100,
      multiAz: false,
      readReplicas: 0,
      backupRetentionDays: 7,
      performanceInsights: true,
      monitoringIntervalSeconds: 60,
      slowQueryMs: 500,
      // 3 gateway tasks × 6 + 2 shared-worker tasks × 4 processes = 26 ≤ 50 % of max_connections 112 (56).
      gatewayPoolMax: 6,
      connectionBudgetPercent: DATABASE_CONNECTION_BUDGET_PERCENT,
    },
    cache: { nodeType: "cache.t4g.micro", nodes: 1, snapshotRetentionDays: 1 },
    storage: STORAGE,
    usage: {
      gpuActiveHoursPerDay: 6,
      gpuAverageExtraNodes: 1,
      gatewayAverageExtraTasks: 0,
      averageJobSeconds: 30,
      natGbPerMonth: 50,
      logGbPerMonth: 3,
      s3GbStored: 50,
      albAverageLcu: 0.5,
      nlbAverageLcu: 0.5,
      ...SPOT_DISCOUNTS,
    },
    capacity: CAPACITY,
    budgetUsd: 250,
  },

  "10k": {
    // One NAT instance per AZ: no single-AZ egress, ~$57/month less than two NAT gateways at 100 GB.
    network: { availabilityZones: 2, natGateways: "perAz", natType: "instance", natInstanceType: "t4g.micro", vpcCidr: "10.0.0.0/16" },
    safety: PROD_SAFETY,
    observability: observability(90),
    // Two 0.25-vCPU tasks already serve the 18.5 req/s peak (12.5 req/s each); scaling out is cheaper
    // than idling twice the vCPU all day at an average of 4.6 req/s.
    gateway: {
      cpu: 256,
      memoryMiB: 1024,
      minTasks: 2,
      maxTasks: 20,
      cpuTargetPercent: 70,
      requestsPerTargetPerMinute: 1_200,
      spot: false,
      healthCheckGraceSeconds: 60,
      wafRateLimitPer5Min: 2_000,
    },
    workers: {
      cpu: 512,
      memoryMiB: 1024,
      concurrency: 4,
      dlqRetentionDays: 14,
      receiveWaitSeconds: 20,
      shared: false,
      priorities: {
        free: workerPriority(HOUR, { minTasks: 0, maxTasks: 5, spot: true, backlogPerTask: 20 }),
        paid: workerPriority(HOUR, { minTasks: 0, maxTasks: 5, spot: false, backlogPerTask: 10 }),
        sprint: workerPriority(4 * HOUR, { minTasks: 0, maxTasks: 5, spot: false, backlogPerTask: 5 }),
      },
    },
    systemNodes: {
      instanceTypes: ["t4g.small"],
      capacityType: "ON_DEMAND",
      minNodes: 2,
      maxNodes: 3,
      desiredNodes: 2,
      diskGiB: 20,
    },
    gpu: {
      instanceTypes: GPU_INSTANCE_TYPES,
      capacityType: "SPOT",
      minNodes: 1,
      // Triton's maxReplicas + TRITON_ROLLOUT.maxSurge: the rollout's extra pod needs a node of its own.
      maxNodes: 4,
      diskGiB: 100,
      onDemandBaseNodes: 0,
      onDemandFallback: true,
      fastImagePull: false,
      fastImagePullThroughputMiBps: 600,
    },
    triton: {
      endpoint: "loadBalancer",
      minReplicas: 1,
      maxReplicas: 3,
      cpuRequest: "2",
      cpuLimit: "3",
      memoryRequest: "8Gi",
      memoryLimit: "12Gi",
      shmSize: "1Gi",
      queueTimeTargetUs: 50_000,
      gpuUtilisationTargetPercent: 70,
      cooldownSeconds: 10 * 60,
      warmWindows: [],
    },
    // gp3 gives 3000 IOPS at any size, so start small and let storage autoscaling grow it.
    database: {
      instanceClass: "db.t4g.medium",
      allocatedStorageGiB: 20,
      maxAllocatedStorageGiB: 500,
      multiAz: true,
      readReplicas: 0,
      backupRetentionDays: 14,
      performanceInsights: true,
      monitoringIntervalSeconds: 60,
      slowQueryMs: 500,
      // 20 gateway tasks × 6 + 3 × 5 worker tasks × 4 processes = 180 ≤ 50 % of max_connections 450 (225).
      gatewayPoolMax: 6,
      connectionBudgetPercent: DATABASE_CONNECTION_BUDGET_PERCENT,
    },
    cache: { nodeType: "cache.t4g.small", nodes: 2, snapshotRetentionDays: 7 },
    storage: STORAGE,
    usage: {
      gpuActiveHoursPerDay: 24,
      gpuAverageExtraNodes: 0.1,
      gatewayAverageExtraTasks: 0.5,
      averageJobSeconds: 30,
      natGbPerMonth: 100,
      logGbPerMonth: 20,
      s3GbStored: 200,
      albAverageLcu: 1,
      nlbAverageLcu: 1,
      ...SPOT_DISCOUNTS,
    },
    capacity: CAPACITY,
    budgetUsd: 800,
  },

  "100k": {
    // 1 TB a month through NAT and no egress pause on an instance failure: managed gateways.
    network: { availabilityZones: 3, natGateways: "perAz", natType: "gateway", natInstanceType: "t4g.micro", vpcCidr: "10.0.0.0/16" },
    safety: PROD_SAFETY,
    observability: observability(365),
    gateway: {
      cpu: 1024,
      memoryMiB: 2048,
      minTasks: 4,
      maxTasks: 40,
      cpuTargetPercent: 70,
      requestsPerTargetPerMinute: 2_400,
      spot: false,
      healthCheckGraceSeconds: 60,
      wafRateLimitPer5Min: 5_000,
    },
    workers: {
      cpu: 1024,
      memoryMiB: 2048,
      concurrency: 8,
      dlqRetentionDays: 14,
      receiveWaitSeconds: 20,
      shared: false,
      priorities: {
        // 3 × 24 tasks × 8 slots / 30 s = 19.2 jobs/s: twice the modeled 9.3 jobs/s peak.
        free: workerPriority(HOUR, { minTasks: 1, maxTasks: 24, spot: true, backlogPerTask: 20 }),
        paid: workerPriority(HOUR, { minTasks: 1, maxTasks: 24, spot: false, backlogPerTask: 10 }),
        sprint: workerPriority(4 * HOUR, { minTasks: 1, maxTasks: 24, spot: false, backlogPerTask: 5 }),
      },
    },
    systemNodes: {
      instanceTypes: ["t4g.medium"],
      capacityType: "ON_DEMAND",
      minNodes: 3,
      maxNodes: 5,
      desiredNodes: 3,
      diskGiB: 30,
    },
    // The floor on demand, the burst on spot: two on-demand GPU nodes a spot reclaim cannot take hold
    // the capacity of Triton's two minimum replicas (pool `base`); the 1.5 nodes a day above them run
    // spot (−55 %, ~$485/month less than on demand) with an on-demand fallback for a spot shortage, so
    // capacity at max (9 nodes) never depends on spot. Worst case (no spot at all): the all-on-demand price.
    gpu: {
      instanceTypes: { l4: ["g6.xlarge", "g6.2xlarge"], a10g: ["g5.xlarge", "g5.2xlarge"] },
      capacityType: "SPOT",
      minNodes: 2,
      // Triton's maxReplicas + TRITON_ROLLOUT.maxSurge: the rollout's extra pod needs a node of its own.
      maxNodes: 9,
      diskGiB: 150,
      onDemandBaseNodes: 2,
      onDemandFallback: true,
      fastImagePull: false,
      fastImagePullThroughputMiBps: 600,
    },
    triton: {
      endpoint: "loadBalancer",
      minReplicas: 2,
      maxReplicas: 8,
      cpuRequest: "3",
      cpuLimit: "3500m",
      memoryRequest: "10Gi",
      memoryLimit: "12Gi",
      shmSize: "2Gi",
      queueTimeTargetUs: 30_000,
      gpuUtilisationTargetPercent: 70,
      cooldownSeconds: 10 * 60,
      warmWindows: [],
    },
    database: {
      // Memory-optimised for connections as much as for data: 40 gateway tasks × 4 + 72 worker tasks × 8
      // Celery processes = 736 connections at max scale, past half of an 8 GiB class's default
      // max_connections (901); 16 GiB (1 802) holds them (sizing/data.ts databaseConnectionBudget).
      instanceClass: "db.r7g.large",
      allocatedStorageGiB: 200,
      maxAllocatedStorageGiB: 2_000,
      multiAz: true,
      readReplicas: 1,
      backupRetentionDays: 35,
      performanceInsights: true,
      monitoringIntervalSeconds: 30,
      slowQueryMs: 250,
      // 40 × 4 + 72 × 8 = 736 ≤ 50 % of db.r7g.large's max_connections 1 802 (901).
      gatewayPoolMax: 4,
      connectionBudgetPercent: DATABASE_CONNECTION_BUDGET_PERCENT,
    },
    cache: { nodeType: "cache.m7g.large", nodes: 3, snapshotRetentionDays: 7 },
    storage: STORAGE,
    usage: {
      gpuActiveHoursPerDay: 24,
      gpuAverageExtraNodes: 1.5,
      gatewayAverageExtraTasks: 4,
      averageJobSeconds: 30,
      natGbPerMonth: 1_000,
      logGbPerMonth: 200,
      s3GbStored: 2_000,
      albAverageLcu: 8,
      nlbAverageLcu: 6,
      ...SPOT_DISCOUNTS,
    },
    capacity: CAPACITY,
    budgetUsd: 5_000,
  },
};
