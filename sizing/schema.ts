/**
 * The sizing shape, declared once: a zod schema whose every field carries its documentation
 * (`.describe()`, read by the generated configuration reference, src/plan/config-reference.ts), and
 * the TypeScript types inferred from it. `overrides` in stack config can set any field, so this file is
 * also the reference for that key. Strict objects: a misspelt override is an error, not a no-op.
 *
 * Config validation (src/config) parses the merged sizing of a stack with this schema; the VPC CIDR's
 * address-family and host-bit checks are added there (they live in policy/cidr.ts, shared with the
 * policy pack, which sizing/ does not import).
 */
import { z } from "zod";
import { CLOUDWATCH_RETENTION_DAYS, ECS_MAX_TASKS_PER_SERVICE, FARGATE_CPU_UNITS, RDS_MONITORING_INTERVALS, SQS_LIMITS } from "./limits";
import { CAPACITY_TYPES } from "./names";
import { ALARM_WINDOWS } from "./observability";
import { quantityValue } from "./quantity";
import { isIanaTimeZone, minutesOfDay, WEEKDAYS } from "./warm-windows";

const positiveInt = z.number().int().min(1);
const nonNegativeInt = z.number().int().min(0);
const percent = z.number().min(1).max(100);
const quantity = z.string().regex(/^\d+(\.\d+)?(m|Mi|Gi|Ki|Ti)?$/, "a Kubernetes quantity such as 2, 500m, 8Gi");
/**
 * A memory quantity: binary units only, at least 1 MiB. `m` is milli in Kubernetes quantities
 * (https://kubernetes.io/docs/reference/kubernetes-api/common-definitions/quantity/), so `100m` of
 * memory is 0.1 byte, not 100 MiB: refused, as is a bare byte count below 1 MiB.
 */
const memoryQuantity = z.string().superRefine((q, ctx) => {
  if (!/^\d+(\.\d+)?(Ki|Mi|Gi|Ti)?$/.test(q)) ctx.addIssue({ code: "custom", message: "a memory quantity in binary units such as 512Mi or 8Gi (`m` is milli: 100m is 0.1 byte)" });
  else if (quantityValue(q) < 2 ** 20) ctx.addIssue({ code: "custom", message: "at least 1Mi: a container cannot start with less memory" });
});
const taskCount = z.number().int().min(0).max(ECS_MAX_TASKS_PER_SERVICE, `at most ${ECS_MAX_TASKS_PER_SERVICE}: Amazon ECS runs at most ${ECS_MAX_TASKS_PER_SERVICE} tasks per service`);
const capacityType = z.enum(CAPACITY_TYPES).describe("ON_DEMAND or SPOT (cheaper; EC2 may reclaim a node with two minutes' notice).");
const instanceType = z.string().regex(/^[a-z][a-z0-9-]*\.[a-z0-9]+$/, "an EC2 instance type such as g6.xlarge");
/** One of a fixed list of numbers (zod's union of literals), refused with one message naming the list. */
const oneOf = (values: readonly number[], error: string) =>
  z.union(values.map((v) => z.literal(v)) as unknown as [z.ZodLiteral<number>, z.ZodLiteral<number>], { error });
const fargateCpu = oneOf(FARGATE_CPU_UNITS, `Fargate CPU units: ${FARGATE_CPU_UNITS.slice(0, -1).join(", ")} or ${FARGATE_CPU_UNITS[FARGATE_CPU_UNITS.length - 1]}`);
/** The period (minutes) every alarm evaluates over (sizing/observability.ts ALARM_WINDOWS; both windows share it). */
const hhmm = z.string().refine((t) => minutesOfDay(t) !== undefined, "a 24-hour time HH:MM, e.g. 08:45");
const warmWindowSchema = z
  .strictObject({
    days: z.array(z.enum(WEEKDAYS)).min(1).describe("Days the window opens on (Sun … Sat)."),
    from: hhmm.describe("Opening time (HH:MM, 24-hour, in `timezone`): the GPU node starts launching then."),
    to: hhmm.describe("Closing time (HH:MM), later the same day; split a window that crosses midnight in two."),
    timezone: z
      .string()
      .refine(isIanaTimeZone, "a current IANA time zone name, spelled as in the tz database (case matters; legacy aliases such as US/Eastern are refused), e.g. Europe/Berlin, America/New_York or UTC")
      .describe("IANA time zone of `from` and `to`."),
  })
  .describe("One weekly warm window.");

