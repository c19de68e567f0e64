/**
 * AWS service limits the configuration is validated against: facts about AWS, not sizing decisions.
 * The schema (sizing/schema.ts) and config validation (src/config) read them from here, so a limit
 * AWS raises is changed in one place; each cites the page that states it.
 */

/** Amazon ECS allows at most 5,000 tasks per service (Amazon ECS service quotas, https://docs.aws.amazon.com/general/latest/gr/ecs-service.html). */
export const ECS_MAX_TASKS_PER_SERVICE = 5_000;

/** AWS: "Maximum tags per resource – 50" (https://docs.aws.amazon.com/tag-editor/latest/userguide/tagging.html). */
export const AWS_MAX_TAGS_PER_RESOURCE = 50;

/** AWS tag key characters and length (tag-editor user guide, tag naming conventions). */
export const TAG_KEY = /^[\p{L}\p{N}\p{Zs}_.:/=+\-@]{1,128}$/u;

/**
 * SQS queue attribute bounds (Amazon SQS API Reference, SetQueueAttributes,
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SetQueueAttributes.html):
 * VisibilityTimeout 0 to 43,200 seconds (12 hours), MessageRetentionPeriod up to 1,209,600 seconds
 * (14 days), ReceiveMessageWaitTimeSeconds 0 to 20; maxReceiveCount of a redrive policy 1 to 1,000
 * (the schema keeps it at 10: a job failing more often than that is not transient).
 */
export const SQS_LIMITS = {
  maxVisibilityTimeoutSeconds: 43_200,
  maxRetentionDays: 14,
  maxReceiveWaitSeconds: 20,
} as const;

/**
 * CloudWatch Logs retention values (PutRetentionPolicy, retentionInDays,
 * https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutRetentionPolicy.html).
 */
export const CLOUDWATCH_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] as const;

/** Fargate task CPU units (AWS ECS docs, "Task size"); valid memory per value is FARGATE_MEMORY_BY_CPU. */
export const FARGATE_CPU_UNITS = [256, 512, 1024, 2048, 4096, 8192, 16384] as const;

/** RDS enhanced monitoring intervals (CreateDBInstance, MonitoringInterval; 0 turns it off). */
export const RDS_MONITORING_INTERVALS = [0, 1, 5, 10, 15, 30, 60] as const;
