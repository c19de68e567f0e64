/**
 * The mock cloud refuses what AWS refuses (src/plan/refusals/). Every rule of the table has a
 * fixture that trips it and nothing else, and a twin that AWS accepts; the shipped stacks at every
 * tier trip none; and a render that AWS would refuse fails through the harness, the way `pulumi up`
 * would fail.
 */
import { describe, expect, it } from "vitest";
import {
  AWS_REFUSALS,
  AwsRefusalError,
  type AwsRefusalRule,
  MOCK_DEPLOYER_ROLE_ARN,
  newRefusalContext,
  recordCreated,
  refusalsOf,
  refusalsOfGraph,
} from "../../src/plan/refusals";
import { AWS_MAX_TAGS_PER_RESOURCE, PROGRAM_RESOURCE_TAGS_MAX, STACK_TAG_COUNT } from "../../src/config";
import { mockResource } from "../../src/plan/mocks";
import { rendered, renderStack, stackTierMatrix } from "../support/graph";

type Inputs = Record<string, unknown>;

/** A resource fed to the mock cloud, after `before` (resources registered earlier in the same deploy). */
interface Fixture {
  type: string;
  inputs: Inputs;
  before?: { type: string; name: string; inputs: Inputs; state?: Record<string, unknown> }[];
}

const RDS = "aws:rds/instance:Instance";
const WRITER_INPUTS: Inputs = {
  identifier: "platform-prod-db",
  engine: "postgres",
  instanceClass: "db.m7g.large",
  allocatedStorage: 200,
  maxAllocatedStorage: 2000,
  backupRetentionPeriod: 35,
  username: "platform_admin",
  password: "a1B2c3D4e5F6g7H8i9J0",
};
const bootstrappedCluster = (bootstrap: boolean) => ({
  type: "aws:eks/cluster:Cluster",
  name: "cluster",
  inputs: { name: "c", accessConfig: { authenticationMode: "API", bootstrapClusterCreatorAdminPermissions: bootstrap } },
  state: { arn: "arn:aws:eks:us-east-1:123456789012:cluster/c" },
});
const writer = (overrides: Inputs = {}) => ({ type: RDS, name: "writer", inputs: { ...WRITER_INPUTS, ...overrides } });
const replica: Inputs = { identifier: "platform-prod-db-replica-1", instanceClass: "db.m7g.large", replicateSourceDb: "platform-prod-db" };
const CACHE_OK: Inputs = {
  replicationGroupId: "platform-prod-cache",
  numCacheClusters: 2,
  automaticFailoverEnabled: true,
  multiAzEnabled: true,
  transitEncryptionEnabled: true,
  authToken: "0123456789abcdefABCDEF",
  snapshotRetentionLimit: 7,
};
const TASK_OK: Inputs = { family: "platform-prod-gateway", requiresCompatibilities: ["FARGATE"], cpu: "512", memory: "1024" };
const TASK_ARN = "arn:aws:ecs:us-east-1:123456789012:task-definition/platform-prod-gateway:1";
const TG_ARN = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/gw/0123456789abcdef";
const DLQ_ARN = "arn:aws:sqs:us-east-1:123456789012:dlq";
const policyOfChars = (n: number) => JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: `arn:aws:s3:::${"b".repeat(n)}/*` }] });