const ALARM_PERIOD_MINUTES = ALARM_WINDOWS.immediate.periodSeconds / 60;

export const networkSchema = z
  .strictObject({
    // The subnet layout gives each AZ a fixed quarter of the VPC (AZ_SLOT_BITS in sizing/network.ts).
    availabilityZones: z
      .number()
      .int()
      .min(2)
      .max(4, "at most 4: the VPC is split into four fixed AZ slices")
      .describe("Availability zones the VPC spans (2 is the minimum for RDS subnet groups and ALBs; at most 4: the VPC is split into four fixed AZ slices)."),
    natGateways: z
      .enum(["single", "perAz"])
      .describe("`single`: one NAT for the VPC; `perAz`: one per AZ, so losing an AZ (or its NAT) stops only that AZ's egress. Prod from 10k up must be `perAz` (no single-AZ egress)."),
    natType: z
      .enum(["gateway", "instance"])
      .describe(
        "`gateway`: managed NAT gateways ($0.045/hour + $0.045/GB each). `instance`: one Graviton NAT instance per NAT slot (Amazon Linux 2023 + iptables, the fck-nat pattern without a third-party AMI): ~$10/month with its public IPv4 and no per-GB charge; egress of the instance's AZs pauses while EC2 automatic recovery restarts it on new hardware (minutes).",
      ),
    natInstanceType: z
      .string()
      .regex(/^t4g\.(nano|micro|small|medium|large)$/, "a Graviton burstable type (t4g.nano ... t4g.large)")
      .describe("Instance type of NAT instances (`natType: instance`); Graviton burstable (t4g.nano ... t4g.large)."),
    vpcCidr: z.string().describe("VPC CIDR block (IPv4, /16 to /28; the subnet layout needs room for its per-AZ slices)."),
  })
  .describe("The VPC: availability zones and NAT egress.");

export const safetySchema = z
  .strictObject({
    deletionProtection: z.boolean().describe("Deletion protection on the database and the load balancer."),
    finalSnapshot: z.boolean().describe("Take a final snapshot when the database or cache is deleted."),
    forceDestroyBuckets: z.boolean().describe("`forceDestroy` on buckets: lets `pulumi destroy` empty them. Dev only."),
    waf: z.boolean().describe("WAFv2 web ACL on the public load balancer."),
    flowLogs: z.boolean().describe("VPC flow logs to CloudWatch."),
    accessLogs: z.boolean().describe("ALB access logs and S3 server access logs to a log bucket."),
    containerInsights: z.boolean().describe("ECS Container Insights."),
  })
  .describe("Durability and safety switches. Weakening any of them in prod needs an acknowledgement (sizing/weakening.ts).");

export const observabilitySchema = z
  .strictObject({
    logRetentionDays: oneOf(CLOUDWATCH_RETENTION_DAYS, "one of CloudWatch's retention values: 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, ... 3653").describe(
      "CloudWatch log retention for every log group of the stack (one of CloudWatch's retention values).",
    ),
    http5xxRatePercent: percent.describe(`Alarm when the ALB's 5xx responses exceed this share of requests (percent) over ${ALARM_PERIOD_MINUTES} minutes.`),
    p95LatencySeconds: z.number().positive().describe("Alarm when target p95 latency exceeds this many seconds (seed requirement: 2 s)."),
    queueOldestMessageAgeSeconds: positiveInt.describe("Alarm when the oldest message of a job queue is older than this (seconds)."),
    queueDepthAlarm: positiveInt.describe("Alarm when a job queue holds more visible messages than this."),
    cpuAlarmPercent: percent.describe("CPU utilisation alarm for ECS services, RDS and Redis (percent)."),
    memoryAlarmPercent: percent.describe("Memory utilisation alarm for ECS services, RDS and Redis (percent)."),
    dbFreeStorageGiB: positiveInt.describe("RDS free storage alarm (GiB)."),
    dbConnections: positiveInt.describe("RDS connection count alarm."),
    replicaLagSeconds: positiveInt.describe("Read replica lag alarm (seconds)."),
    cacheEvictions: nonNegativeInt.describe(`Redis evictions per ${ALARM_PERIOD_MINUTES} minutes before alarming.`),
    gpuUtilisationPercent: percent.describe("Alarm when GPU utilisation stays above this (percent): the autoscaler is at its max."),
    tritonQueueTimeMs: positiveInt.describe("Alarm when Triton's average queue time per request exceeds this (milliseconds)."),
  })
  .describe("Log retention and alarm thresholds.");

