/**
 * The sizing table: the ONE place where every size, count, threshold and usage assumption of the
 * platform lives. Components never invent numbers; they receive a settled {@link Sizing} from
 * {@link resolveSizing}.
 *
 * Shape of the decision:
 *   1. `TIERS[tier]` is the production sizing for 1k / 10k / 100k daily active users.
 *   2. `ENVIRONMENT_ADJUSTMENTS[env](tier)` trims it for an environment (dev is single-AZ, spot, short retention).
 *   3. The stack's `overrides` config (validated in src/config.ts) is merged on top.
 *
 * Sources for the starting numbers: ../shared/design/ARCHITECTURE.md ("Starting sizing") and the seed
 * deployment notes (OSKAR, SpeakFit, Sutra, PWM, MarketResearchAI) it cites.
 */

export const TIER_NAMES = ["1k", "10k", "100k"] as const;
export type Tier = (typeof TIER_NAMES)[number];

export const ENVIRONMENT_NAMES = ["dev", "prod"] as const;
export type Environment = (typeof ENVIRONMENT_NAMES)[number];

export const GPU_TYPES = ["l4", "a10g"] as const;
export type GpuType = (typeof GPU_TYPES)[number];

/** Job priorities. SQS has no message priorities, so each priority is its own queue (seed: PWM). */
export const PRIORITIES = ["free", "paid", "sprint"] as const;
export type Priority = (typeof PRIORITIES)[number];

export type CapacityType = "ON_DEMAND" | "SPOT";

// ---------------------------------------------------------------------------------------------
// Load model. Assumptions from the architecture doc; every capacity and usage figure derives
// from these, so changing one here moves the capacity check and the cost model together.
// ---------------------------------------------------------------------------------------------

export const LOAD_MODEL = {
  /** API requests one daily active user makes per day. */
  apiRequestsPerDauPerDay: 40,
  /** Of those, calls that reach the GPU (Triton). */
  inferenceCallsPerDauPerDay: 10,
  /** Celery jobs one user enqueues per day (transcriptions, batch OCR, ...). */
  jobsPerDauPerDay: 2,
  /** Peak-hour traffic over the daily average. */
  peakToAverage: 4,
  /** Capacity at max scale must cover the modeled peak this many times over. */
  requiredHeadroom: 2,
} as const;

export const SECONDS_PER_DAY = 86_400;

/** Daily active users each tier is sized for. */
export const TIER_DAU: Record<Tier, number> = { "1k": 1_000, "10k": 10_000, "100k": 100_000 };

/** The modeled traffic of a tier, derived from {@link LOAD_MODEL}. */
export interface TierLoad {
  dau: number;
  averageApiRps: number;
  peakApiRps: number;
  peakInferencePerSec: number;
  jobsPerDay: number;
  peakJobsPerSec: number;
}

export function tierLoad(tier: Tier): TierLoad {
  const dau = TIER_DAU[tier];
  const averageApiRps = (dau * LOAD_MODEL.apiRequestsPerDauPerDay) / SECONDS_PER_DAY;
  const averageInferenceRps = (dau * LOAD_MODEL.inferenceCallsPerDauPerDay) / SECONDS_PER_DAY;
  const jobsPerDay = dau * LOAD_MODEL.jobsPerDauPerDay;
  return {
    dau,
    averageApiRps,
    peakApiRps: averageApiRps * LOAD_MODEL.peakToAverage,
    peakInferencePerSec: averageInferenceRps * LOAD_MODEL.peakToAverage,
    jobsPerDay,
    peakJobsPerSec: (jobsPerDay / SECONDS_PER_DAY) * LOAD_MODEL.peakToAverage,
  };
}

// ---------------------------------------------------------------------------------------------
// The sizing shape. Every field is documented because `overrides` in stack config can set any of
// them, so this interface is also the reference for that key.
// ---------------------------------------------------------------------------------------------

