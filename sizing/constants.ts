/**
 * Fixed facts the components share: protocol ports, version pins, defaults of optional config keys
 * and AWS limits. Sizes and counts are NOT here: they live in sizing/table.ts.
 */

/** Ports. Triton's three are fixed by the server (docs: "Triton Inference Server: ports"). */
export const PORTS = {
  https: 443,
  http: 80,
  /** The FastAPI gateway container (uvicorn). */
  gateway: 8080,
  postgres: 5432,
  redis: 6379,
  tritonHttp: 8000,
  tritonGrpc: 8001,
  tritonMetrics: 8002,
  /** dcgm-exporter's Prometheus endpoint. */
  dcgmMetrics: 9400,
} as const;

/** EKS versions in standard support on 2026-11 (newest last). Update when AWS moves the window. */
export const SUPPORTED_KUBERNETES_VERSIONS = ["1.32", "1.33", "1.34", "1.35"] as const;

/** Defaults of optional config keys; `src/config/index.ts` applies them and the README lists them. */
export const DEFAULTS = {
  gpuType: "l4",
  kubernetesVersion: "1.34",
  tritonRepository: "nvcr.io/nvidia/tritonserver",
  /** Triton release: the NGC container tag, `-py3` suffix included (the Python-backend build). */
  tritonTag: "25.10-py3",
  imageTag: "0.1.0",
  modelRepositoryPrefix: "triton",
  /** The region the cost model's price table describes. */
  pricedRegion: "us-east-1",
  /** Prod backups shorter than this need an acknowledgement (DR target RPO 1 h relies on PITR). */
  prodMinimumBackupDays: 7,
  /** PostgreSQL major version (engine version pins the minor via auto minor upgrades). */
  postgresVersion: "17",
  postgresParameterFamily: "postgres17",
  /** Redis-compatible engine for ElastiCache. */
  cacheEngine: "valkey",
  cacheEngineVersion: "8.0",
  cacheParameterFamily: "valkey8",
} as const;

/** Database facts that are not tier sizes. */
export const DATABASE = {
  /**
   * Length of the generated master password: RDS for PostgreSQL accepts 8–128 printable ASCII
   * characters other than '/', '"', '@' and space (CreateDBInstance, MasterUserPassword); letters and
   * digits only, so no driver or shell quoting can mangle it.
   */
  masterPasswordLength: 40,
  /**
   * The PostgreSQL user the gateway and the workers connect as, with IAM database authentication
   * (`GRANT rds_iam`): no password exists for it, so nothing rotates under running tasks.
   */
  applicationUser: "app",
  /**
   * Logs every instance (writer and replicas) exports to CloudWatch Logs: the server log, major-version
   * upgrade output, and IAM database authentication errors (the application logs in with IAM tokens).
   */
  logExports: ["postgresql", "upgrade", "iam-db-auth-error"],
  /**
   * Where the service images keep the RDS CA bundle (https://truststore.pki.rds.amazonaws.com/global/global-bundle.pem)
   * for `sslmode=verify-full`: IAM tokens are bearer credentials, so the client must verify the server.
   */
  caBundlePath: "/etc/ssl/certs/rds-global-bundle.pem",
} as const;

/** Fargate task sizes: valid memory (MiB) per CPU unit count (AWS ECS docs, "Task size"). */
export const FARGATE_MEMORY_BY_CPU: Record<number, number[]> = {
  256: [512, 1024, 2048],
  512: range(1024, 4096, 1024),
  1024: range(2048, 8192, 1024),
  2048: range(4096, 16384, 1024),
  4096: range(8192, 30720, 1024),
  8192: range(16384, 61440, 4096),
  16384: range(32768, 122880, 8192),
};

function range(from: number, to: number, step: number): number[] {
  const out: number[] = [];
  for (let v = from; v <= to; v += step) out.push(v);
  return out;
}

/**
 * Job queue facts that are not tier sizes. Source retention is shorter than the DLQ's (14 days in the
 * tier table) because SQS keeps a moved message's original enqueue time: a DLQ that kept messages
 * less long than its source would drop them on arrival.
 */