export const gatewaySchema = z
  .strictObject({
    cpu: fargateCpu.describe("Fargate task CPU units (256 = 0.25 vCPU)."),
    memoryMiB: positiveInt.describe("Fargate task memory (MiB); must be a valid pairing with `cpu`."),
    minTasks: taskCount.describe("Fewest gateway tasks (at least 1: with no task the load balancer answers every request with 503)."),
    maxTasks: taskCount.min(1).describe("Most gateway tasks; at max scale they must serve the tier's modeled peak with the required headroom."),
    cpuTargetPercent: percent.describe("Target-tracking goal on average service CPU (seed Sutra: 70 %)."),
    requestsPerTargetPerMinute: positiveInt.describe("Target-tracking goal on ALB requests per target per minute."),
    spot: z.boolean().describe("Run on Fargate Spot (cheaper, can be interrupted with two minutes' notice)."),
    healthCheckGraceSeconds: nonNegativeInt.describe("Seconds the ALB waits before judging a new task's health."),
    wafRateLimitPer5Min: z
      .number()
      .int()
      .min(10, "WAF rate limits start at 10")
      .max(2_000_000_000)
      .describe("WAF rate-based rule: requests per IP per 5 minutes before blocking."),
  })
  .describe("The FastAPI gateway's ECS service behind the public ALB.");

export const workerPrioritySchema = z
  .strictObject({
    minTasks: taskCount.describe("Fewest worker tasks of this priority (0 lets an idle queue cost nothing)."),
    maxTasks: taskCount.min(1).describe("Most worker tasks of this priority; with the others' at max scale they must finish the modeled peak of jobs with the required headroom."),
    spot: z.boolean().describe("Fargate Spot for this priority's workers."),
    taskTimeoutSeconds: positiveInt.describe("The longest a task of this priority may run (seed PWM: free 1 h, sprint 4 h)."),
    visibilityTimeoutSeconds: z
      .number()
      .int()
      .min(0)
      .max(SQS_LIMITS.maxVisibilityTimeoutSeconds, `SQS allows at most ${SQS_LIMITS.maxVisibilityTimeoutSeconds} s (12 h)`)
      .describe("SQS visibility timeout: must exceed `taskTimeoutSeconds`, or a running task is delivered twice."),
    maxReceiveCount: z.number().int().min(1).max(10).describe("Deliveries before a message moves to the dead-letter queue."),
    backlogPerTask: positiveInt.describe("Scale out when visible messages per running task exceed this."),
  })
  .describe("One job priority's queue and workers.");

export const workersSchema = z
  .strictObject({
    cpu: fargateCpu.describe("Fargate task CPU units for every worker."),
    memoryMiB: positiveInt.describe("Fargate task memory (MiB) for every worker; must be a valid pairing with `cpu`."),
    concurrency: positiveInt.describe("Celery concurrency per task (I/O bound: jobs mostly wait on Triton and S3)."),
    dlqRetentionDays: z
      .number()
      .int()
      .min(1)
      .max(SQS_LIMITS.maxRetentionDays, `SQS keeps messages at most ${SQS_LIMITS.maxRetentionDays} days`)
      .describe("Days a message stays in a dead-letter queue (SQS maximum: 14)."),
    receiveWaitSeconds: z
      .number()
      .int()
      .min(0)
      .max(SQS_LIMITS.maxReceiveWaitSeconds, `SQS long polling waits at most ${SQS_LIMITS.maxReceiveWaitSeconds} s`)
      .describe("Long-polling wait (seconds) for receive calls."),
    shared: z
      .boolean()
      .describe(
        "One worker service consumes every priority's queue instead of one service per priority. For a tier whose job load is a trickle (1k: ~1.4 jobs/min), where three services would each keep a task up for a third of it. Kombu's SQS transport polls the queues round-robin (no strict priority; SQS has none); the shared task role may consume all three queues.",
      ),
    priorities: z
      .strictObject({
        free: workerPrioritySchema,
        paid: workerPrioritySchema,
        sprint: workerPrioritySchema,
      })
      .describe("Per job priority (free, paid, sprint): SQS has no message priorities, so each is its own queue (seed: PWM)."),
  })
  .describe("The Celery workers' ECS services and their SQS queues.");