export interface NetworkSizing {
  /** Availability zones the VPC spans (2 is the minimum for RDS subnet groups and ALBs). */
  availabilityZones: number;
  /**
   * `single`: one NAT for the VPC; `perAz`: one per AZ, so losing an AZ (or its NAT) stops only that
   * AZ's egress. Prod from 10k up must be `perAz` (no single-AZ egress).
   */
  natGateways: "single" | "perAz";
  /**
   * `gateway`: managed NAT gateways ($0.045/hour + $0.045/GB each). `instance`: one Graviton NAT
   * instance per NAT slot (Amazon Linux 2023 + iptables, the fck-nat pattern without a third-party
   * AMI): ~$10/month with its public IPv4 and no per-GB charge; egress of the instance's AZs pauses
   * while EC2 automatic recovery restarts it on new hardware (minutes).
   */
  natType: "gateway" | "instance";
  /** Instance type of NAT instances (`natType: instance`); Graviton burstable (t4g). */
  natInstanceType: string;
  /** VPC CIDR block. */
  vpcCidr: string;
}

/** Durability and safety switches. Weakening any of them in prod needs an acknowledgement (src/config.ts). */
export interface SafetySizing {
  /** Deletion protection on the database and the load balancer. */
  deletionProtection: boolean;
  /** Take a final snapshot when the database or cache is deleted. */
  finalSnapshot: boolean;
  /** `forceDestroy` on buckets: lets `pulumi destroy` empty them. Dev only. */
  forceDestroyBuckets: boolean;
  /** WAFv2 web ACL on the public load balancer. */
  waf: boolean;
  /** VPC flow logs to CloudWatch. */
  flowLogs: boolean;
  /** ALB access logs and S3 server access logs to a log bucket. */
  accessLogs: boolean;
  /** ECS Container Insights. */
  containerInsights: boolean;
}

export interface ObservabilitySizing {
  /** CloudWatch log retention for every log group of the stack. */
  logRetentionDays: number;
  /** Alarm when the ALB's 5xx responses exceed this share of requests (percent) over 5 minutes. */
  http5xxRatePercent: number;
  /** Alarm when target p95 latency exceeds this many seconds (seed requirement: 2 s). */
  p95LatencySeconds: number;
  /** Alarm when the oldest message of a job queue is older than this (seconds). */
  queueOldestMessageAgeSeconds: number;
  /** Alarm when a job queue holds more visible messages than this. */
  queueDepthAlarm: number;
  /** CPU / memory utilisation alarm for ECS services, RDS and Redis (percent). */
  cpuAlarmPercent: number;
  memoryAlarmPercent: number;
  /** RDS free storage alarm (GiB). */
  dbFreeStorageGiB: number;
  /** RDS connection count alarm. */
  dbConnections: number;
  /** Read replica lag alarm (seconds). */
  replicaLagSeconds: number;
  /** Redis evictions per 5 minutes before alarming. */
  cacheEvictions: number;
  /** Alarm when GPU utilisation stays above this (percent): the autoscaler is at its max. */
  gpuUtilisationPercent: number;
  /** Alarm when Triton's average queue time per request exceeds this (milliseconds). */
  tritonQueueTimeMs: number;
}

export interface GatewaySizing {
  /** Fargate task CPU units (256 = 0.25 vCPU). */
  cpu: number;
  /** Fargate task memory (MiB); must be a valid pairing with `cpu`. */
  memoryMiB: number;
  minTasks: number;
  maxTasks: number;
  /** Target-tracking goal on average service CPU (seed Sutra: 70 %). */
  cpuTargetPercent: number;
  /** Target-tracking goal on ALB requests per target per minute. */
  requestsPerTargetPerMinute: number;
  /** Run on Fargate Spot (cheaper, can be interrupted with two minutes' notice). */
  spot: boolean;
  /** Seconds the ALB waits before judging a new task's health. */
  healthCheckGraceSeconds: number;
  /** WAF rate-based rule: requests per IP per 5 minutes before blocking. */
  wafRateLimitPer5Min: number;
}

