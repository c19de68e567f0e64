/**
 * Fixed sizes of the data layer that are the same in every tier (the tier table holds what differs per
 * tier): the cache's AUTH token, the access-log retention default, and the database connection budget
 * (RDS instance memory, PostgreSQL's default max_connections, and what the tasks' pools claim of it).
 */
import { workerServiceMaxTasks } from "./capacity";
import type { Sizing } from "./schema";

/**
 * AUTH token lengths ElastiCache accepts (AUTH command docs: 16–128 printable characters), and the
 * length generated when the caller does not say: 64 alphanumerics are ~380 bits, far past guessing.
 */
export const AUTH_TOKEN_LENGTH = { min: 16, max: 128, default: 64 } as const;

/**
 * Memory (GiB) of the RDS instance classes the sizing may name, for the default `max_connections`
 * (Amazon RDS User Guide, "Hardware specifications for DB instance classes",
 * https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Concepts.DBInstanceClass.Summary.html).
 * A class missing here is refused by config validation (the connection budget cannot be checked).
 */
export const RDS_INSTANCE_MEMORY_GIB: Record<string, number> = {
  "db.t4g.micro": 1,
  "db.t4g.small": 2,
  "db.t4g.medium": 4,
  "db.t4g.large": 8,
  "db.t4g.xlarge": 16,
  "db.t4g.2xlarge": 32,
  "db.m6g.large": 8,
  "db.m6g.xlarge": 16,
  "db.m6g.2xlarge": 32,
  "db.m6g.4xlarge": 64,
  "db.m7g.large": 8,
  "db.m7g.xlarge": 16,
  "db.m7g.2xlarge": 32,
  "db.m7g.4xlarge": 64,
  "db.r6g.large": 16,
  "db.r6g.xlarge": 32,
  "db.r6g.2xlarge": 64,
  "db.r6g.4xlarge": 128,
  "db.r7g.large": 16,
  "db.r7g.xlarge": 32,
  "db.r7g.2xlarge": 64,
  "db.r7g.4xlarge": 128,
};

/**
 * RDS for PostgreSQL's default `max_connections` is `LEAST({DBInstanceClassMemory/9531392}, 5000)`
 * (Amazon RDS User Guide, "Quotas and constraints" > "Maximum number of database connections",
 * https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/CHAP_Limits.html#RDS_Limits.MaxConnections).
 * DBInstanceClassMemory is the class's memory less what RDS reserves for the OS and its own processes
 * (an amount AWS does not publish, proportionally larger on small classes), so the formula applied to
 * the nominal memory overstates it; the pool budget's share (`database.connectionBudgetPercent`) leaves
 * that margin, and PostgreSQL's `superuser_reserved_connections` (3) besides.
 */
export const RDS_POSTGRES_MAX_CONNECTIONS = { bytesPerConnection: 9_531_392, cap: 5_000 } as const;

/** RDS for PostgreSQL's default `max_connections` for an instance class, from its nominal memory; undefined for a class not in {@link RDS_INSTANCE_MEMORY_GIB}. */
export function rdsDefaultMaxConnections(instanceClass: string): number | undefined {
  const gib = RDS_INSTANCE_MEMORY_GIB[instanceClass];
  if (gib === undefined) return undefined;
  return Math.min(Math.floor((gib * 1024 ** 3) / RDS_POSTGRES_MAX_CONNECTIONS.bytesPerConnection), RDS_POSTGRES_MAX_CONNECTIONS.cap);
}

/**
 * Connections one Celery worker process holds: the workers run the prefork pool (Celery's default;
 * components/services/workers.ts passes no `--pool`), whose children are separate processes, and a
 * SQLAlchemy pool cannot be shared across `fork()` (SQLAlchemy docs, "Using Connection Pools with
 * Multiprocessing or os.fork()"), so each child has its own; a child runs one job at a time, so one
 * connection (`pool_size=1, max_overflow=0`) is all it needs. The workers' `DATABASE_POOL_MAX`.
 */
export const WORKER_PROCESS_DB_CONNECTIONS = 1;

/** What the services' database pools claim against the writer's (and each replica's) default `max_connections`. */
export interface DatabaseConnectionBudget {
  /** The class's default `max_connections` (from its nominal memory; undefined for a class with no memory figure). */
  maxConnections: number | undefined;
  /** `connectionBudgetPercent` of it: what the pools may claim together. */
  budget: number | undefined;
  /** The gateway at max tasks, one uvicorn process per task: `gateway.maxTasks × gatewayPoolMax`. */
  gatewayClaim: number;
  /** Every worker service at max tasks, every Celery child with its own connection: `Σ maxTasks × concurrency × 1`. */
  workerClaim: number;
  /** `gatewayClaim + workerClaim`. */
  claimed: number;
  /** The largest `gatewayPoolMax` the budget leaves once the workers are counted (0 when none fits). */
  largestGatewayPool: number | undefined;
}

/**
 * The database connection budget of a sizing: the gateway's pools (one process per task) plus one
 * connection per Celery worker process, every service at its max task count, must stay within
 * `connectionBudgetPercent` of the class's default `max_connections`. One formula for config validation
 * (sizing/rules.ts), the tests and docs/data-layer.md.
 */
export function databaseConnectionBudget(s: Pick<Sizing, "gateway" | "workers" | "database">): DatabaseConnectionBudget {
  const maxConnections = rdsDefaultMaxConnections(s.database.instanceClass);
  const budget = maxConnections === undefined ? undefined : Math.floor((maxConnections * s.database.connectionBudgetPercent) / 100);
  const gatewayClaim = s.gateway.maxTasks * s.database.gatewayPoolMax;
  const workerClaim = workerServiceMaxTasks(s.workers).reduce((n, tasks) => n + tasks * s.workers.concurrency * WORKER_PROCESS_DB_CONNECTIONS, 0);
  return {
    maxConnections,
    budget,
    gatewayClaim,
    workerClaim,
    claimed: gatewayClaim + workerClaim,
    largestGatewayPool: budget === undefined ? undefined : Math.max(0, Math.floor((budget - workerClaim) / s.gateway.maxTasks)),
  };
}