/** For each rule: a resource AWS refuses for that reason, and a corrected twin it accepts. */
const FIXTURES: Record<string, { refused: Fixture; accepted: Fixture }> = {
  "rds-replica-of-managed-password-source": {
    refused: { type: RDS, inputs: replica, before: [writer({ manageMasterUserPassword: true, password: undefined })] },
    accepted: { type: RDS, inputs: replica, before: [writer()] },
  },
  "rds-replica-source-without-backups": {
    refused: { type: RDS, inputs: replica, before: [writer({ backupRetentionPeriod: 0 })] },
    accepted: { type: RDS, inputs: { ...replica, replicateSourceDb: "arn:aws:rds:us-east-1:123456789012:db:platform-prod-db" }, before: [writer()] },
  },
  "rds-identifier": {
    refused: { type: RDS, inputs: { ...WRITER_INPUTS, identifier: "platform--prod-db" } },
    accepted: { type: RDS, inputs: { ...WRITER_INPUTS, identifier: `p${"x".repeat(62)}` } },
  },
  "rds-parameter-group-name": {
    refused: { type: "aws:rds/parameterGroup:ParameterGroup", inputs: { name: "1-params", family: "postgres17" } },
    accepted: { type: "aws:rds/parameterGroup:ParameterGroup", inputs: { name: "params-1", family: "postgres17" } },
  },
  "rds-backup-retention-range": {
    refused: { type: RDS, inputs: { ...WRITER_INPUTS, backupRetentionPeriod: 36 } },
    accepted: { type: RDS, inputs: { ...WRITER_INPUTS, backupRetentionPeriod: 35 } },
  },
  "rds-password-with-managed-password": {
    refused: { type: RDS, inputs: { ...WRITER_INPUTS, manageMasterUserPassword: true } },
    accepted: { type: RDS, inputs: { ...WRITER_INPUTS, manageMasterUserPassword: true, password: undefined } },
  },
  "rds-master-password-characters": {
    refused: { type: RDS, inputs: { ...WRITER_INPUTS, password: "has@sign-but-long-enough" } },
    accepted: { type: RDS, inputs: { ...WRITER_INPUTS, password: "no-at-sign-and-long-enough" } },
  },
  "rds-secret-kms-key-without-managed-password": {
    refused: { type: RDS, inputs: { ...WRITER_INPUTS, masterUserSecretKmsKeyId: "arn:aws:kms:us-east-1:123456789012:key/k" } },
    accepted: { type: RDS, inputs: { ...WRITER_INPUTS, password: undefined, manageMasterUserPassword: true, masterUserSecretKmsKeyId: "arn:aws:kms:us-east-1:123456789012:key/k" } },
  },
  "rds-multi-az-with-availability-zone": {
    refused: { type: RDS, inputs: { ...WRITER_INPUTS, multiAz: true, availabilityZone: "us-east-1a" } },
    accepted: { type: RDS, inputs: { ...WRITER_INPUTS, multiAz: false, availabilityZone: "us-east-1a" } },
  },
  "rds-monitoring-role-required": {
    refused: { type: RDS, inputs: { ...WRITER_INPUTS, monitoringInterval: 60 } },
    accepted: { type: RDS, inputs: { ...WRITER_INPUTS, monitoringInterval: 60, monitoringRoleArn: "arn:aws:iam::123456789012:role/monitoring" } },
  },
  "rds-max-allocated-storage": {
    refused: { type: RDS, inputs: { ...WRITER_INPUTS, maxAllocatedStorage: 200 } },
    accepted: { type: RDS, inputs: { ...WRITER_INPUTS, maxAllocatedStorage: 201 } },
  },
  "rds-replica-password": {
    refused: { type: RDS, inputs: { ...replica, password: "a1B2c3D4e5F6g7H8i9J0" }, before: [writer()] },
    accepted: { type: RDS, inputs: replica, before: [writer()] },
  },
  "rds-replica-kms-key-same-region": {
    refused: { type: RDS, inputs: { ...replica, kmsKeyId: "arn:aws:kms:us-east-1:123456789012:key/k" }, before: [writer()] },
    accepted: { type: RDS, inputs: replica, before: [writer()] },
  },
  "eks-access-entry-for-creator": {
    refused: { type: "aws:eks/accessEntry:AccessEntry", inputs: { clusterName: "c", principalArn: MOCK_DEPLOYER_ROLE_ARN, type: "STANDARD" }, before: [bootstrappedCluster(true)] },
    accepted: { type: "aws:eks/accessEntry:AccessEntry", inputs: { clusterName: "c", principalArn: MOCK_DEPLOYER_ROLE_ARN, type: "STANDARD" }, before: [bootstrappedCluster(false)] },
  },
  "elasticache-replication-group-id": {
    refused: { type: "aws:elasticache/replicationGroup:ReplicationGroup", inputs: { ...CACHE_OK, replicationGroupId: `c${"x".repeat(40)}` } },
    accepted: { type: "aws:elasticache/replicationGroup:ReplicationGroup", inputs: { ...CACHE_OK, replicationGroupId: `c${"x".repeat(39)}` } },
  },
  "elasticache-auth-token": {
    refused: { type: "aws:elasticache/replicationGroup:ReplicationGroup", inputs: { ...CACHE_OK, authToken: "short" } },
    accepted: { type: "aws:elasticache/replicationGroup:ReplicationGroup", inputs: CACHE_OK },
  },
  "elasticache-failover-needs-replica": {
    refused: { type: "aws:elasticache/replicationGroup:ReplicationGroup", inputs: { ...CACHE_OK, numCacheClusters: 1 } },
    accepted: { type: "aws:elasticache/replicationGroup:ReplicationGroup", inputs: { ...CACHE_OK, numCacheClusters: 1, automaticFailoverEnabled: false, multiAzEnabled: false } },
  },
  "elasticache-snapshot-retention-range": {
    refused: { type: "aws:elasticache/replicationGroup:ReplicationGroup", inputs: { ...CACHE_OK, snapshotRetentionLimit: 36 } },
    accepted: { type: "aws:elasticache/replicationGroup:ReplicationGroup", inputs: { ...CACHE_OK, snapshotRetentionLimit: 0 } },
  },
  "elb-load-balancer-name": {
    refused: { type: "aws:lb/loadBalancer:LoadBalancer", inputs: { name: "inference-platform-production-api" } },
    accepted: { type: "aws:lb/loadBalancer:LoadBalancer", inputs: { name: "inference-platform-prod-api" } },
  },
  "elb-target-group-name": {
    refused: { type: "aws:lb/targetGroup:TargetGroup", inputs: { name: "gateway-target-group-", port: 8080 } },
    accepted: { type: "aws:lb/targetGroup:TargetGroup", inputs: { namePrefix: "gw-", port: 8080 } },
  },
  "iam-role-name": {
    refused: { type: "aws:iam/role:Role", inputs: { name: "r".repeat(65), assumeRolePolicy: "{}" } },
    accepted: { type: "aws:iam/role:Role", inputs: { namePrefix: "r".repeat(38), assumeRolePolicy: "{}" } },
  },
  "iam-trust-policy-size": {
    refused: { type: "aws:iam/role:Role", inputs: { assumeRolePolicy: policyOfChars(2000) } },
    accepted: { type: "aws:iam/role:Role", inputs: { assumeRolePolicy: policyOfChars(1900) } },
  },
  "iam-managed-policy-size": {
    refused: { type: "aws:iam/policy:Policy", inputs: { policy: policyOfChars(6100) } },
    accepted: { type: "aws:iam/policy:Policy", inputs: { policy: policyOfChars(6000) } },
  },
  "iam-inline-policy-size": {
    // The quota is per role: two inline policies of ~6 000 characters each exceed it together.
    refused: { type: "aws:iam/rolePolicy:RolePolicy", inputs: { role: "task-role", policy: policyOfChars(6000) }, before: [{ type: "aws:iam/rolePolicy:RolePolicy", name: "first", inputs: { role: "task-role", policy: policyOfChars(6000) } }] },
    accepted: { type: "aws:iam/rolePolicy:RolePolicy", inputs: { role: "task-role", policy: policyOfChars(6000) }, before: [{ type: "aws:iam/rolePolicy:RolePolicy", name: "first", inputs: { role: "other-role", policy: policyOfChars(6000) } }] },
  },
  "iam-policy-sid": {
    refused: { type: "aws:iam/rolePolicy:RolePolicy", inputs: { role: "task-role", policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Sid: "Jobs", Effect: "Allow", Action: "sqs:SendMessage", Resource: "arn:aws:sqs:us-east-1:123456789012:a" }, { Sid: "Jobs", Effect: "Allow", Action: "sqs:SendMessage", Resource: "arn:aws:sqs:us-east-1:123456789012:b" }] }) } },
    accepted: { type: "aws:iam/rolePolicy:RolePolicy", inputs: { role: "task-role", policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Sid: "JobsA", Effect: "Allow", Action: "sqs:SendMessage", Resource: "arn:aws:sqs:us-east-1:123456789012:a" }, { Sid: "JobsB", Effect: "Allow", Action: "sqs:SendMessage", Resource: "arn:aws:sqs:us-east-1:123456789012:b" }] }) } },
  },
  "iam-policy-name": {
    refused: { type: "aws:iam/policy:Policy", inputs: { name: "p".repeat(129), policy: policyOfChars(10) } },
    accepted: { type: "aws:iam/policy:Policy", inputs: { name: "p".repeat(128), policy: policyOfChars(10) } },
  },
  "s3-bucket-name": {
    refused: { type: "aws:s3/bucket:Bucket", inputs: { bucket: "Inference_Platform" } },
    accepted: { type: "aws:s3/bucket:Bucket", inputs: { bucketPrefix: "inference-platform-prod-artifacts-" } },
  },
  "sqs-queue-name": {
    refused: { type: "aws:sqs/queue:Queue", inputs: { name: "jobs-free", fifoQueue: true } },
    accepted: { type: "aws:sqs/queue:Queue", inputs: { name: "jobs-free.fifo", fifoQueue: true } },
  },
  "sqs-attribute-ranges": {
    // The sprint priority's 4 h task timeout fits; a visibility timeout above 12 h does not.
    refused: { type: "aws:sqs/queue:Queue", inputs: { name: "jobs", visibilityTimeoutSeconds: 43201 } },
    accepted: { type: "aws:sqs/queue:Queue", inputs: { name: "jobs", visibilityTimeoutSeconds: 43200, messageRetentionSeconds: 1209600 } },
  },
  "sqs-redrive-max-receive-count": {
    refused: { type: "aws:sqs/queue:Queue", inputs: { name: "jobs", redrivePolicy: JSON.stringify({ deadLetterTargetArn: "arn:aws:sqs:us-east-1:1:dlq", maxReceiveCount: 0 }) } },
    accepted: { type: "aws:sqs/queue:Queue", inputs: { name: "jobs", redrivePolicy: JSON.stringify({ deadLetterTargetArn: "arn:aws:sqs:us-east-1:1:dlq", maxReceiveCount: 1000 }) } },
  },
  "kms-alias-name": {
    refused: { type: "aws:kms/alias:Alias", inputs: { name: "alias/aws/platform" } },
    accepted: { type: "aws:kms/alias:Alias", inputs: { name: "alias/inference-platform-prod" } },
  },
  "kms-deletion-window": {
    refused: { type: "aws:kms/key:Key", inputs: { deletionWindowInDays: 6 } },
    accepted: { type: "aws:kms/key:Key", inputs: { deletionWindowInDays: 30 } },
  },
  "logs-log-group-name": {
    refused: { type: "aws:cloudwatch/logGroup:LogGroup", inputs: { name: "/platform/prod/ecs/gateway api" } },
    accepted: { type: "aws:cloudwatch/logGroup:LogGroup", inputs: { name: "/platform/prod/ecs/gateway" } },
  },
  "logs-retention-value": {
    refused: { type: "aws:cloudwatch/logGroup:LogGroup", inputs: { name: "g", retentionInDays: 45 } },
    accepted: { type: "aws:cloudwatch/logGroup:LogGroup", inputs: { name: "g", retentionInDays: 60 } },
  },
  "logs-rds-export-group-exists": {
    refused: {
      type: "aws:cloudwatch/logGroup:LogGroup",
      inputs: { name: "/aws/rds/instance/platform-prod-db/postgresql", retentionInDays: 30 },
      before: [writer({ enabledCloudwatchLogsExports: ["postgresql", "upgrade"] })],
    },
    // The same group created first (the instance not yet registered), as components/database-logs.ts does.
    accepted: { type: "aws:cloudwatch/logGroup:LogGroup", inputs: { name: "/aws/rds/instance/platform-prod-db/postgresql", retentionInDays: 30 } },
  },
  "ecs-names": {
    refused: { type: "aws:ecs/cluster:Cluster", inputs: { name: "platform.prod" } },
    accepted: { type: "aws:ecs/cluster:Cluster", inputs: { name: "platform-prod_services" } },
  },
  "ecs-health-check-grace-without-load-balancer": {
    refused: { type: "aws:ecs/service:Service", inputs: { name: "worker-free", healthCheckGracePeriodSeconds: 60 } },
    accepted: { type: "aws:ecs/service:Service", inputs: { name: "gateway", healthCheckGracePeriodSeconds: 60, loadBalancers: [{ containerName: "gateway", containerPort: 8080 }] } },
  },
  "ecs-awsvpc-target-type": {
    refused: {
      type: "aws:ecs/service:Service",
      inputs: { name: "gateway", taskDefinition: TASK_ARN, loadBalancers: [{ targetGroupArn: TG_ARN, containerName: "gateway", containerPort: 8080 }] },
      before: [
        { type: "aws:ecs/taskDefinition:TaskDefinition", name: "task", inputs: { ...TASK_OK, networkMode: "awsvpc" }, state: { arn: TASK_ARN } },
        { type: "aws:lb/targetGroup:TargetGroup", name: "tg", inputs: { port: 8080, protocol: "HTTP" }, state: { arn: TG_ARN } },
      ],
    },
    accepted: {
      type: "aws:ecs/service:Service",
      inputs: { name: "gateway", taskDefinition: TASK_ARN, loadBalancers: [{ targetGroupArn: TG_ARN, containerName: "gateway", containerPort: 8080 }] },
      before: [
        { type: "aws:ecs/taskDefinition:TaskDefinition", name: "task", inputs: { ...TASK_OK, networkMode: "awsvpc" }, state: { arn: TASK_ARN } },
        { type: "aws:lb/targetGroup:TargetGroup", name: "tg", inputs: { port: 8080, protocol: "HTTP", targetType: "ip" }, state: { arn: TG_ARN } },
      ],
    },
  },
  "sqs-dead-letter-queue-type": {
    refused: {
      type: "aws:sqs/queue:Queue",
      inputs: { name: "jobs.fifo", fifoQueue: true, redrivePolicy: JSON.stringify({ deadLetterTargetArn: DLQ_ARN, maxReceiveCount: 3 }) },
      before: [{ type: "aws:sqs/queue:Queue", name: "dlq", inputs: { name: "dlq", fifoQueue: false }, state: { arn: DLQ_ARN } }],
    },
    accepted: {
      type: "aws:sqs/queue:Queue",
      inputs: { name: "jobs", fifoQueue: false, redrivePolicy: JSON.stringify({ deadLetterTargetArn: DLQ_ARN, maxReceiveCount: 3 }) },
      before: [{ type: "aws:sqs/queue:Queue", name: "dlq", inputs: { name: "dlq", fifoQueue: false }, state: { arn: DLQ_ARN } }],
    },
  },
  "ecs-fargate-task-size": {
    refused: { type: "aws:ecs/taskDefinition:TaskDefinition", inputs: { ...TASK_OK, cpu: "256", memory: "4096" } },
    accepted: { type: "aws:ecs/taskDefinition:TaskDefinition", inputs: { ...TASK_OK, cpu: "256", memory: "2048" } },
  },
  "vpc-cidr-size": {
    refused: { type: "awsx:ec2:Vpc", inputs: { cidrBlock: "10.0.0.0/15" } },
    accepted: { type: "awsx:ec2:Vpc", inputs: { cidrBlock: "10.0.0.0/16" } },
  },
  tags: {
    refused: { type: "aws:sqs/queue:Queue", inputs: { name: "jobs", tags: { "aws:owner": "me" } } },
    accepted: { type: "aws:sqs/queue:Queue", inputs: { name: "jobs", tags: { owner: "me" } } },
  },
  "secrets-recovery-window": {
    refused: { type: "aws:secretsmanager/secret:Secret", inputs: { recoveryWindowInDays: 5 } },
    accepted: { type: "aws:secretsmanager/secret:Secret", inputs: { recoveryWindowInDays: 0 } },
  },
  "ecr-repository-name": {
    refused: { type: "aws:ecr/repository:Repository", inputs: { name: "Inference-Platform/Gateway" } },
    accepted: { type: "aws:ecr/repository:Repository", inputs: { name: "inference-platform/gateway" } },
  },
  "eks-cluster-name": {
    refused: { type: "aws:eks/cluster:Cluster", inputs: { name: "-platform" } },
    accepted: { type: "aws:eks/cluster:Cluster", inputs: { name: "inference-platform-prod" } },
  },
  "eks-node-group-scaling": {
    refused: { type: "aws:eks/nodeGroup:NodeGroup", inputs: { scalingConfig: { minSize: 0, maxSize: 0, desiredSize: 0 } } },
    accepted: { type: "aws:eks/nodeGroup:NodeGroup", inputs: { scalingConfig: { minSize: 0, maxSize: 1, desiredSize: 0 } } },
  },
  "appautoscaling-target-bounds": {
    refused: { type: "aws:appautoscaling/target:Target", inputs: { minCapacity: 3, maxCapacity: 2 } },
    accepted: { type: "aws:appautoscaling/target:Target", inputs: { minCapacity: 0, maxCapacity: 0 } },
  },
};