export const nodeGroupSchema = z
  .strictObject({
    instanceTypes: z.array(instanceType).min(1).describe("EC2 instance types of the node group (the first is the one the plan prices)."),
    capacityType,
    minNodes: nonNegativeInt.describe("Fewest nodes (at least 1: CoreDNS and the controllers need a node)."),
    maxNodes: positiveInt.describe("Most nodes the cluster autoscaler may grow the group to."),
    desiredNodes: nonNegativeInt.describe("Nodes at creation; must lie between `minNodes` and `maxNodes`."),
    diskGiB: z.number().int().min(20).max(16_384).describe("Root EBS volume (GiB)."),
  })
  .describe("The EKS system node group (CoreDNS, controllers, KEDA).");

export const gpuSchema = z
  .strictObject({
    instanceTypes: z
      .strictObject({ l4: z.array(instanceType).min(1), a10g: z.array(instanceType).min(1) })
      .describe("Instance types per GPU type. `l4` is the g6 family, `a10g` the g5 family (sizing/instances.ts)."),
    capacityType,
    minNodes: nonNegativeInt.describe("Fewest GPU nodes (0 scales the GPU fleet to zero when idle)."),
    maxNodes: positiveInt.describe(
      "Most GPU nodes of the fleet: `triton.maxReplicas` plus the rolling update's surge (`TRITON_ROLLOUT.maxSurge` in sizing/constants.ts), so a rollout at the replica ceiling has a node for its extra pod. The surge node exists only during a rollout; the autoscaler removes it after. With an on-demand base the spot group (and its fallback) grows to `maxNodes − onDemandBaseNodes`.",
    ),
    onDemandBaseNodes: nonNegativeInt.describe(
      "Under a SPOT fleet, how many of the always-on `minNodes` run on demand in a fixed-size group of their own (pool `base`): a spot reclaim can then take burst capacity but never the floor. 0 = no base group. At most `minNodes` and at most `triton.minReplicas`, below `maxNodes`; must be 0 with `capacityType` ON_DEMAND.",
    ),
    diskGiB: z
      .number()
      .int()
      .min(50, "the Triton image alone is ~10 GB; at least 50 GiB")
      .max(16_384)
      .describe("Root volume sized for the container image (~10 GB for Triton) plus the model cache."),
    onDemandFallback: z
      .boolean()
      .describe("A second, on-demand node group with `minNodes: 0` that the cluster autoscaler uses when spot capacity is unavailable (priority expander). Only meaningful when `capacityType` is SPOT."),
    fastImagePull: z
      .boolean()
      .describe(
        "SOCI parallel pull and unpack on the GPU nodes (AL2023 nodeadm feature gate `FastImagePull`, experimental) with the root volume's throughput raised to `fastImagePullThroughputMiBps` (AWS: slower than a plain pull below ~600 MiB/s). Shortens the ~10 GB Triton pull of a cold start (docs/decisions/0002-cold-start.md); costs $0.04 per MiB/s-month above gp3's 125 per node.",
      ),
    fastImagePullThroughputMiBps: z
      .number()
      .int()
      .min(125)
      .max(1000, "gp3 allows at most 1000 MiB/s")
      .describe("gp3 throughput (MiB/s) of GPU root volumes when `fastImagePull` is on (125–1000)."),
  })
  .describe("The GPU node groups Triton runs on.");

