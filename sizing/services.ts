/**
 * Facts the services room (components/services/) is sized against that neither the tier table nor
 * constants.ts holds: the fixed steps of the workers' backlog scaling. (The name-length limits of
 * what it names are `NAME_LIMITS` in limits.ts; its timings, cooldowns, health checks and ECR
 * retention are `SERVICES`, `WORKER_SCALING`, `JOB_QUEUE`, `CELERY` and `DEPLOYMENT` in constants.ts;
 * per-tier sizes, bounds and `maxReceiveCount` are the tier table's.)
 */

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
