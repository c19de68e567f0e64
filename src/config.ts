/**
 * Typed, validated stack configuration.
 *
 * `parsePlatformConfig` is a pure function: it takes the raw project-namespaced config of a stack
 * (what `pulumi config` holds) and returns one frozen {@link PlatformConfig}, or throws a
 * {@link ConfigError} listing EVERY problem at once, each naming the key, the bad value and what is
 * allowed. It runs before any resource is constructed, so a bad config never half-deploys.
 *
 * Components never read stack config; they receive settled values from here.
 */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import {
  ENVIRONMENT_NAMES,
  type Environment,
  GPU_TYPES,
  type GpuType,
  LOAD_MODEL,
  PRIORITIES,
  resolveSizing,
  type Sizing,
  TIER_NAMES,
  type Tier,
  tierLoad,
} from "./tiers";
import { DEFAULTS, FARGATE_MEMORY_BY_CPU, SUPPORTED_KUBERNETES_VERSIONS } from "./constants";

// ---------------------------------------------------------------------------------------------
// The typed result.
// ---------------------------------------------------------------------------------------------

/**
 * Safety settings that may be weakened in prod only with an explicit acknowledgement listed in the
 * `acknowledge` config key. Each maps to the sizing path it guards and the value that is "weak".
 */
/** What a weakening rule may read besides the sizing. */
interface WeakeningContext {
  eksPublicAccessCidrs?: string[];
  tier?: Tier;
}

export const WEAKENING_ACKNOWLEDGEMENTS: Record<
  | "prod-without-deletion-protection"
  | "prod-without-final-snapshot"
  | "prod-force-destroy-buckets"
  | "prod-without-waf"
  | "prod-without-flow-logs"
  | "prod-without-access-logs"
  | "prod-single-az-database"
  | "prod-single-az-egress"
  | "prod-short-backups"
  | "prod-public-eks-endpoint",
  { path: string; weak: (s: Sizing, c?: WeakeningContext) => boolean }
> = {
  "prod-without-deletion-protection": {
    path: "safety.deletionProtection",
    weak: (s: Sizing) => !s.safety.deletionProtection,
  },
  "prod-without-final-snapshot": { path: "safety.finalSnapshot", weak: (s: Sizing) => !s.safety.finalSnapshot },
  "prod-force-destroy-buckets": {
    path: "safety.forceDestroyBuckets",
    weak: (s: Sizing) => s.safety.forceDestroyBuckets,
  },
  "prod-without-waf": { path: "safety.waf", weak: (s: Sizing) => !s.safety.waf },
  "prod-without-flow-logs": { path: "safety.flowLogs", weak: (s: Sizing) => !s.safety.flowLogs },
  "prod-without-access-logs": { path: "safety.accessLogs", weak: (s: Sizing) => !s.safety.accessLogs },
  // The promise is Multi-AZ data stores and per-AZ egress from 10k up. At 1k a single-AZ database
  // keeps RPO 1 h / RTO 4 h through point-in-time restore (README "Backup and restore": 5-minute log
  // uploads, a restore of a small database in well under an hour), so it is not a weakening there.
  "prod-single-az-database": {
    path: "database.multiAz",
    weak: (s: Sizing, c?: WeakeningContext) => !s.database.multiAz && c?.tier !== "1k",
  },
  "prod-single-az-egress": {
    path: "network.natGateways",
    weak: (s: Sizing, c?: WeakeningContext) => s.network.natGateways === "single" && c?.tier !== "1k",
  },
  "prod-short-backups": {
    path: "database.backupRetentionDays",
    weak: (s: Sizing) => s.database.backupRetentionDays < DEFAULTS.prodMinimumBackupDays,
  },
  "prod-public-eks-endpoint": {
    path: "eksPublicAccessCidrs",
    weak: (_s: Sizing, c?: WeakeningContext) =>
      (c?.eksPublicAccessCidrs ?? []).some((cidr) => cidr === "0.0.0.0/0"),
  },
};
export type Acknowledgement = keyof typeof WEAKENING_ACKNOWLEDGEMENTS;
const ACKNOWLEDGEMENT_NAMES = Object.keys(WEAKENING_ACKNOWLEDGEMENTS) as [Acknowledgement, ...Acknowledgement[]];