/** More ways to break the rules that check several things: each must be refused by that rule. */
const MORE_REFUSED: [string, Fixture][] = [
  ["rds-identifier", { type: RDS, inputs: { ...WRITER_INPUTS, identifier: `p${"x".repeat(63)}` } }],
  ["rds-identifier", { type: RDS, inputs: { ...WRITER_INPUTS, identifier: "1platform" } }],
  ["rds-identifier", { type: RDS, inputs: { ...WRITER_INPUTS, identifier: "platform-" } }],
  ["rds-identifier", { type: RDS, inputs: { ...WRITER_INPUTS, identifier: "platform_db" } }],
  ["rds-backup-retention-range", { type: RDS, inputs: { ...WRITER_INPUTS, backupRetentionPeriod: -1 } }],
  ["rds-master-password-characters", { type: RDS, inputs: { ...WRITER_INPUTS, password: "short" } }],
  ["rds-master-password-characters", { type: RDS, inputs: { ...WRITER_INPUTS, password: "has a space in it" } }],
  ["rds-monitoring-role-required", { type: RDS, inputs: { ...WRITER_INPUTS, monitoringInterval: 45, monitoringRoleArn: "arn:aws:iam::1:role/m" } }],
  ["elasticache-replication-group-id", { type: "aws:elasticache/replicationGroup:ReplicationGroup", inputs: { ...CACHE_OK, replicationGroupId: "cache--prod" } }],
  ["elasticache-auth-token", { type: "aws:elasticache/replicationGroup:ReplicationGroup", inputs: { ...CACHE_OK, transitEncryptionEnabled: false } }],
  ["elasticache-failover-needs-replica", { type: "aws:elasticache/replicationGroup:ReplicationGroup", inputs: { ...CACHE_OK, automaticFailoverEnabled: false } }],
  ["elb-load-balancer-name", { type: "aws:lb/loadBalancer:LoadBalancer", inputs: { name: "internal-api" } }],
  ["elb-load-balancer-name", { type: "aws:lb/loadBalancer:LoadBalancer", inputs: { namePrefix: "toolong" } }],
  ["elb-target-group-name", { type: "aws:lb/targetGroup:TargetGroup", inputs: { name: "t".repeat(33) } }],
  ["iam-role-name", { type: "aws:iam/role:Role", inputs: { namePrefix: "r".repeat(39) } }],
  ["iam-role-name", { type: "aws:iam/role:Role", inputs: { name: "role with spaces" } }],
  ["s3-bucket-name", { type: "aws:s3/bucket:Bucket", inputs: { bucket: "ab" } }],
  ["s3-bucket-name", { type: "aws:s3/bucket:Bucket", inputs: { bucket: `b${"x".repeat(63)}` } }],
  ["s3-bucket-name", { type: "aws:s3/bucket:Bucket", inputs: { bucketPrefix: `p${"x".repeat(37)}` } }],
  ["s3-bucket-name", { type: "aws:s3/bucket:Bucket", inputs: { bucket: "192.168.1.1" } }],
  ["sqs-queue-name", { type: "aws:sqs/queue:Queue", inputs: { name: "q".repeat(81) } }],
  ["sqs-queue-name", { type: "aws:sqs/queue:Queue", inputs: { name: "jobs.fifo", fifoQueue: false } }],
  ["sqs-attribute-ranges", { type: "aws:sqs/queue:Queue", inputs: { name: "q", messageRetentionSeconds: 59 } }],
  ["sqs-attribute-ranges", { type: "aws:sqs/queue:Queue", inputs: { name: "q", messageRetentionSeconds: 1209601 } }],
  ["sqs-redrive-max-receive-count", { type: "aws:sqs/queue:Queue", inputs: { name: "q", redrivePolicy: { deadLetterTargetArn: "arn:aws:sqs:us-east-1:1:d", maxReceiveCount: 1001 } } }],
  ["kms-alias-name", { type: "aws:kms/alias:Alias", inputs: { name: "platform" } }],
  ["kms-alias-name", { type: "aws:kms/alias:Alias", inputs: { name: "alias/has space" } }],
  ["logs-log-group-name", { type: "aws:cloudwatch/logGroup:LogGroup", inputs: { name: `/${"x".repeat(512)}` } }],
  [
    "logs-rds-export-group-exists",
    { type: "aws:cloudwatch/logGroup:LogGroup", inputs: { name: "/aws/rds/instance/platform-prod-db/iam-db-auth-error" }, before: [writer({ enabledCloudwatchLogsExports: ["iam-db-auth-error"] })] },
  ],
  ["ecs-names", { type: "aws:ecs/service:Service", inputs: { name: "s".repeat(256) } }],
  ["ecs-names", { type: "aws:ecs/taskDefinition:TaskDefinition", inputs: { family: "family:1" } }],
  ["ecs-fargate-task-size", { type: "aws:ecs/taskDefinition:TaskDefinition", inputs: { ...TASK_OK, cpu: "1024", memory: "1024" } }],
  ["ecs-fargate-task-size", { type: "aws:ecs/taskDefinition:TaskDefinition", inputs: { ...TASK_OK, cpu: "8192", memory: "17408" } }],
  ["vpc-cidr-size", { type: "aws:ec2/vpc:Vpc", inputs: { cidrBlock: "10.0.0.0/29" } }],
  ["tags", { type: "aws:sqs/queue:Queue", inputs: { name: "q", tags: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, "v"])) } }],
  ["tags", { type: "aws:sqs/queue:Queue", inputs: { name: "q", tags: { ["k".repeat(129)]: "v" } } }],
  ["tags", { type: "aws:sqs/queue:Queue", inputs: { name: "q", tags: { owner: "v".repeat(257) } } }],
  ["secrets-recovery-window", { type: "aws:secretsmanager/secret:Secret", inputs: { recoveryWindowInDays: 31 } }],
  ["ecr-repository-name", { type: "aws:ecr/repository:Repository", inputs: { name: "a" } }],
  ["eks-cluster-name", { type: "aws:eks/cluster:Cluster", inputs: { name: "c".repeat(101) } }],
  ["eks-node-group-scaling", { type: "aws:eks/nodeGroup:NodeGroup", inputs: { scalingConfig: { minSize: 2, maxSize: 1, desiredSize: 1 } } }],
  ["eks-node-group-scaling", { type: "aws:eks/nodeGroup:NodeGroup", inputs: { scalingConfig: { minSize: 1, maxSize: 3, desiredSize: 4 } } }],
];