export const tritonSchema = z
  .strictObject({
    endpoint: z
      .enum(["loadBalancer", "privateDns"])
      .describe(
        "What stands behind Triton's one name, `triton.<stack zone>` (gRPC over TLS; a private Route 53 zone kept by ExternalDNS at every tier, $0.50/month). `loadBalancer`: an alias of an internal NLB (AWS Load Balancer Controller, ip targets; ~$18/month with NLCUs), connection-level balancing across replicas. `privateDns`: no load balancer; the name holds the ready pods' VPC addresses: right where one replica serves.",
      ),
    minReplicas: nonNegativeInt.describe("Fewest Triton replicas (0 scales to zero; the first request then waits for a GPU node)."),
    maxReplicas: positiveInt.describe("Most Triton replicas, one GPU each; at max scale they must serve the tier's modeled inference peak with the required headroom."),
    cpuRequest: quantity.describe("CPU request of the Triton container (Kubernetes quantity)."),
    cpuLimit: quantity.describe("CPU limit of the Triton container; not below `cpuRequest`."),
    memoryRequest: memoryQuantity.describe("Memory request of the Triton container (binary units, e.g. 8Gi)."),
    memoryLimit: memoryQuantity.describe("Memory limit of the Triton container; not below `memoryRequest`."),
    shmSize: memoryQuantity.describe("`/dev/shm` size: Triton's python backend and DALI need more than Docker's 64 MB."),
    queueTimeTargetUs: positiveInt.describe("Scale out when average queue time per request exceeds this (microseconds)."),
    gpuUtilisationTargetPercent: percent.describe("Scale out when average GPU utilisation exceeds this (percent)."),
    cooldownSeconds: positiveInt.describe("Seconds with no demand before scaling to `minReplicas` (matters when that is zero)."),
    warmWindows: z
      .array(warmWindowSchema)
      .max(14)
      .describe(
        "Weekly windows in which Triton keeps one replica up although `minReplicas` is 0 (KEDA cron triggers): from about a cold start after `from` (the node starts launching then) until `to`, requests find Triton ready unless a spot reclaim takes the node; outside them the wake path answers `503` + `Retry-After`. The plan prices their GPU hours. Only with `minReplicas: 0`. Example: `[{\"days\":[\"Mon\",\"Tue\",\"Wed\",\"Thu\",\"Fri\"],\"from\":\"08:45\",\"to\":\"18:00\",\"timezone\":\"Europe/Berlin\"}]`.",
      ),
  })
  .describe("Triton Inference Server's Deployment and autoscaler.");

export const databaseSchema = z
  .strictObject({
    instanceClass: z
      .string()
      .regex(/^db\.[a-z0-9]+\.[a-z0-9]+$/, "an RDS instance class such as db.t4g.medium")
      .describe("RDS instance class (the 100k tier needs a non-burstable db.m*/db.r* class)."),
    allocatedStorageGiB: z.number().int().min(20, "RDS gp3 starts at 20 GiB").max(65_536).describe("Initial gp3 storage (GiB)."),
    maxAllocatedStorageGiB: z.number().int().min(20).max(65_536).describe("Storage autoscaling ceiling."),
    multiAz: z.boolean().describe("A synchronous standby in a second AZ with automatic failover."),
    readReplicas: z.number().int().min(0).max(5, "RDS PostgreSQL allows at most 5 read replicas here").describe("Read replicas (they need automated backups)."),
    backupRetentionDays: z
      .number()
      .int()
      .min(1, "at least 1 day, or point-in-time recovery is off")
      .max(35)
      .describe("Days of automated backups and point-in-time recovery."),
    performanceInsights: z.boolean().describe("RDS Performance Insights."),
    monitoringIntervalSeconds: oneOf(RDS_MONITORING_INTERVALS, "one of 0, 1, 5, 10, 15, 30, 60").describe("Enhanced monitoring interval in seconds (0 = off)."),
    slowQueryMs: nonNegativeInt.describe("Log statements slower than this (ms)."),
    gatewayPoolMax: positiveInt.describe(
      "Connections one gateway task (one uvicorn process) may hold to each database host: the gateway's `DATABASE_POOL_MAX`. Workers get 1 per Celery process (prefork children cannot share a pool). Refused when gateway.maxTasks × this + every worker service's maxTasks × workers.concurrency exceeds `connectionBudgetPercent` of the class's default `max_connections` (sizing/data.ts).",
    ),
    connectionBudgetPercent: percent.describe(
      "Share (percent) of the instance class's default `max_connections` the tasks' pools may claim together; the rest covers RDS's reserved and internal sessions, migrations, operators, tasks draining in a rolling deployment, and DBInstanceClassMemory being below the class's nominal memory.",
    ),
  })
  .describe("RDS PostgreSQL.");

export const cacheSchema = z
  .strictObject({
    nodeType: z
      .string()
      .regex(/^cache\.[a-z0-9]+\.[a-z0-9]+$/, "an ElastiCache node type such as cache.t4g.small")
      .describe("ElastiCache node type (the 100k tier needs a non-burstable cache.m*/cache.r* type)."),
    nodes: z.number().int().min(1).max(6).describe("Nodes in the replication group: 1 = primary only; 2+ adds replicas with automatic failover."),
    snapshotRetentionDays: z.number().int().min(0).max(35).describe("Days of automatic snapshots (0 = off)."),
  })
  .describe("ElastiCache (Valkey) replication group.");