export interface PlatformConfig {
  /** Pulumi project and stack names. */
  project: string;
  stack: string;
  /** Durability profile: from the `environment` key, else from the stack name (`prod*` → prod). */
  environment: Environment;
  tier: Tier;
  region: string;
  gpuType: GpuType;
  kubernetesVersion: string;
  /** Public hostname of the API; with `hostedZoneId` the stack requests and DNS-validates a certificate. */
  domain?: string;
  hostedZoneId?: string;
  /** An existing ACM certificate for the ALB (takes precedence over `domain`). */
  certificateArn?: string;
  alertEmail?: string;
  images: {
    /** Full image reference; unset means the stack's own ECR repository at `imageTag`. */
    gateway?: string;
    worker?: string;
    /** Tag pushed to the stack's ECR repositories when `gateway`/`worker` are unset. */
    appTag: string;
    triton: string;
  };
  eks: {
    adminRoleArn?: string;
    /** CIDRs allowed to reach the public Kubernetes API endpoint. */
    publicAccessCidrs: string[];
  };
  corsAllowedOrigins: string[];
  /** Key prefix of the Triton model repository in the models bucket. */
  modelRepositoryPrefix: string;
  sizing: Sizing;
  acknowledgements: Acknowledgement[];
  /** Things worth a human's attention that are not errors (printed by `npm run plan`). */
  warnings: string[];
  tags: Record<string, string>;
}

// ---------------------------------------------------------------------------------------------
// Errors.
// ---------------------------------------------------------------------------------------------

export interface ConfigProblem {
  key: string;
  value: unknown;
  message: string;
}

export class ConfigError extends Error {
  constructor(
    public readonly stack: string,
    public readonly problems: ConfigProblem[],
  ) {
    super(
      `Invalid configuration for stack "${stack}" (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n` +
        problems.map((p) => `  - ${p.key} = ${show(p.value)}: ${p.message}`).join("\n"),
    );
    this.name = "ConfigError";
  }
}

