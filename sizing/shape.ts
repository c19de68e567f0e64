/**
 * The sizing shape: one interface per section of {@link Sizing}.
 */
import type { CapacityType, GpuType, Priority } from "./names";

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