export const JOB_QUEUE = {
  /** Days an unprocessed job stays in its queue (the SQS default). */
  messageRetentionDays: 4,
  /** Seconds SQS reuses a KMS data key: 5 minutes keeps KMS requests (and cost) low at any tier. */
  kmsDataKeyReuseSeconds: 300,
} as const;

/** ECS, ECR and load-balancer facts the gateway and the workers share. */
export const SERVICES = {
  /** Images each ECR repository keeps (older ones expire; a rollback needs the recent few). */
  ecrImagesKept: 20,
  /** Seconds the ALB drains a deregistering target: API calls are short, 30 s covers a slow one. */
  deregistrationDelaySeconds: 30,
  healthCheckPath: "/health",
  healthCheck: { intervalSeconds: 15, timeoutSeconds: 5, healthyThreshold: 2, unhealthyThreshold: 3 },
  /** Container health check (Docker HEALTHCHECK semantics); the start period lets uvicorn boot. */
  containerHealthCheck: { intervalSeconds: 30, timeoutSeconds: 5, retries: 3, startPeriodSeconds: 30 },
  /** Non-root uid:gid every service container runs as (the images create this user). */
  containerUser: "1000:1000",
  /** Writable scratch mount: the root filesystem is read-only. */
  scratchPath: "/tmp",
  /** Seconds ECS waits after SIGTERM before SIGKILL (Fargate's maximum): Celery's warm shutdown. */
  stopTimeoutSeconds: 120,
  /** TLS 1.3 + 1.2 with forward secrecy only (AWS's recommended policy for new listeners). */
  sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06",
  /** Buffer for non-blocking awslogs: logs are dropped rather than the app blocked if CloudWatch stalls. */
  logBufferSize: "25m",
  /** Seconds between scale-out (short: load is here now) and scale-in (long: avoid flapping) actions. */
  scaleOutCooldownSeconds: 60,
  scaleInCooldownSeconds: 300,
} as const;

/** Celery settings the workers run with (seed requirement: acks_late with prefetch 1). */
export const CELERY = {
  /** One message per free slot: a long job never sits prefetched behind another one. */
  prefetchMultiplier: 1,
  /** Redis logical database of the result backend. */
  resultBackendDb: 0,
} as const;

/** Rolling deployments: start the new tasks before stopping the old, never below the desired count. */
export const DEPLOYMENT = { minimumHealthyPercent: 100, maximumPercent: 200 } as const;

/**
 * Celery worker backlog scaling (the CDK queue-processing pattern's steps, expressed in multiples of
 * each priority's `backlogPerTask`): one more task above the backlog per task, `largeStepChange`
 * more above `largeBacklogMultiple` times it.
 */
export const WORKER_SCALING = {
  /** Minutes a job may wait before the first scale-out step: one, so a queue at zero wakes at once. */
  scaleOutEvaluationPeriods: 1,
  largeBacklogMultiple: 5,
  largeStepChange: 5,
  /** Metric period of the backlog alarms (SQS publishes every minute). */
  periodSeconds: 60,
  /** Minutes the queue must be completely idle (nothing visible, nothing in flight) before scale-in. */
  idleMinutesBeforeScaleIn: 5,
} as const;

/** TTL of the DNS records the stack writes (ACM validation, API alias): short, so a fix propagates fast. */
export const DNS_RECORD_TTL_SECONDS = 60;

/**
 * Rolling-update bounds of the Triton Deployment. Surge first: a replica is a whole GPU node, so the old
 * pod keeps serving until its successor is Ready behind the NLB (readiness gate). The surge pod needs a
 * GPU node of its own, which is why the GPU fleet's maximum (`gpu.maxNodes`, which the pools of
 * sizing/gpu-pools.ts hold together) is `triton.maxReplicas` plus `maxSurge` (sizing/rules.ts refuses less): at the replica ceiling a rollout otherwise waits forever for
 * a node the group may not add (issue 12, defect 4).
 */
export const TRITON_ROLLOUT = { maxSurge: 1, maxUnavailable: 0 } as const;