export interface WorkerPrioritySizing {
  minTasks: number;
  maxTasks: number;
  /** Fargate Spot for this priority's workers. */
  spot: boolean;
  /** The longest a task of this priority may run (seed PWM: free 1 h, sprint 4 h). */
  taskTimeoutSeconds: number;
  /** SQS visibility timeout: must exceed `taskTimeoutSeconds`, or a running task is delivered twice. */
  visibilityTimeoutSeconds: number;
  /** Deliveries before a message moves to the dead-letter queue. */
  maxReceiveCount: number;
  /** Scale out when visible messages per running task exceed this. */
  backlogPerTask: number;
}

export interface WorkersSizing {
  /** Fargate task CPU units for every worker. */
  cpu: number;
  memoryMiB: number;
  /** Celery concurrency per task (I/O bound: jobs mostly wait on Triton and S3). */
  concurrency: number;
  /** Days a message stays in a dead-letter queue (SQS maximum: 14). */
  dlqRetentionDays: number;
  /** Long-polling wait (seconds) for receive calls. */
  receiveWaitSeconds: number;
  /**
   * One worker service consumes every priority's queue instead of one service per priority. For a
   * tier whose job load is a trickle (1k: ~1.4 jobs/min), where three services would each keep a
   * task up for a third of it. Kombu's SQS transport polls the queues round-robin (no strict
   * priority; SQS has none); the shared task role may consume all three queues.
   */
  shared: boolean;
  priorities: Record<Priority, WorkerPrioritySizing>;
}

export interface NodeGroupSizing {
  instanceTypes: string[];
  capacityType: CapacityType;
  minNodes: number;
  maxNodes: number;
  desiredNodes: number;
  /** Root EBS volume (GiB). */
  diskGiB: number;
}

export interface GpuSizing {
  /** Instance types per GPU type. `l4` is the g6 family, `a10g` the g5 family. */
  instanceTypes: Record<GpuType, string[]>;
  capacityType: CapacityType;
  minNodes: number;
  /**
   * Most GPU nodes each GPU node group may grow to: `triton.maxReplicas` plus the rolling update's surge
   * (`TRITON_ROLLOUT.maxSurge` in sizing/constants.ts), so a rollout at the replica ceiling has a node
   * for its extra pod. The surge node exists only during a rollout; the autoscaler removes it after.
   */
  maxNodes: number;
  /** Root volume sized for the container image (~10 GB for Triton) plus the model cache. */
  diskGiB: number;
  /**
   * A second, on-demand node group with `minNodes: 0` that the cluster autoscaler uses when spot
   * capacity is unavailable (priority expander). Only meaningful when `capacityType` is SPOT.
   */
  onDemandFallback: boolean;
  /**
   * SOCI parallel pull and unpack on the GPU nodes (AL2023 nodeadm feature gate `FastImagePull`,
   * experimental) with the root volume's throughput raised to `fastImagePullThroughputMiBps` (AWS:
   * slower than a plain pull below ~600 MiB/s). Shortens the ~10 GB Triton pull of a cold start
   * (docs/decisions/0002-cold-start.md); costs $0.04 per MiB/s-month above gp3's 125 per node.
   */
  fastImagePull: boolean;
  /** gp3 throughput (MiB/s) of GPU root volumes when `fastImagePull` is on (125–1000). */
  fastImagePullThroughputMiBps: number;
}

export interface TritonSizing {
  /**
   * How the gateway and workers reach Triton. `loadBalancer`: an internal NLB (AWS Load Balancer
   * Controller, ip targets; ~$18/month with NLCUs), connection-level balancing across replicas.
   * `privateDns`: no load balancer; ExternalDNS publishes the ready pods' VPC addresses as
   * `triton.<stack zone>` in a private Route 53 zone ($0.50/month): right where one replica serves.
   */
  endpoint: "loadBalancer" | "privateDns";
  minReplicas: number;
  maxReplicas: number;
  cpuRequest: string;
  cpuLimit: string;
  memoryRequest: string;
  memoryLimit: string;
  /** `/dev/shm` size: Triton's python backend and DALI need more than Docker's 64 MB. */
  shmSize: string;
  /** Scale out when average queue time per request exceeds this (microseconds). */
  queueTimeTargetUs: number;
  /** Scale out when average GPU utilisation exceeds this (percent). */
  gpuUtilisationTargetPercent: number;
  /** Seconds with no demand before scaling to `minReplicas` (matters when that is zero). */
  cooldownSeconds: number;
}

