/**
 * Fixed sizes of the data layer that are the same in every tier (the tier table holds what differs per
 * tier): the cache's AUTH token, the access-log retention default, and the database connection budget
 * (RDS instance memory, PostgreSQL's default max_connections, and what the tasks' pools claim of it).
 */
import { PRIORITIES } from "./names";
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
 * DBInstanceClassMemory is the class's memory less what RDS reserves for the OS and its own processes,
 * so the formula applied to the nominal memory overstates it by roughly 5–12 % (413 rather than 450 on
 * a 4 GiB class, as commonly reported); the pool budget's share (`database.connectionBudgetPercent`)
 * leaves that margin.
 */
export const RDS_POSTGRES_MAX_CONNECTIONS = { bytesPerConnection: 9_531_392, cap: 5_000 } as const;

/** RDS for PostgreSQL's default `max_connections` for an instance class, from its nominal memory; undefined for a class not in {@link RDS_INSTANCE_MEMORY_GIB}. */
export function rdsDefaultMaxConnections(instanceClass: string): number | undefined {
  const gib = RDS_INSTANCE_MEMORY_GIB[instanceClass];
  if (gib === undefined) return undefined;
  return Math.min(Math.floor((gib * 1024 ** 3) / RDS_POSTGRES_MAX_CONNECTIONS.bytesPerConnection), RDS_POSTGRES_MAX_CONNECTIONS.cap);
}

/** What the tasks' database pools claim against the writer's (and each replica's) default `max_connections`. */
export interface DatabaseConnectionBudget {
  /** The class's default `max_connections` (from its nominal memory; undefined for a class with no memory figure). */
  maxConnections: number | undefined;
  /** `connectionBudgetPercent` of it: what the pools may claim together. */
  budget: number | undefined;
  /** Gateway max tasks plus every priority's worker max tasks (a shared worker counted per priority: an upper bound). */
  maxTasks: number;
  /** `maxTasks × poolMaxPerTask`. */
  claimed: number;
  /** The largest `poolMaxPerTask` the budget allows (0 when not even one connection per task fits). */
  largestPool: number | undefined;
}

/**
 * The database connection budget of a sizing: (max tasks of the gateway and of all workers) × the
 * per-task pool must stay within `connectionBudgetPercent` of the class's default `max_connections`.
 * One formula for config validation (sizing/rules.ts), the tests and docs/data-layer.md.
 */
export function databaseConnectionBudget(s: Pick<Sizing, "gateway" | "workers" | "database">): DatabaseConnectionBudget {
  const maxConnections = rdsDefaultMaxConnections(s.database.instanceClass);
  const budget = maxConnections === undefined ? undefined : Math.floor((maxConnections * s.database.connectionBudgetPercent) / 100);
  const maxTasks = s.gateway.maxTasks + PRIORITIES.reduce((n, p) => n + s.workers.priorities[p].maxTasks, 0);
  return {
    maxConnections,
    budget,
    maxTasks,
    claimed: maxTasks * s.database.poolMaxPerTask,
    largestPool: budget === undefined ? undefined : Math.floor(budget / maxTasks),
  };
}
