/**
 * Facts the services room (components/services/) is sized against that neither the tier table nor
 * constants.ts holds: the name-length limits of what it names, and the fixed steps of the workers'
 * backlog scaling. (Its timings, cooldowns, health checks and ECR retention are `SERVICES`,
 * `WORKER_SCALING`, `JOB_QUEUE`, `CELERY` and `DEPLOYMENT` in constants.ts; per-tier sizes, bounds and
 * `maxReceiveCount` are the tier table's.)
 */

/**
 * Longest physical name each service accepts, so `physicalName` shortens before AWS refuses. From the
 * API references: ECS CreateCluster `clusterName` and RegisterTaskDefinition `family` (255), ECR
 * CreateRepository `repositoryName` (256), ELBv2 CreateLoadBalancer `Name` (32), WAFv2 CreateWebACL
 * `Name` (128), SQS CreateQueue `QueueName` ("A queue name can have up to 80 characters"), CloudWatch
 * PutMetricAlarm `AlarmName` (255).
 */
export const SERVICE_NAME_LIMITS = {
  ecsCluster: 255,
  taskFamily: 255,
  ecrRepository: 256,
  loadBalancer: 32,
  webAcl: 128,
  sqsQueue: 80,
  alarm: 255,
} as const;

/**
 * The fixed parts of a worker service's backlog step scaling (the variable parts are the tier table's
 * `backlogPerTask` and `WORKER_SCALING`'s large step).
 */
export const WORKER_BACKLOG_STEPS = {
  /**
   * Visible messages that wake a service whose minimum is zero: the first one. With nobody consuming,
   * waiting for `backlogPerTask` messages could leave a job queued forever.
   */
  wakeAtMessages: 1,
  /** Tasks the first step adds (above the threshold, below the large step): one at a time. */
  firstStepChange: 1,
} as const;