export interface DatabaseSizing {
  instanceClass: string;
  allocatedStorageGiB: number;
  /** Storage autoscaling ceiling. */
  maxAllocatedStorageGiB: number;
  multiAz: boolean;
  readReplicas: number;
  backupRetentionDays: number;
  performanceInsights: boolean;
  /** Enhanced monitoring interval in seconds (0 = off). */
  monitoringIntervalSeconds: number;
  /** Log statements slower than this (ms). */
  slowQueryMs: number;
}

export interface CacheSizing {
  nodeType: string;
  /** Nodes in the replication group: 1 = primary only; 2+ adds replicas with automatic failover. */
  nodes: number;
  snapshotRetentionDays: number;
}

export interface StorageSizing {
  /** Objects under the free-tier prefix expire after this many days (seed: 30). */
  freeTierRetentionDays: number;
  /** Noncurrent object versions expire after this many days. */
  noncurrentVersionDays: number;
  /** Incomplete multipart uploads are aborted after this many days. */
  abortIncompleteUploadDays: number;
}

/** Assumptions the cost model uses. They are not deployed; `npm run plan` prints them. */
export interface UsageAssumptions {
  /** Hours a day the GPU fleet is above its minimum (scale-from-zero tiers: hours it runs at all). */
  gpuActiveHoursPerDay: number;
  /** Average GPU nodes running above the minimum while active. */
  gpuAverageExtraNodes: number;
  /** Average gateway tasks above the minimum (diurnal traffic). */
  gatewayAverageExtraTasks: number;
  /** Average Celery job duration (seconds of one worker slot). */
  averageJobSeconds: number;
  /** GB through the NAT gateways per month (image pulls from outside ECR, external APIs). */
  natGbPerMonth: number;
  /** GB of logs ingested per month. */
  logGbPerMonth: number;
  /** GB stored across the S3 buckets. */
  s3GbStored: number;
  /** Average ALB load balancer capacity units. */
  albAverageLcu: number;
  /** Average NLB capacity units (Triton's internal load balancer). */
  nlbAverageLcu: number;
  /** Spot discount on EC2 list price (aws-prices.md: assume 55 %). */
  ec2SpotDiscount: number;
  /** Fargate Spot discount (aws-prices.md: assume 65 %). */
  fargateSpotDiscount: number;
}

/** Throughput of one unit of each service; the capacity check multiplies these by max scale. */
export interface CapacityAssumptions {
  /** Requests/s one gateway vCPU serves (FastAPI + uvicorn, I/O bound: DB, Redis, Triton calls). */
  gatewayRpsPerVcpu: number;
  /** Inferences/s one GPU serves with dynamic batching, for a BERT-base-class model. */
  inferencesPerSecPerGpu: Record<GpuType, number>;
}

export interface Sizing {
  network: NetworkSizing;
  safety: SafetySizing;
  observability: ObservabilitySizing;
  gateway: GatewaySizing;
  workers: WorkersSizing;
  systemNodes: NodeGroupSizing;
  gpu: GpuSizing;
  triton: TritonSizing;
  database: DatabaseSizing;
  cache: CacheSizing;
  storage: StorageSizing;
  usage: UsageAssumptions;
  capacity: CapacityAssumptions;
  /** Monthly budget in USD for this tier; an AWS Budget alarms on it and `plan` checks the estimate. */
  budgetUsd: number;
}

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

const STORAGE: StorageSizing = {
  freeTierRetentionDays: 30,
  noncurrentVersionDays: 30,
  abortIncompleteUploadDays: 7,
};