function refusalsOfFixture(f: Fixture): string[] {
  const ctx = newRefusalContext();
  for (const b of f.before ?? []) {
    refusalsOf(b.type, b.name, b.inputs, ctx);
    if (b.state) recordCreated(ctx, b.type, b.inputs, b.state);
  }
  return refusalsOf(f.type, "fixture", f.inputs, ctx).map((r) => r.rule);
}

describe("the refusal table", () => {
  it("has a fixture for every rule, and every rule names its AWS documentation", () => {
    expect(Object.keys(FIXTURES).sort()).toEqual(AWS_REFUSALS.map((r) => r.id).sort());
    for (const rule of AWS_REFUSALS) {
      expect(rule.doc, rule.id).toMatch(/https:\/\/docs\.aws\.amazon\.com\//);
      expect(rule.types.length, rule.id).toBeGreaterThan(0);
    }
    expect(new Set(AWS_REFUSALS.map((r) => r.id)).size).toBe(AWS_REFUSALS.length);
  });

  it.each(Object.entries(FIXTURES))("%s: refuses its fixture, for that reason only, and accepts the corrected twin", (id, { refused, accepted }) => {
    expect(refusalsOfFixture(refused)).toEqual([id]);
    expect(refusalsOfFixture(accepted)).toEqual([]);
  });

  it.each(MORE_REFUSED.map(([id, f], i) => [id, i, f] as const))("%s also refuses case %i", (id, _i, fixture) => {
    expect(refusalsOfFixture(fixture)).toEqual([id]);
  });

  it("answers with AWS's error code and text", () => {
    const ctx = newRefusalContext();
    refusalsOf(RDS, "writer", { ...WRITER_INPUTS, manageMasterUserPassword: true, password: undefined }, ctx);
    const [refusal] = refusalsOf(RDS, "replica", replica, ctx);
    expect(refusal.message).toBe(
      "InvalidParameterValue: Creating read replicas for source instance with engine postgres where ManageMasterUserPassword is enabled is not supported.",
    );
    expect(refusal.doc).toContain("rds-secrets-manager.html#rds-secrets-manager-limitations");
  });

  it("counts the provider's default tags against the 50-tag limit", () => {
    const ctx = newRefusalContext();
    const defaults = Object.fromEntries(Array.from({ length: 45 }, (_, i) => [`default-${i}`, "x"]));
    refusalsOf("pulumi:providers:aws", "aws", { defaultTags: JSON.stringify({ tags: defaults }) }, ctx);
    const own = Object.fromEntries(Array.from({ length: 6 }, (_, i) => [`own-${i}`, "x"]));
    expect(refusalsOf("aws:sqs/queue:Queue", "q", { name: "q", tags: own }, ctx).map((r) => r.rule)).toEqual(["tags"]);
    expect(refusalsOf("aws:sqs/queue:Queue", "q", { name: "q", tags: { own: "x" } }, ctx)).toEqual([]);
  });

  it("judges secret values by what AWS receives, not Pulumi's envelope", () => {
    const envelope = { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", value: "has@sign-but-long-enough" };
    expect(refusalsOfFixture({ type: RDS, inputs: { ...WRITER_INPUTS, password: envelope } })).toEqual(["rds-master-password-characters"]);
  });
});

/** The mock cloud's outputs of a rendered resource (references by ARN resolve through them). */
const answer = (r: { type: string; name: string; inputs: Inputs }) =>
  mockResource({ type: r.type, name: r.name, inputs: r.inputs, custom: true } as never).state as Record<string, unknown>;

describe("cross-resource rules on a real graph", () => {
  it("follow references by ARN: the gateway's target group switched to instance targets is refused", async () => {
    const g = await rendered("prod", "10k");
    const mutated = g.resources.map((r) =>
      r.type === "aws:lb/targetGroup:TargetGroup" && r.name.startsWith("gateway-") ? { ...r, inputs: { ...r.inputs, targetType: "instance" } } : r,
    );
    expect(refusalsOfGraph(mutated, answer).map((x) => `${x.rule} ${x.name}`)).toEqual(["ecs-awsvpc-target-type gateway-api-service"]);
  });
});

describe.each(stackTierMatrix())("AWS accepts $stack at $tier", ({ stack, tier }) => {
  it("trips no refusal", async () => {
    const g = await rendered(stack, tier);
    expect(refusalsOfGraph(g.resources, answer)).toEqual([]);
    // The table is exercised, not vacuous: the graph holds the types it judges most.
    const judged = new Set(AWS_REFUSALS.flatMap((r) => r.types));
    expect(g.resources.filter((r) => judged.has(r.type)).length).toBeGreaterThan(50);
  });
});

describe("a refused render fails like `pulumi up`", () => {
  const userTags = (n: number) => JSON.stringify(Object.fromEntries(Array.from({ length: n }, (_, i) => [`team-${i}`, "x"])));
  const mostUserTags = AWS_MAX_TAGS_PER_RESOURCE - STACK_TAG_COUNT - PROGRAM_RESOURCE_TAGS_MAX;

  it("config and the mock cloud agree on the tag limit: the most tags config accepts render without a refusal", async () => {
    const g = await renderStack({ stack: "prod", tier: "100k", config: { tags: userTags(mostUserTags) } });
    expect(g.resources.length).toBeGreaterThan(100);
    await expect(renderStack({ stack: "prod", tier: "100k", config: { tags: userTags(mostUserTags + 1) } })).rejects.toThrow(/tags = .*at most \d+ tags/s);
  });

  it("refuses an access entry for the role that creates the cluster (EKS already made it admin): the documented way to list roles", async () => {
    const access = JSON.stringify([{ principalArn: MOCK_DEPLOYER_ROLE_ARN, access: "admin" }]);
    await expect(renderStack({ stack: "dev", tier: "1k", config: { eksClusterAccess: access } })).rejects.toThrow(/eks-access-entry-for-creator/);
    const others = JSON.stringify([{ principalArn: "arn:aws:iam::123456789012:role/ci/github-preview", access: "view" }]);
    const g = await renderStack({ stack: "dev", tier: "1k", config: { eksClusterAccess: others } });
    expect(g.resources.filter((r) => r.type === "aws:eks/accessEntry:AccessEntry").map((r) => r.inputs.principalArn)).toEqual(["arn:aws:iam::123456789012:role/ci/github-preview"]);
  });

  it("reports every refused resource with AWS's text and the rule's documentation", async () => {
    // Config refuses everything the table knows before any resource, so a rule the config does not
    // mirror stands in for the next constraint someone finds: the render must fail the way `pulumi up` would.
    const probe: AwsRefusalRule = {
      id: "probe-kms",
      types: ["aws:kms/key:Key"],
      doc: "https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateKey.html",
      observed: false,
      check: () => "ValidationException: probe refusal",
    };
    (AWS_REFUSALS as AwsRefusalRule[]).push(probe);
    try {
      const render = renderStack({ stack: "dev", tier: "1k" });
      await expect(render).rejects.toBeInstanceOf(AwsRefusalError);
      const error = (await render.catch((e: unknown) => e)) as AwsRefusalError;
      expect(error.refusals.map((r) => [r.rule, r.type, r.doc])).toEqual([["probe-kms", "aws:kms/key:Key", probe.doc]]);
      expect(error.message).toMatch(/^AWS would refuse 1 resource\(s\):\n {2}aws:kms\/key:Key \S+: ValidationException: probe refusal \[probe-kms; https:/);
    } finally {
      (AWS_REFUSALS as AwsRefusalRule[]).pop();
    }
  });
});