function show(v: unknown): string {
  if (v === undefined) return "(unset)";
  const s = JSON.stringify(v);
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

// ---------------------------------------------------------------------------------------------
// Schemas.
// ---------------------------------------------------------------------------------------------

const positiveInt = z.number().int().min(1);
const nonNegativeInt = z.number().int().min(0);
const percent = z.number().min(1).max(100);
const quantity = z.string().regex(/^\d+(\.\d+)?(m|Mi|Gi|Ki|Ti)?$/, "a Kubernetes quantity such as 2, 500m, 8Gi");
const capacityType = z.enum(["ON_DEMAND", "SPOT"]);
const instanceType = z.string().regex(/^[a-z][a-z0-9-]*\.[a-z0-9]+$/, "an EC2 instance type such as g6.xlarge");
const cidr = z
  .string()
  .regex(/^((25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\/(\d|[12]\d|3[0-2])$/, "an IPv4 CIDR such as 203.0.113.0/24");

const workerPrioritySchema = z.strictObject({
  minTasks: nonNegativeInt,
  maxTasks: positiveInt,
  spot: z.boolean(),
  taskTimeoutSeconds: positiveInt,
  visibilityTimeoutSeconds: z.number().int().min(0).max(43_200, "SQS allows at most 43200 s (12 h)"),
  maxReceiveCount: z.number().int().min(1).max(10),
  backlogPerTask: positiveInt,
});

const nodeGroupSchema = z.strictObject({
  instanceTypes: z.array(instanceType).min(1),
  capacityType,
  minNodes: nonNegativeInt,
  maxNodes: positiveInt,
  desiredNodes: nonNegativeInt,
  diskGiB: z.number().int().min(20).max(16_384),
});

/** Mirrors the {@link Sizing} interface; strict, so a misspelt override is an error, not a no-op. */
export const sizingSchema = z.strictObject({
  network: z.strictObject({
    // The subnet layout gives each AZ a fixed quarter of the VPC (AZ_SLOT_BITS in components/network.ts).
    availabilityZones: z.number().int().min(2).max(4, "at most 4: the VPC is split into four fixed AZ slices"),
    natGateways: z.enum(["single", "perAz"]),
    natType: z.enum(["gateway", "instance"]),
    natInstanceType: z.string().regex(/^t4g\.(nano|micro|small|medium|large)$/, "a Graviton burstable type (t4g.nano ... t4g.large)"),
    vpcCidr: cidr,
  }),
  safety: z.strictObject({
    deletionProtection: z.boolean(),
    finalSnapshot: z.boolean(),
    forceDestroyBuckets: z.boolean(),
    waf: z.boolean(),
    flowLogs: z.boolean(),
    accessLogs: z.boolean(),
    containerInsights: z.boolean(),
  }),
  observability: z.strictObject({
    logRetentionDays: z.union(
      [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653].map(
        (d) => z.literal(d),
      ) as unknown as [z.ZodLiteral<number>, z.ZodLiteral<number>],
      { error: "one of CloudWatch's retention values: 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, ... 3653" },
    ),
    http5xxRatePercent: percent,
    p95LatencySeconds: z.number().positive(),
    queueOldestMessageAgeSeconds: positiveInt,
    queueDepthAlarm: positiveInt,
    cpuAlarmPercent: percent,
    memoryAlarmPercent: percent,
    dbFreeStorageGiB: positiveInt,
    dbConnections: positiveInt,
    replicaLagSeconds: positiveInt,
    cacheEvictions: nonNegativeInt,
    gpuUtilisationPercent: percent,
    tritonQueueTimeMs: positiveInt,
  }),
  gateway: z.strictObject({
    cpu: z.union([256, 512, 1024, 2048, 4096, 8192, 16384].map((c) => z.literal(c)) as unknown as [
      z.ZodLiteral<number>,
      z.ZodLiteral<number>,
    ], { error: "Fargate CPU units: 256, 512, 1024, 2048, 4096, 8192 or 16384" }),
    memoryMiB: positiveInt,
    minTasks: nonNegativeInt,
    maxTasks: positiveInt,
    cpuTargetPercent: percent,
    requestsPerTargetPerMinute: positiveInt,
    spot: z.boolean(),
    healthCheckGraceSeconds: nonNegativeInt,
    wafRateLimitPer5Min: z.number().int().min(10, "WAF rate limits start at 10").max(2_000_000_000),
  }),
  workers: z.strictObject({
    cpu: z.union([256, 512, 1024, 2048, 4096, 8192, 16384].map((c) => z.literal(c)) as unknown as [
      z.ZodLiteral<number>,
      z.ZodLiteral<number>,
    ], { error: "Fargate CPU units: 256, 512, 1024, 2048, 4096, 8192 or 16384" }),
    memoryMiB: positiveInt,
    concurrency: positiveInt,
    dlqRetentionDays: z.number().int().min(1).max(14, "SQS keeps messages at most 14 days"),
    receiveWaitSeconds: z.number().int().min(0).max(20, "SQS long polling waits at most 20 s"),
    shared: z.boolean(),
    priorities: z.strictObject({
      free: workerPrioritySchema,
      paid: workerPrioritySchema,
      sprint: workerPrioritySchema,
    }),
  }),
  systemNodes: nodeGroupSchema,
  gpu: z.strictObject({
    instanceTypes: z.strictObject({ l4: z.array(instanceType).min(1), a10g: z.array(instanceType).min(1) }),
    capacityType,
    minNodes: nonNegativeInt,
    maxNodes: positiveInt,
    diskGiB: z.number().int().min(50, "the Triton image alone is ~10 GB; at least 50 GiB").max(16_384),
    onDemandFallback: z.boolean(),
    fastImagePull: z.boolean(),
    fastImagePullThroughputMiBps: z.number().int().min(125).max(1000, "gp3 allows at most 1000 MiB/s"),
  }),
  triton: z.strictObject({
    endpoint: z.enum(["loadBalancer", "privateDns"]),
    minReplicas: nonNegativeInt,
    maxReplicas: positiveInt,
    cpuRequest: quantity,
    cpuLimit: quantity,
    memoryRequest: quantity,
    memoryLimit: quantity,
    shmSize: quantity,
    queueTimeTargetUs: positiveInt,
    gpuUtilisationTargetPercent: percent,
    cooldownSeconds: positiveInt,
  }),
  database: z.strictObject({
    instanceClass: z.string().regex(/^db\.[a-z0-9]+\.[a-z0-9]+$/, "an RDS instance class such as db.t4g.medium"),
    allocatedStorageGiB: z.number().int().min(20, "RDS gp3 starts at 20 GiB").max(65_536),
    maxAllocatedStorageGiB: z.number().int().min(20).max(65_536),
    multiAz: z.boolean(),
    readReplicas: z.number().int().min(0).max(5, "RDS PostgreSQL allows at most 5 read replicas here"),
    backupRetentionDays: z.number().int().min(1, "at least 1 day, or point-in-time recovery is off").max(35),
    performanceInsights: z.boolean(),
    monitoringIntervalSeconds: z.union([0, 1, 5, 10, 15, 30, 60].map((n) => z.literal(n)) as unknown as [
      z.ZodLiteral<number>,
      z.ZodLiteral<number>,
    ], { error: "one of 0, 1, 5, 10, 15, 30, 60" }),
    slowQueryMs: nonNegativeInt,
  }),
  cache: z.strictObject({
    nodeType: z.string().regex(/^cache\.[a-z0-9]+\.[a-z0-9]+$/, "an ElastiCache node type such as cache.t4g.small"),
    nodes: z.number().int().min(1).max(6),
    snapshotRetentionDays: z.number().int().min(0).max(35),
  }),
  storage: z.strictObject({
    freeTierRetentionDays: positiveInt,
    noncurrentVersionDays: positiveInt,
    abortIncompleteUploadDays: positiveInt,
  }),
  usage: z.strictObject({
    gpuActiveHoursPerDay: z.number().min(0).max(24),
    gpuAverageExtraNodes: z.number().min(0),
    gatewayAverageExtraTasks: z.number().min(0),
    averageJobSeconds: z.number().positive(),
    natGbPerMonth: z.number().min(0),
    logGbPerMonth: z.number().min(0),
    s3GbStored: z.number().min(0),
    albAverageLcu: z.number().min(0),
    nlbAverageLcu: z.number().min(0),
    ec2SpotDiscount: z.number().min(0).max(0.95),
    fargateSpotDiscount: z.number().min(0).max(0.95),
  }),
  capacity: z.strictObject({
    gatewayRpsPerVcpu: z.number().positive(),
    inferencesPerSecPerGpu: z.strictObject({ l4: z.number().positive(), a10g: z.number().positive() }),
  }),
  budgetUsd: z.number().positive(),
});

/** A container image pinned to a tag (not `latest`) or a digest, so a deploy is reproducible. */
function pinnedImage() {
  return z
    .string()
    .regex(/^[^\s:]+(:[A-Za-z0-9_.-]+|@sha256:[0-9a-f]{64})$/, "an image reference with a tag or digest")
    .refine((i) => !i.endsWith(":latest"), "a pinned tag, not latest");
}

/**
 * Every key the project accepts, with its type. Keys not listed here are refused so a typo
 * (`teir: 10k`) fails loudly instead of silently deploying the default.
 */
const topLevelSchema = z.strictObject({
  tier: z.enum(TIER_NAMES, { error: `one of ${TIER_NAMES.join(", ")}` }),
  environment: z.enum(ENVIRONMENT_NAMES, { error: `one of ${ENVIRONMENT_NAMES.join(", ")}` }).optional(),
  gpuType: z.enum(GPU_TYPES, { error: `one of ${GPU_TYPES.join(", ")} (l4 → g6 family, a10g → g5 family)` }).optional(),
  kubernetesVersion: z
    .enum(SUPPORTED_KUBERNETES_VERSIONS, {
      error: `an EKS version in standard support: ${SUPPORTED_KUBERNETES_VERSIONS.join(", ")}`,
    })
    .optional(),
  domain: z
    .string()
    .regex(/^(?=.{4,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, "a lower-case DNS name such as api.example.com")
    .optional(),
  hostedZoneId: z.string().regex(/^Z[A-Z0-9]{1,31}$/, "a Route 53 hosted zone id such as Z0123456789ABC").optional(),
  certificateArn: z
    .string()
    .regex(/^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[0-9a-f-]{36}$/, "an ACM certificate ARN")
    .optional(),
  alertEmail: z.email({ error: "an e-mail address" }).optional(),
  gatewayImage: pinnedImage().optional(),
  workerImage: pinnedImage().optional(),
  imageTag: z
    .string()
    .regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/, "a Docker tag")
    .refine((t) => t !== "latest", "a pinned tag, not latest")
    .optional(),
  tritonImage: pinnedImage().optional(),
  eksAdminRoleArn: z.string().regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/, "an IAM role ARN").optional(),
  eksPublicAccessCidrs: z.array(cidr).optional(),
  corsAllowedOrigins: z.array(z.string().regex(/^https?:\/\/[^\s/]+$/, "an origin such as https://app.example.com")).optional(),
  modelRepositoryPrefix: z
    .string()
    .regex(/^[a-z0-9][a-z0-9/_-]*[a-z0-9]$/, "an S3 key prefix without leading or trailing slash")
    .optional(),
  overrides: z.record(z.string(), z.unknown()).optional(),
  acknowledge: z.array(z.enum(ACKNOWLEDGEMENT_NAMES, { error: `one of ${ACKNOWLEDGEMENT_NAMES.join(", ")}` })).optional(),
  tags: z.record(z.string().regex(/^[\w .:/=+@-]{1,128}$/), z.string().max(256)).optional(),
});

/** Keys whose stack-file value is structured (JSON-encoded by the CLI); every other key is a plain string. */
const STRUCTURED_KEYS = new Set(["eksPublicAccessCidrs", "corsAllowedOrigins", "overrides", "acknowledge", "tags"]);

// ---------------------------------------------------------------------------------------------
// Parsing.
// ---------------------------------------------------------------------------------------------

export interface ConfigContext {
  project: string;
  stack: string;
  /** `aws:region` of the stack. */
  region: string | undefined;
}

function joinPath(prefix: string, path: PropertyKey[]): string {
  return [prefix, ...path.map(String)].filter((s) => s !== "").join(".");
}

function zodProblems(issues: z.core.$ZodIssue[], prefix: string, root: unknown): ConfigProblem[] {
  return issues.flatMap((issue) => {
    if (issue.code === "unrecognized_keys") {
      return issue.keys.map((k) => ({
        key: joinPath(prefix, [...issue.path, k]),
        value: valueAt(root, [...issue.path, k]),
        message: `unknown key (allowed here: ${allowedKeys(prefix, issue.path)})`,
      }));
    }
    return [{ key: joinPath(prefix, issue.path), value: valueAt(root, issue.path), message: `expected ${describe(issue)}` }];
  });
}

function valueAt(root: unknown, path: PropertyKey[]): unknown {
  return path.reduce<unknown>(
    (v, k) => (v !== null && typeof v === "object" ? (v as Record<PropertyKey, unknown>)[k] : undefined),
    root,
  );
}

function allowedKeys(prefix: string, path: PropertyKey[]): string {
  let schema: z.ZodType = prefix === "overrides" ? sizingSchema : topLevelSchema;
  for (const k of path) {
    const shape = (schema as unknown as { shape?: Record<string, z.ZodType> }).shape;
    if (!shape?.[String(k)]) return "see src/tiers.ts";
    schema = shape[String(k)];
  }
  const shape = (schema as unknown as { shape?: Record<string, z.ZodType> }).shape;
  return shape ? Object.keys(shape).join(", ") : "none";
}

function describe(issue: z.core.$ZodIssue): string {
  // Zod's own wording is good for ranges ("Too small: expected number to be >=1"); custom messages
  // (the `error:` / regex texts above) already say what is allowed.
  const msg = issue.message.replace(/^Invalid input: /, "");
  return msg.startsWith("expected ") ? msg.slice("expected ".length) : msg;
}

/** Decodes one raw stack-file value the way the CLI hands it to the program (strings, JSON for structures). */
function decode(key: string, raw: string): unknown {
  if (!STRUCTURED_KEYS.has(key)) return raw;
  try {
    return JSON.parse(raw);
  } catch {
    return raw; // the schema reports it as the wrong type, naming the key
  }
}

/** Cross-field rules zod's per-field schemas cannot express. Each returns problems; none throws. */
function crossFieldProblems(s: Sizing, tier: Tier, gpuType: GpuType): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const check = (ok: boolean, key: string, value: unknown, message: string) => {
    if (!ok) problems.push({ key: `overrides.${key}`, value, message });
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
    s.triton.maxReplicas <= s.gpu.maxNodes,
    "triton.maxReplicas",
    s.triton.maxReplicas,
    `one replica needs one GPU node: at most gpu.maxNodes (${s.gpu.maxNodes})`,
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
      `Fargate with ${svc.cpu} CPU units allows ${allowed[0]}–${allowed[allowed.length - 1]} MiB in 1024 MiB steps (512/1024/2048 at 256 units)`,
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
  check(
    s.network.natGateways === "single" || s.network.availabilityZones >= 2,
    "network.natGateways",
    s.network.natGateways,
    "perAz needs at least 2 availability zones",
  );

  // Capacity at max scale must still cover the modeled peak with the required headroom, so an
  // override can't quietly make a tier unable to serve its load.
  const load = tierLoad(tier);
  const gatewayMaxRps = s.gateway.maxTasks * (s.gateway.cpu / 1024) * s.capacity.gatewayRpsPerVcpu;
  check(
    gatewayMaxRps >= load.peakApiRps * HEADROOM,
    "gateway.maxTasks",
    s.gateway.maxTasks,
    `at max scale the gateway serves ${gatewayMaxRps.toFixed(1)} req/s; the ${tier} tier needs ${(load.peakApiRps * HEADROOM).toFixed(1)} (peak × ${HEADROOM})`,
  );
  const gpuMaxRps = Math.min(s.gpu.maxNodes, s.triton.maxReplicas) * s.capacity.inferencesPerSecPerGpu[gpuType];
  check(
    gpuMaxRps >= load.peakInferencePerSec * HEADROOM,
    "triton.maxReplicas",
    s.triton.maxReplicas,
    `at max scale Triton serves ${gpuMaxRps.toFixed(1)} inferences/s; the ${tier} tier needs ${(load.peakInferencePerSec * HEADROOM).toFixed(1)}`,
  );
  const workerSlots = PRIORITIES.reduce((sum, p) => sum + s.workers.priorities[p].maxTasks, 0) * s.workers.concurrency;
  const jobsMaxRate = workerSlots / s.usage.averageJobSeconds;
  check(
    jobsMaxRate >= load.peakJobsPerSec * HEADROOM,
    "workers.priorities.*.maxTasks",
    PRIORITIES.map((p) => s.workers.priorities[p].maxTasks),
    `at max scale the workers finish ${jobsMaxRate.toFixed(1)} jobs/s; the ${tier} tier needs ${(load.peakJobsPerSec * HEADROOM).toFixed(1)} (peak × ${HEADROOM})`,
  );
  return problems;
}

const HEADROOM = LOAD_MODEL.requiredHeadroom;

const QUANTITY_UNITS: Record<string, number> = { "": 1, m: 1e-3, Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40 };

/** A Kubernetes quantity (`500m`, `8Gi`, `2`) as a number, to compare requests with limits. */
function quantityValue(q: string): number {
  const m = /^(\d+(?:\.\d+)?)(m|Ki|Mi|Gi|Ti)?$/.exec(q);
  return m ? Number(m[1]) * QUANTITY_UNITS[m[2] ?? ""] : NaN;
}

/** Dotted paths of keys named `__proto__`, `constructor` or `prototype` anywhere in a JSON value. */
function reservedKeyPaths(v: unknown, prefix = ""): string[] {
  if (v === null || typeof v !== "object") return [];
  return Object.keys(v).flatMap((k) => {
    const path = prefix ? `${prefix}.${k}` : k;
    return ["__proto__", "constructor", "prototype"].includes(k) ? [path] : reservedKeyPaths((v as Record<string, unknown>)[k], path);
  });
}

/** Instance-family prefixes each GPU type runs on. */
export const GPU_FAMILY_PREFIX: Record<GpuType, string[]> = { l4: ["g6."], a10g: ["g5."] };

/** The environment a stack name implies when `environment` is not set. */
export function environmentFromStackName(stack: string): Environment {
  return /^prod/.test(stack) ? "prod" : "dev";
}

/**
 * Turns raw project config (keys without the `<project>:` prefix, values as the CLI hands them:
 * strings, JSON for structures) into a {@link PlatformConfig}, or throws a {@link ConfigError}.
 */
export function parsePlatformConfig(raw: Record<string, string>, ctx: ConfigContext): PlatformConfig {
  const decoded = Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, decode(k, v)]));
  const problems: ConfigProblem[] = [];

  const region = ctx.region;
  if (!region || !/^[a-z]{2}(-gov)?-[a-z]+-\d$/.test(region)) {
    problems.push({ key: "aws:region", value: region, message: "expected an AWS region such as us-east-1 (set it with `pulumi config set aws:region us-east-1`)" });
  }

  const top = topLevelSchema.safeParse(decoded);
  if (!top.success) {
    problems.push(...zodProblems(top.error.issues, "", decoded));
    throw new ConfigError(ctx.stack, problems);
  }
  const c = top.data;
  const environment = c.environment ?? environmentFromStackName(ctx.stack);
  const gpuType = c.gpuType ?? DEFAULTS.gpuType;

  // A JSON `__proto__` key would replace a sizing object's prototype in the merge: refuse it by name
  // (read from the decoded JSON: zod's parsed copy has already lost it to the prototype).
  const reserved = reservedKeyPaths(decoded.overrides);
  for (const path of reserved) {
    problems.push({ key: `overrides.${path}`, value: valueAt(decoded.overrides, path.split(".")), message: "unknown key (reserved JavaScript property name)" });
  }
  if (reserved.length > 0) throw new ConfigError(ctx.stack, problems);

  // Overrides: merge over the table, then validate the merged result against the full schema so
  // every path is reported relative to `overrides`.
  let sizing: Sizing | undefined;
  try {
    const merged = resolveSizing(c.tier, environment, (c.overrides ?? {}) as never);
    const checked = sizingSchema.safeParse(merged);
    if (!checked.success) {
      problems.push(...zodProblems(checked.error.issues, "overrides", merged));
    } else {
      sizing = merged;
      problems.push(...crossFieldProblems(sizing, c.tier, gpuType));
    }
  } catch (e) {
    problems.push({ key: "overrides", value: c.overrides, message: `could not be merged: ${(e as Error).message}` });
  }

  const eksPublicAccessCidrs = c.eksPublicAccessCidrs ?? (environment === "dev" ? ["0.0.0.0/0"] : undefined);
  if (eksPublicAccessCidrs === undefined) {
    problems.push({
      key: "eksPublicAccessCidrs",
      value: undefined,
      message: "required in prod: the CIDRs (office, VPN, CI runners) allowed to reach the Kubernetes API",
    });
  }
  if (environment === "prod" && !c.certificateArn && !c.domain) {
    problems.push({
      key: "certificateArn",
      value: undefined,
      message: "prod serves HTTPS only: set certificateArn (an ACM certificate) or domain (+ hostedZoneId) so the stack requests one",
    });
  }
  for (const k of Object.keys(c.tags ?? {}).filter((t) => /^aws:/i.test(t))) {
    problems.push({ key: `tags.${k}`, value: c.tags?.[k], message: "tag keys starting with aws: are reserved by AWS; use any other key" });
  }
  if (c.hostedZoneId && !c.domain) {
    problems.push({ key: "hostedZoneId", value: c.hostedZoneId, message: "only used with domain; set domain too" });
  }
  if (c.certificateArn && region && !c.certificateArn.includes(`:acm:${region}:`)) {
    problems.push({
      key: "certificateArn",
      value: c.certificateArn,
      message: `an ALB needs a certificate in its own region (${region})`,
    });
  }

  // Weakening prod safety needs an explicit, named acknowledgement.
  const acknowledgements = c.acknowledge ?? [];
  const warnings: string[] = [];
  if (sizing && environment === "prod") {
    for (const [name, rule] of Object.entries(WEAKENING_ACKNOWLEDGEMENTS) as [Acknowledgement, (typeof WEAKENING_ACKNOWLEDGEMENTS)[Acknowledgement]][]) {
      if (!rule.weak(sizing, { eksPublicAccessCidrs: eksPublicAccessCidrs ?? [], tier: c.tier })) continue;
      if (acknowledgements.includes(name)) {
        warnings.push(`prod safety weakened (${rule.path}), acknowledged by "${name}"`);
      } else {
        problems.push({
          key: rule.path === "eksPublicAccessCidrs" ? rule.path : `overrides.${rule.path}`,
          value: rule.path === "eksPublicAccessCidrs" ? eksPublicAccessCidrs : valueAt(sizing, rule.path.split(".")),
          message: `weakens prod safety; add "${name}" to the acknowledge list if this is intended`,
        });
      }
    }
  }

  if (problems.length > 0 || !sizing) throw new ConfigError(ctx.stack, problems);

  if (c.domain && !c.hostedZoneId && !c.certificateArn) {
    warnings.push(
      `domain ${c.domain} has no hostedZoneId: add the certificate's DNS validation records (stack output certificateValidationRecords, or the ACM console) at your DNS provider; the first \`pulumi up\` waits until the certificate is issued`,
    );
  }
  if (environment === "dev" && !c.certificateArn && !c.domain) {
    warnings.push("no certificateArn or domain: the dev load balancer serves plain HTTP");
  }
  if ((eksPublicAccessCidrs ?? []).includes("0.0.0.0/0")) {
    warnings.push("the Kubernetes API endpoint is reachable from any address (eksPublicAccessCidrs includes 0.0.0.0/0)");
  }
  if (!c.alertEmail) warnings.push("no alertEmail: alarms publish to the SNS topic but nobody is subscribed");
  if (region !== DEFAULTS.pricedRegion) {
    warnings.push(`cost estimates use ${DEFAULTS.pricedRegion} prices; ${region} prices differ`);
  }

  return deepFreezeConfig({
    project: ctx.project,
    stack: ctx.stack,
    environment,
    tier: c.tier,
    region: region as string,
    gpuType,
    kubernetesVersion: c.kubernetesVersion ?? DEFAULTS.kubernetesVersion,
    domain: c.domain,
    hostedZoneId: c.hostedZoneId,
    certificateArn: c.certificateArn,
    alertEmail: c.alertEmail,
    images: {
      gateway: c.gatewayImage,
      worker: c.workerImage,
      appTag: c.imageTag ?? DEFAULTS.imageTag,
      triton: c.tritonImage ?? `${DEFAULTS.tritonRepository}:${DEFAULTS.tritonTag}`,
    },
    eks: { adminRoleArn: c.eksAdminRoleArn, publicAccessCidrs: eksPublicAccessCidrs ?? [] },
    corsAllowedOrigins: c.corsAllowedOrigins ?? [],
    modelRepositoryPrefix: c.modelRepositoryPrefix ?? DEFAULTS.modelRepositoryPrefix,
    sizing,
    acknowledgements,
    warnings,
    tags: c.tags ?? {},
  });
}

function deepFreezeConfig<T>(o: T): T {
  if (typeof o === "object" && o !== null && !Object.isFrozen(o)) {
    Object.values(o).forEach(deepFreezeConfig);
    Object.freeze(o);
  }
  return o;
}

/** Reads the running stack's config through the Pulumi runtime and parses it. */
export function loadPlatformConfig(): PlatformConfig {
  const project = pulumi.getProject();
  const stack = pulumi.getStack();
  const prefix = `${project}:`;
  const raw: Record<string, string> = {};
  for (const [k, v] of Object.entries(pulumi.runtime.allConfig())) {
    if (k.startsWith(prefix)) raw[k.slice(prefix.length)] = v;
  }
  return parsePlatformConfig(raw, { project, stack, region: pulumi.runtime.allConfig()["aws:region"] });
}