const GPU_INSTANCE_TYPES: Record<GpuType, string[]> = {
  l4: ["g6.xlarge"],
  a10g: ["g5.xlarge"],
};

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
    },
    // Single-AZ at 1k: point-in-time restore keeps RPO 1 h / RTO 4 h (README "Backup and restore":
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
    gpu: {
      instanceTypes: { l4: ["g6.xlarge", "g6.2xlarge"], a10g: ["g5.xlarge", "g5.2xlarge"] },
      capacityType: "ON_DEMAND",
      minNodes: 2,
      // Triton's maxReplicas + TRITON_ROLLOUT.maxSurge: the rollout's extra pod needs a node of its own.
      maxNodes: 9,
      diskGiB: 150,
      onDemandFallback: false,
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
    },
    database: {
      instanceClass: "db.m7g.large",
      allocatedStorageGiB: 200,
      maxAllocatedStorageGiB: 2_000,
      multiAz: true,
      readReplicas: 1,
      backupRetentionDays: 35,
      performanceInsights: true,
      monitoringIntervalSeconds: 30,
      slowQueryMs: 250,
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

// ---------------------------------------------------------------------------------------------
// Environment adjustments. Prod is the table as written; dev keeps the shape (every component
// exists, so dev exercises the same code) and gives up durability for price. Dev keeps the tier's
// budget: there it guards against runaway spend (a GPU node stuck up), and the fixed floor of the
// design (EKS, NAT, two load balancers) leaves no room for a smaller one at 1k.
// ---------------------------------------------------------------------------------------------

/** A recursive partial of {@link Sizing}: what overrides and adjustments are made of. */
export type DeepPartial<T> = T extends (infer U)[]
  ? U[]
  : T extends object
    ? { [K in keyof T]?: DeepPartial<T[K]> }
    : T;

export const ENVIRONMENT_ADJUSTMENTS: Record<Environment, (tier: Tier) => DeepPartial<Sizing>> = {
  prod: () => ({}),
  dev: (tier) => ({
    network: { natGateways: "single" },
    safety: {
      deletionProtection: false,
      finalSnapshot: false,
      forceDestroyBuckets: true,
      waf: false,
      flowLogs: false,
      accessLogs: false,
      containerInsights: false,
    },
    observability: { logRetentionDays: 7 },
    gateway: { minTasks: 1, spot: true },
    workers: {
      priorities: {
        free: { minTasks: 0, spot: true },
        paid: { minTasks: 0, spot: true },
        sprint: { minTasks: 0, spot: true },
      },
    },
    systemNodes: { capacityType: "SPOT", minNodes: 1, desiredNodes: 1 },
    gpu: { capacityType: "SPOT", minNodes: 0, onDemandFallback: false },
    triton: { minReplicas: 0 },
    database: {
      multiAz: false,
      readReplicas: 0,
      backupRetentionDays: 1,
      performanceInsights: false,
      monitoringIntervalSeconds: 0,
    },
    // Dev keeps the tier's node type so a tier switch in dev still exercises resizing.
    cache: { nodes: 1, snapshotRetentionDays: 0 },
    usage: { gpuActiveHoursPerDay: tier === "1k" ? 2 : 8, gpuAverageExtraNodes: 1 },
  }),
};

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Merges `patch` into `base`; arrays and scalars in the patch replace, objects merge. */
export function deepMerge<T>(base: T, patch: DeepPartial<T> | undefined): T {
  if (patch === undefined) return base;
  if (!isPlainObject(base) || !isPlainObject(patch)) return patch as T;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(patch)) {
    if (v === undefined) continue;
    out[k] = deepMerge((base as Record<string, unknown>)[k], v as never);
  }
  return out as T;
}

function deepFreeze<T>(o: T): T {
  if (typeof o === "object" && o !== null) {
    Object.values(o).forEach(deepFreeze);
    Object.freeze(o);
  }
  return o;
}

/** The settled sizing for one stack: tier table, then environment adjustments, then overrides. */
export function resolveSizing(tier: Tier, env: Environment, overrides?: DeepPartial<Sizing>): Sizing {
  const adjusted = deepMerge(TIERS[tier], ENVIRONMENT_ADJUSTMENTS[env](tier));
  return deepFreeze(deepMerge(structuredClone(adjusted), overrides));
}
