/**
 * Shared by the rules of the AWS refusal table: input readers (provider inputs arrive JSON-encoded),
 * the naming checks several services share (identifiers, ELB names), IAM's policy character count,
 * the AWS documentation each rule cites, and the resource type tokens rules look up.
 */
import type { AwsRefusalRule, Inputs } from "./types";

export const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);
export const num = (v: unknown): number | undefined => (typeof v === "number" ? v : typeof v === "string" && /^\d+$/.test(v) ? Number(v) : undefined);
/** Provider inputs arrive JSON-encoded for nested values; resources' arrive as objects. */
export const obj = (v: unknown): Inputs | undefined => {
  if (typeof v === "string") {
    try {
      const parsed: unknown = JSON.parse(v);
      return parsed !== null && typeof parsed === "object" ? (parsed as Inputs) : undefined;
    } catch {
      return undefined;
    }
  }
  return v !== null && typeof v === "object" ? (v as Inputs) : undefined;
};

/** Length bounds of an optional string input; message in the API reference's words. */
export function lengthRule(value: unknown, min: number, max: number, what: string, code = "InvalidParameterValue"): string | undefined {
  const s = str(value);
  if (s === undefined) return undefined;
  return s.length < min || s.length > max ? `${code}: ${what} must contain from ${min} to ${max} characters (got ${s.length}: "${s}").` : undefined;
}

/** RDS/ElastiCache identifier shape: first a letter, then letters, digits, hyphens; no `--`, no trailing `-`. */
export function hyphenIdentifierProblem(s: string): string | undefined {
  if (!/^[A-Za-z]/.test(s)) return "must begin with a letter";
  if (!/^[A-Za-z0-9-]+$/.test(s)) return "must contain only ASCII letters, digits, and hyphens";
  if (s.endsWith("-")) return "must not end with a hyphen";
  if (s.includes("--")) return "must not contain two consecutive hyphens";
  return undefined;
}

/** ELB names: alphanumerics and hyphens, not starting or ending with a hyphen, at most 32. */
export function elbNameProblem(s: string): string | undefined {
  if (s.length > 32) return `cannot be longer than 32 characters (got ${s.length})`;
  if (!/^[A-Za-z0-9-]+$/.test(s)) return "can contain only alphanumeric characters and hyphens";
  if (s.startsWith("-") || s.endsWith("-")) return "cannot begin or end with a hyphen";
  return undefined;
}

/** Characters IAM counts in a policy document: whitespace does not count (IAM quotas page). */
export function policyChars(doc: unknown): number | undefined {
  const text = typeof doc === "string" ? doc : doc !== undefined && doc !== null ? JSON.stringify(doc) : undefined;
  return text === undefined ? undefined : text.replace(/\s/g, "").length;
}

/**
 * ELBv2 load balancer and target group names: `namePrefix` at most 6 characters (the provider's
 * limit), the name by {@link elbNameProblem} after any rule of its own kind (`extra`).
 */
export function elbNameCheck(kind: string, extra: (name: string) => string | undefined = () => undefined): AwsRefusalRule["check"] {
  return (inputs) => {
    const name = str(inputs.name);
    const prefix = str(inputs.namePrefix);
    if (prefix !== undefined && prefix.length > 6) return `ValidationError: name_prefix "${prefix}" cannot be longer than 6 characters.`;
    if (name === undefined) return undefined;
    const problem = extra(name) ?? elbNameProblem(name);
    return problem ? `ValidationError: ${kind} name '${name}' ${problem}.` : undefined;
  };
}

/** RDS and ElastiCache identifiers: 1 to `max` characters, hyphen rules, under the API's parameter name. */
export function identifierCheck(inputKey: string, apiParameter: string, max: number): AwsRefusalRule["check"] {
  return (inputs) => {
    const id = str(inputs[inputKey]);
    if (id === undefined) return undefined;
    const problem = id.length < 1 || id.length > max ? `must contain from 1 to ${max} characters (got ${id.length})` : hyphenIdentifierProblem(id);
    return problem ? `InvalidParameterValue: The parameter ${apiParameter} is not a valid identifier: "${id}" ${problem}.` : undefined;
  };
}

export const DOCS = {
  rdsSecretsManagerLimits: "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/rds-secrets-manager.html#rds-secrets-manager-limitations",
  rdsReadReplicas: "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_ReadRepl.html",
  rdsCreateDbInstance: "https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBInstance.html",
  rdsCreateParameterGroup: "https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBParameterGroup.html",
  rdsMonitoring: "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_Monitoring.OS.Enabling.html",
  elasticacheCreateRg: "https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/API_CreateReplicationGroup.html",
  elasticacheAuth: "https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/auth.html",
  elbCreateLb: "https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_CreateLoadBalancer.html",
  elbCreateTg: "https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_CreateTargetGroup.html",
  iamCreateRole: "https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html",
  iamQuotas: "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html",
  iamSid: "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_sid.html",
  s3BucketNaming: "https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html",
  sqsCreateQueue: "https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_CreateQueue.html",
  sqsQuotas: "https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/quotas-queues.html",
  sqsDlq: "https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-dead-letter-queues.html",
  kmsCreateAlias: "https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateAlias.html",
  kmsScheduleDeletion: "https://docs.aws.amazon.com/kms/latest/APIReference/API_ScheduleKeyDeletion.html",
  logsCreateLogGroup: "https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_CreateLogGroup.html",
  logsPutRetention: "https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutRetentionPolicy.html",
  ecsCreateCluster: "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_CreateCluster.html",
  ecsCreateService: "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_CreateService.html",
  ecsRegisterTaskDefinition: "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_RegisterTaskDefinition.html",
  ecsFargateTaskSize: "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-tasks-services.html#fargate-tasks-size",
  vpcSizing: "https://docs.aws.amazon.com/vpc/latest/userguide/vpc-cidr-blocks.html",
  tagging: "https://docs.aws.amazon.com/tag-editor/latest/userguide/tagging.html#tag-conventions",
  secretsDelete: "https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_DeleteSecret.html",
  ecrCreateRepository: "https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_CreateRepository.html",
  eksCreateCluster: "https://docs.aws.amazon.com/eks/latest/APIReference/API_CreateCluster.html",
  eksScaling: "https://docs.aws.amazon.com/eks/latest/APIReference/API_NodegroupScalingConfig.html",
  appAutoscaling: "https://docs.aws.amazon.com/autoscaling/application/APIReference/API_RegisterScalableTarget.html",
} as const;

export const RDS_INSTANCE = "aws:rds/instance:Instance";
export const CACHE_RG = "aws:elasticache/replicationGroup:ReplicationGroup";
export const SQS_QUEUE = "aws:sqs/queue:Queue";
export const IAM_ROLE = "aws:iam/role:Role";
