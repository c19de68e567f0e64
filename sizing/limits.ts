/**
 * AWS service limits: facts about AWS, not sizing decisions. The schema (sizing/schema.ts) and config
 * validation (src/config) read them from here, and so do the components (name lengths, the KMS
 * deletion window), so a limit AWS raises is changed in one place; each cites the page that states it.
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

/**
 * Longest physical name each AWS service accepts, keyed by what is named, so `physicalName`
 * (components/component.ts) shortens with a stable hash before AWS refuses. From the API references:
 * ECS CreateCluster `clusterName` and RegisterTaskDefinition `family` (255), ECR CreateRepository
 * `repositoryName` (256), ELBv2 CreateLoadBalancer `Name` (32), WAFv2 CreateWebACL `Name` (128), SQS
 * CreateQueue `QueueName` ("A queue name can have up to 80 characters"), CloudWatch PutMetricAlarm
 * `AlarmName` (255), SNS CreateTopic `Name` (256), EKS CreateCluster `name` ("can't be longer than 100
 * characters", https://docs.aws.amazon.com/eks/latest/APIReference/API_CreateCluster.html),
 * ElastiCache CreateReplicationGroup `ReplicationGroupId` (1 to 40 characters), RDS CreateDBInstance
 * `DBInstanceIdentifier` (1 to 63). The platform's own caps on dashboard and budget names (100) and
 * the derived prefixes are explained where they sit.
 */
export const NAME_LIMITS = {
  ecsCluster: 255,
  taskFamily: 255,
  ecrRepository: 256,
  loadBalancer: 32,
  webAcl: 128,
  sqsQueue: 80,
  alarm: 255,
  snsTopic: 256,
  dashboard: 100,
  budget: 100,
  eksCluster: 100,
  /**
   * EKS node group `nodeGroupNamePrefix`: EKS allows 63 characters and appends 26 to a name prefix;
   * the longest role ("gpu-fallback-") leaves 24 for `<project>-<stack>-ng-`, so the `physicalName`
   * part (before the trailing hyphen) is at most 23.
   */
  eksNodeGroupPrefix: 23,
  /**
   * S3 `bucketPrefix`: the provider allows 37 characters (a prefix plus its unique suffix must stay
   * within S3's 63-character bucket names, https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html),
   * the trailing hyphen included, so the `physicalName` part is at most 36.
   */
  s3BucketPrefix: 36,
  elasticacheReplicationGroup: 40,
  /**
   * Names that pass no limit of their own (RDS instance and snapshot identifiers, subnet and
   * parameter group names): the RDS identifier's 63, the shortest of them.
   */
  default: 63,
} as const;

/**
 * The longest scheduled-deletion window AWS KMS allows (ScheduleKeyDeletion: 7–30 days,
 * https://docs.aws.amazon.com/kms/latest/APIReference/API_ScheduleKeyDeletion.html). A destroyed key
 * makes every backup it encrypted unreadable, so the platform waits as long as AWS lets it.
 */
export const KMS_MAX_DELETION_WINDOW_DAYS = 30;