export const storageSchema = z
  .strictObject({
    freeTierRetentionDays: positiveInt.describe("Objects under the free-tier prefix expire after this many days (seed: 30)."),
    noncurrentVersionDays: positiveInt.describe("Noncurrent object versions expire after this many days."),
    abortIncompleteUploadDays: positiveInt.describe("Incomplete multipart uploads are aborted after this many days."),
  })
  .describe("S3 lifecycle rules.");

export const usageSchema = z
  .strictObject({
    gpuActiveHoursPerDay: z.number().min(0).max(24).describe("Hours a day the GPU fleet is above its minimum (scale-from-zero tiers: hours it runs at all)."),
    gpuAverageExtraNodes: z.number().min(0).describe("Average GPU nodes running above the minimum while active."),
    gatewayAverageExtraTasks: z.number().min(0).describe("Average gateway tasks above the minimum (diurnal traffic)."),
    averageJobSeconds: z.number().positive().describe("Average Celery job duration (seconds of one worker slot)."),
    natGbPerMonth: z.number().min(0).describe("GB through the NAT gateways per month (image pulls from outside ECR, external APIs)."),
    logGbPerMonth: z.number().min(0).describe("GB of logs ingested per month."),
    s3GbStored: z.number().min(0).describe("GB stored across the S3 buckets."),
    albAverageLcu: z.number().min(0).describe("Average ALB load balancer capacity units."),
    nlbAverageLcu: z.number().min(0).describe("Average NLB capacity units (Triton's internal load balancer)."),
    ec2SpotDiscount: z.number().min(0).max(0.95).describe("Spot discount on EC2 list price (../shared/reference/aws-prices.md, a price reference kept outside this repository: assume 55 %)."),
    fargateSpotDiscount: z.number().min(0).max(0.95).describe("Fargate Spot discount (../shared/reference/aws-prices.md, outside this repository: assume 65 %)."),
  })
  .describe("Assumptions the cost model uses. They are not deployed; `npm run plan` prints them.");

export const capacitySchema = z
  .strictObject({
    gatewayRpsPerVcpu: z.number().positive().describe("Requests/s one gateway vCPU serves (FastAPI + uvicorn, I/O bound: DB, Redis, Triton calls)."),
    inferencesPerSecPerGpu: z
      .strictObject({ l4: z.number().positive(), a10g: z.number().positive() })
      .describe("Inferences/s one GPU serves with dynamic batching, for a BERT-base-class model."),
  })
  .describe("Throughput of one unit of each service; the capacity check (sizing/capacity.ts) multiplies these by max scale.");

export const sizingSchema = z.strictObject({
  network: networkSchema,
  safety: safetySchema,
  observability: observabilitySchema,
  gateway: gatewaySchema,
  workers: workersSchema,
  systemNodes: nodeGroupSchema,
  gpu: gpuSchema,
  triton: tritonSchema,
  database: databaseSchema,
  cache: cacheSchema,
  storage: storageSchema,
  usage: usageSchema,
  capacity: capacitySchema,
  // AWS Budgets takes the limit as a decimal string; below a dollar every month alerts, and a
  // billion is far beyond any tier (a typo guard, not an AWS limit).
  budgetUsd: z
    .number()
    .min(1, "at least 1 USD: a budget below a dollar alerts every month")
    .max(1_000_000_000, "at most 1,000,000,000 USD (a typo guard)")
    .describe("Monthly budget in USD for this tier; an AWS Budget alarms on it and `plan` checks the estimate."),
});

export type Sizing = z.infer<typeof sizingSchema>;
export type NetworkSizing = Sizing["network"];
export type SafetySizing = Sizing["safety"];
export type ObservabilitySizing = Sizing["observability"];
export type GatewaySizing = Sizing["gateway"];
export type WorkersSizing = Sizing["workers"];
export type WorkerPrioritySizing = WorkersSizing["priorities"]["free"];
export type NodeGroupSizing = Sizing["systemNodes"];
export type GpuSizing = Sizing["gpu"];
export type TritonSizing = Sizing["triton"];
export type DatabaseSizing = Sizing["database"];
export type CacheSizing = Sizing["cache"];
export type StorageSizing = Sizing["storage"];
export type UsageAssumptions = Sizing["usage"];
export type CapacityAssumptions = Sizing["capacity"];
