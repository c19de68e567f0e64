/**
 * What AWS refuses, as a table the mock cloud applies to every resource it is asked to create.
 *
 * Mocks accept anything; AWS does not. Each entry is one constraint AWS enforces at create/modify
 * time, with the error AWS answers and the page that documents it. The harness
 * ({@link ./harness.ts}) checks every rendered resource against this table and fails the render the way
 * `pulumi up` would fail, so a defect of a known kind fails a test instead of a deploy.
 *
 * About the messages: where AWS's runtime error text was found verbatim (provider issues quoting the
 * API's answer), `observed` is true and the text is AWS's. Otherwise the message is the API
 * reference's own constraint wording under the error code the API documents for it; `observed` is
 * false. Values AWS would echo are filled in.
 *
 * Checks skip values that are absent or of another type: under a real preview some inputs are unknown,
 * and a constraint that cannot be judged is not a refusal.
 */

type Inputs = Record<string, unknown>;

/** What a check may know about the rest of the graph (resources registered before this one). */
export interface RefusalContext {
  /** RDS instances already registered, by `identifier` (and by their `db:` ARN suffix). */
  rdsInstances: Map<string, Inputs>;
  /** Characters of inline policy already attached to each role (IAM's aggregate quota per role). */
  inlinePolicyChars: Map<string, number>;
  /** Resources already created, by the ARN the cloud answered with (for references by ARN). */
  byArn: Map<string, { type: string; inputs: Inputs }>;
  /** Default tags of the AWS provider: the provider merges them into every resource's tags. */
  defaultTags: Record<string, string>;
  /** The role running `pulumi up` (the mock cloud's caller): EKS makes it an access entry of a cluster it creates. */
  deployerRoleArn: string;
}

/** Who runs `pulumi up` under the mock cloud: an assumed role, as a CI deploy role or an operator's SSO role. */
export const MOCK_DEPLOYER_ROLE_ARN = "arn:aws:iam::123456789012:role/platform-deploy";

export interface AwsRefusalRule {
  /** Stable id, used by fixtures and in the refusal message. */
  id: string;
  /** Resource type tokens the rule applies to; `aws:*` for every AWS resource. */
  types: readonly string[];
  /** AWS documentation of the constraint. */
  doc: string;
  /** True when `check` returns AWS's runtime error text verbatim (see the module comment). */
  observed: boolean;
  /** AWS's answer when the inputs break the constraint, else undefined. */
  check(inputs: Inputs, ctx: RefusalContext): string | undefined;
}

/** One refused resource. */
export interface AwsRefusal {
  rule: string;
  type: string;
  name: string;
  message: string;
  doc: string;
}

export class AwsRefusalError extends Error {
  constructor(public readonly refusals: AwsRefusal[]) {
    super(
      `AWS would refuse ${refusals.length} resource(s):\n` +
        refusals.map((r) => `  ${r.type} ${r.name}: ${r.message} [${r.rule}; ${r.doc}]`).join("\n"),
    );
    this.name = "AwsRefusalError";
  }
}

export function newRefusalContext(): RefusalContext {
  return { rdsInstances: new Map(), inlinePolicyChars: new Map(), byArn: new Map(), defaultTags: {}, deployerRoleArn: MOCK_DEPLOYER_ROLE_ARN };
}

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === "number" ? v : typeof v === "string" && /^\d+$/.test(v) ? Number(v) : undefined);
/** Provider inputs arrive JSON-encoded for nested values; resources' arrive as objects. */
const obj = (v: unknown): Inputs | undefined => {
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
function lengthRule(value: unknown, min: number, max: number, what: string, code = "InvalidParameterValue"): string | undefined {
  const s = str(value);
  if (s === undefined) return undefined;
  return s.length < min || s.length > max ? `${code}: ${what} must contain from ${min} to ${max} characters (got ${s.length}: "${s}").` : undefined;
}

/** RDS/ElastiCache identifier shape: first a letter, then letters, digits, hyphens; no `--`, no trailing `-`. */
function hyphenIdentifierProblem(s: string): string | undefined {
  if (!/^[A-Za-z]/.test(s)) return "must begin with a letter";
  if (!/^[A-Za-z0-9-]+$/.test(s)) return "must contain only ASCII letters, digits, and hyphens";
  if (s.endsWith("-")) return "must not end with a hyphen";
  if (s.includes("--")) return "must not contain two consecutive hyphens";
  return undefined;
}

/** ELB names: alphanumerics and hyphens, not starting or ending with a hyphen, at most 32. */
function elbNameProblem(s: string): string | undefined {
  if (s.length > 32) return `cannot be longer than 32 characters (got ${s.length})`;
  if (!/^[A-Za-z0-9-]+$/.test(s)) return "can contain only alphanumeric characters and hyphens";
  if (s.startsWith("-") || s.endsWith("-")) return "cannot begin or end with a hyphen";
  return undefined;
}

/** Characters IAM counts in a policy document: whitespace does not count (IAM quotas page). */
function policyChars(doc: unknown): number | undefined {
  const text = typeof doc === "string" ? doc : doc !== undefined && doc !== null ? JSON.stringify(doc) : undefined;
  return text === undefined ? undefined : text.replace(/\s/g, "").length;
}

/**
 * ELBv2 load balancer and target group names: `namePrefix` at most 6 characters (the provider's
 * limit), the name by {@link elbNameProblem} after any rule of its own kind (`extra`).
 */
function elbNameCheck(kind: string, extra: (name: string) => string | undefined = () => undefined): AwsRefusalRule["check"] {
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
function identifierCheck(inputKey: string, apiParameter: string, max: number): AwsRefusalRule["check"] {
  return (inputs) => {
    const id = str(inputs[inputKey]);
    if (id === undefined) return undefined;
    const problem = id.length < 1 || id.length > max ? `must contain from 1 to ${max} characters (got ${id.length})` : hyphenIdentifierProblem(id);
    return problem ? `InvalidParameterValue: The parameter ${apiParameter} is not a valid identifier: "${id}" ${problem}.` : undefined;
  };
}

/** IAM's default size quotas (IAM user guide, "IAM and AWS STS quotas"). */
const IAM_QUOTAS = { trustPolicyChars: 2048, managedPolicyChars: 6144, inlinePolicyCharsPerRole: 10240 } as const;

/** The RDS instance a replica's `replicateSourceDb` names (identifier or `db:` ARN). */
function replicaSource(inputs: Inputs, ctx: RefusalContext): Inputs | undefined {
  const source = str(inputs.replicateSourceDb);
  if (!source) return undefined;
  return ctx.rdsInstances.get(source) ?? ctx.rdsInstances.get(source.split(":db:")[1] ?? "");
}

/** CloudWatch Logs' accepted retention values (PutRetentionPolicy). */
const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];

/**
 * Fargate task sizes: memory (MiB) accepted per CPU units (ECS developer guide, "Task CPU and memory").
 * Written out again rather than imported from sizing/constants.ts on purpose: the judge must not inherit a
 * mistake of the program it judges.
 */
const FARGATE_SIZES: Record<number, { min: number; max: number; step: number; extra?: number[] }> = {
  256: { min: 512, max: 512, step: 512, extra: [1024, 2048] },
  512: { min: 1024, max: 4096, step: 1024 },
  1024: { min: 2048, max: 8192, step: 1024 },
  2048: { min: 4096, max: 16384, step: 1024 },
  4096: { min: 8192, max: 30720, step: 1024 },
  8192: { min: 16384, max: 61440, step: 4096 },
  16384: { min: 32768, max: 122880, step: 8192 },
};

function fargateMemoryAllowed(cpu: number, memory: number): boolean {
  const size = FARGATE_SIZES[cpu];
  if (!size) return false;
  if (size.extra?.includes(memory)) return true;
  return memory >= size.min && memory <= size.max && (memory - size.min) % size.step === 0;
}

const DOCS = {
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

const RDS_INSTANCE = "aws:rds/instance:Instance";
const CACHE_RG = "aws:elasticache/replicationGroup:ReplicationGroup";
const SQS_QUEUE = "aws:sqs/queue:Queue";
const IAM_ROLE = "aws:iam/role:Role";

// ---------------------------------------------------------------------------------------------
// The table
// ---------------------------------------------------------------------------------------------

export const AWS_REFUSALS: readonly AwsRefusalRule[] = [
  // --- RDS -------------------------------------------------------------------------------------
  {
    id: "rds-replica-of-managed-password-source",
    types: [RDS_INSTANCE],
    // terraform-aws-modules/terraform-aws-rds#532 and #512 quote the API's answer (engine mysql there).
    doc: `${DOCS.rdsSecretsManagerLimits} (terraform-aws-modules/terraform-aws-rds#532)`,
    observed: true,
    check: (inputs, ctx) => {
      const source = replicaSource(inputs, ctx);
      if (source?.manageMasterUserPassword !== true) return undefined;
      return `InvalidParameterValue: Creating read replicas for source instance with engine ${str(source.engine) ?? "postgres"} where ManageMasterUserPassword is enabled is not supported.`;
    },
  },
  {
    id: "rds-replica-source-without-backups",
    types: [RDS_INSTANCE],
    doc: DOCS.rdsReadReplicas,
    observed: false,
    check: (inputs, ctx) => {
      const source = replicaSource(inputs, ctx);
      if (!source || num(source.backupRetentionPeriod) !== 0) return undefined;
      return "InvalidDBInstanceState: Automated backups are not enabled for this database instance. To enable automated backups, use ModifyDBInstance to set the backup retention period to a non-zero value.";
    },
  },
  {
    id: "rds-identifier",
    types: [RDS_INSTANCE],
    doc: DOCS.rdsCreateDbInstance,
    observed: false,
    check: identifierCheck("identifier", "DBInstanceIdentifier", 63),
  },
  {
    id: "rds-parameter-group-name",
    types: ["aws:rds/parameterGroup:ParameterGroup"],
    doc: DOCS.rdsCreateParameterGroup,
    observed: false,
    check: (inputs) => {
      const name = str(inputs.name);
      if (name === undefined) return undefined;
      const problem = name.length > 255 ? `must contain from 1 to 255 characters (got ${name.length})` : hyphenIdentifierProblem(name);
      return problem ? `InvalidParameterValue: The parameter DBParameterGroupName is not a valid identifier: "${name}" ${problem}.` : undefined;
    },
  },
  {
    id: "rds-backup-retention-range",
    types: [RDS_INSTANCE],
    doc: DOCS.rdsCreateDbInstance,
    observed: false,
    check: (inputs) => {
      const days = num(inputs.backupRetentionPeriod);
      return days !== undefined && (days < 0 || days > 35)
        ? `InvalidParameterValue: BackupRetentionPeriod must be a value from 0 to 35 (got ${days}).`
        : undefined;
    },
  },
  {
    id: "rds-password-with-managed-password",
    types: [RDS_INSTANCE],
    doc: DOCS.rdsCreateDbInstance,
    observed: false,
    check: (inputs) =>
      inputs.manageMasterUserPassword === true && inputs.password !== undefined
        ? "InvalidParameterCombination: MasterUserPassword can't be specified if ManageMasterUserPassword is turned on."
        : undefined,
  },
  {
    id: "rds-master-password-characters",
    types: [RDS_INSTANCE],
    // RDS for PostgreSQL: 8 to 128 printable ASCII characters other than '/', '"', '@' (and space).
    doc: DOCS.rdsCreateDbInstance,
    observed: true,
    check: (inputs) => {
      const password = str(inputs.password);
      if (password === undefined) return undefined;
      const ok = password.length >= 8 && password.length <= 128 && /^[\x21-\x7e]+$/.test(password) && !/[/"@]/.test(password);
      return ok
        ? undefined
        : "InvalidParameterValue: The parameter MasterUserPassword is not a valid password. Only printable ASCII characters besides '/', '@', '\"', ' ' may be used.";
    },
  },
  {
    id: "rds-secret-kms-key-without-managed-password",
    types: [RDS_INSTANCE],
    // Quoted in hashicorp/terraform-provider-aws internal/service/rds/instance.go (update path).
    doc: DOCS.rdsCreateDbInstance,
    observed: true,
    check: (inputs) =>
      inputs.masterUserSecretKmsKeyId !== undefined && inputs.manageMasterUserPassword !== true
        ? "InvalidParameterValue: A ManageMasterUserPassword value is required when MasterUserSecretKmsKeyId is specified."
        : undefined,
  },
  {
    id: "rds-multi-az-with-availability-zone",
    types: [RDS_INSTANCE],
    doc: DOCS.rdsCreateDbInstance,
    observed: true,
    check: (inputs) =>
      inputs.multiAz === true && str(inputs.availabilityZone) !== undefined
        ? "InvalidParameterCombination: Requesting a specific availability zone is not valid for Multi-AZ instances."
        : undefined,
  },
  {
    id: "rds-monitoring-role-required",
    types: [RDS_INSTANCE],
    doc: DOCS.rdsMonitoring,
    observed: true,
    check: (inputs) => {
      const interval = num(inputs.monitoringInterval);
      if (interval === undefined) return undefined;
      if (![0, 1, 5, 10, 15, 30, 60].includes(interval)) {
        return `InvalidParameterValue: Invalid MonitoringInterval ${interval}; valid values are 0, 1, 5, 10, 15, 30, 60.`;
      }
      return interval > 0 && inputs.monitoringRoleArn === undefined
        ? "InvalidParameterCombination: A MonitoringRoleARN value is required if you specify a MonitoringInterval value other than 0."
        : undefined;
    },
  },
  {
    id: "rds-max-allocated-storage",
    types: [RDS_INSTANCE],
    doc: DOCS.rdsCreateDbInstance,
    observed: false,
    check: (inputs) => {
      const max = num(inputs.maxAllocatedStorage);
      const allocated = num(inputs.allocatedStorage);
      return max !== undefined && max > 0 && allocated !== undefined && max <= allocated
        ? `InvalidParameterCombination: Max storage size must be greater than storage size (MaxAllocatedStorage ${max} ≤ AllocatedStorage ${allocated}).`
        : undefined;
    },
  },
  {
    id: "rds-replica-password",
    types: [RDS_INSTANCE],
    // A PostgreSQL replica is a physical copy: its master password is the source's. The provider sends
    // a replica's `password` in a ModifyDBInstance after creating it, and RDS answers this
    // (quoted in terraform-aws-modules/terraform-aws-rds#526).
    doc: `${DOCS.rdsReadReplicas} (terraform-aws-modules/terraform-aws-rds#526)`,
    observed: true,
    check: (inputs) =>
      str(inputs.replicateSourceDb) !== undefined && inputs.password !== undefined
        ? "InvalidParameterCombination: Cannot change master user password on an RDS postgres Read Replica because it uses physical replication and therefore cannot differ from its parent."
        : undefined,
  },
  {
    id: "rds-replica-kms-key-same-region",
    types: [RDS_INSTANCE],
    // A same-region replica is encrypted with its source's key; CreateDBInstanceReadReplica takes
    // KmsKeyId only for cross-Region replicas, and the provider sends `kmsKeyId` when set
    // (terraform-provider-aws internal/service/rds/instance.go, replica branch). AWS's answer as quoted
    // in cloudposse/terraform-aws-rds-replica#5. A source named by identifier (not an ARN of another
    // Region) is a same-region source.
    doc: "https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBInstanceReadReplica.html (KmsKeyId)",
    observed: true,
    check: (inputs) => {
      const source = str(inputs.replicateSourceDb);
      if (source === undefined || str(inputs.kmsKeyId) === undefined) return undefined;
      const crossRegion = source.startsWith("arn:") && source.split(":")[3] !== str(inputs.kmsKeyId)?.split(":")[3];
      return crossRegion
        ? undefined
        : "InvalidParameterCombination: Your request does not require the KMS key parameter. Please remove the KMS key parameter and try again (a read replica in the same Region is always encrypted with its source's key).";
    },
  },

  // --- EKS ---------------------------------------------------------------------------------------
  {
    id: "eks-access-entry-for-creator",
    types: ["aws:eks/accessEntry:AccessEntry"],
    // With bootstrapClusterCreatorAdminPermissions, EKS creates an access entry for the identity that
    // creates the cluster; CreateAccessEntry refuses a second entry for the same principal ("You can't
    // specify the same ARN in more than one access entry"; the 409 is quoted in
    // terraform-aws-modules/terraform-aws-eks#2969 and pulumi/pulumi-eks#2373).
    doc: "https://docs.aws.amazon.com/eks/latest/APIReference/API_CreateAccessEntry.html",
    observed: true,
    check: (inputs, ctx) => {
      if (str(inputs.principalArn) !== ctx.deployerRoleArn) return undefined;
      const bootstrapped = [...ctx.byArn.values()].some(
        (r) => r.type === "aws:eks/cluster:Cluster" && obj(r.inputs.accessConfig)?.bootstrapClusterCreatorAdminPermissions === true,
      );
      return bootstrapped
        ? `ResourceInUseException: The specified access entry resource is already in use on this cluster (${ctx.deployerRoleArn} created the cluster and has EKS's own access entry; list it nowhere in eksAdminRoleArn or eksClusterAccess).`
        : undefined;
    },
  },

  // --- ElastiCache -----------------------------------------------------------------------------
  {
    id: "elasticache-replication-group-id",
    types: [CACHE_RG],
    doc: DOCS.elasticacheCreateRg,
    observed: false,
    check: identifierCheck("replicationGroupId", "ReplicationGroupId", 40),
  },
  {
    id: "elasticache-auth-token",
    types: [CACHE_RG],
    doc: DOCS.elasticacheAuth,
    observed: false,
    check: (inputs) => {
      const token = str(inputs.authToken);
      if (token === undefined) return undefined;
      if (inputs.transitEncryptionEnabled !== true) {
        return "InvalidParameterCombination: The AUTH token can only be used when in-transit encryption (TransitEncryptionEnabled) is enabled.";
      }
      const ok = token.length >= 16 && token.length <= 128 && /^[\x21-\x7e]+$/.test(token) && !/[/"@]/.test(token);
      return ok ? undefined : "InvalidParameterValue: The AuthToken must be 16 to 128 printable characters; '/', '\"' and '@' are not allowed.";
    },
  },
  {
    id: "elasticache-failover-needs-replica",
    types: [CACHE_RG],
    doc: DOCS.elasticacheCreateRg,
    observed: false,
    check: (inputs) => {
      const clusters = num(inputs.numCacheClusters);
      if (inputs.multiAzEnabled === true && inputs.automaticFailoverEnabled !== true) {
        return "InvalidParameterCombination: Multi-AZ (MultiAZEnabled) requires AutomaticFailoverEnabled.";
      }
      return inputs.automaticFailoverEnabled === true && clusters !== undefined && clusters < 2
        ? "InvalidParameterCombination: AutomaticFailoverEnabled requires at least one read replica (NumCacheClusters > 1)."
        : undefined;
    },
  },
  {
    id: "elasticache-snapshot-retention-range",
    types: [CACHE_RG],
    doc: DOCS.elasticacheCreateRg,
    observed: false,
    check: (inputs) => {
      const days = num(inputs.snapshotRetentionLimit);
      return days !== undefined && (days < 0 || days > 35) ? `InvalidParameterValue: SnapshotRetentionLimit must be from 0 to 35 days (got ${days}).` : undefined;
    },
  },

  // --- Load balancing --------------------------------------------------------------------------
  {
    id: "elb-load-balancer-name",
    types: ["aws:lb/loadBalancer:LoadBalancer", "aws:alb/loadBalancer:LoadBalancer"],
    doc: DOCS.elbCreateLb,
    observed: false,
    check: elbNameCheck("Load balancer", (name) => (name.startsWith("internal-") ? 'must not begin with "internal-"' : undefined)),
  },
  {
    id: "elb-target-group-name",
    types: ["aws:lb/targetGroup:TargetGroup", "aws:alb/targetGroup:TargetGroup"],
    doc: DOCS.elbCreateTg,
    observed: false,
    check: elbNameCheck("Target group"),
  },

  // --- IAM -------------------------------------------------------------------------------------
  {
    id: "iam-role-name",
    types: [IAM_ROLE],
    doc: `${DOCS.iamCreateRole} ${DOCS.iamQuotas}`,
    observed: false,
    check: (inputs) => {
      const name = str(inputs.name);
      const prefix = str(inputs.namePrefix);
      // The provider appends a 26-character unique suffix to a prefix: 64 - 26 = 38.
      if (prefix !== undefined && prefix.length > 38) return `ValidationError: name_prefix "${prefix}" cannot be longer than 38 characters.`;
      if (name === undefined) return undefined;
      if (name.length > 64) return `ValidationError: 1 validation error detected: Value '${name}' at 'roleName' failed to satisfy constraint: Member must have length less than or equal to 64`;
      return /^[\w+=,.@-]+$/.test(name) ? undefined : `ValidationError: Value '${name}' at 'roleName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+`;
    },
  },
  {
    id: "iam-trust-policy-size",
    types: [IAM_ROLE],
    doc: DOCS.iamQuotas,
    observed: true,
    check: (inputs) => {
      const chars = policyChars(inputs.assumeRolePolicy);
      return chars !== undefined && chars > IAM_QUOTAS.trustPolicyChars
        ? `LimitExceeded: Cannot exceed quota for ACLSizePerRole: ${IAM_QUOTAS.trustPolicyChars} (trust policy has ${chars} characters without whitespace).`
        : undefined;
    },
  },
  {
    id: "iam-managed-policy-size",
    types: ["aws:iam/policy:Policy"],
    doc: DOCS.iamQuotas,
    observed: true,
    check: (inputs) => {
      const chars = policyChars(inputs.policy);
      return chars !== undefined && chars > IAM_QUOTAS.managedPolicyChars
        ? `LimitExceeded: Cannot exceed quota for PolicySize: ${IAM_QUOTAS.managedPolicyChars} (policy has ${chars} characters without whitespace).`
        : undefined;
    },
  },
  {
    id: "iam-inline-policy-size",
    types: ["aws:iam/rolePolicy:RolePolicy"],
    doc: DOCS.iamQuotas,
    observed: true,
    check: (inputs, ctx) => {
      const chars = policyChars(inputs.policy);
      const role = str(inputs.role);
      if (chars === undefined || role === undefined) return undefined;
      const total = (ctx.inlinePolicyChars.get(role) ?? 0) + chars;
      ctx.inlinePolicyChars.set(role, total);
      return total > IAM_QUOTAS.inlinePolicyCharsPerRole
        ? `LimitExceeded: Maximum policy size of ${IAM_QUOTAS.inlinePolicyCharsPerRole} bytes exceeded for role ${role} (${total} characters of inline policy without whitespace).`
        : undefined;
    },
  },
  {
    // IAM: "In IAM, the Sid value must be unique within a JSON policy" and takes only A-Z, a-z, 0-9.
    // The error text is IAM's (as mirrored by moto's IAM policy validator and quoted in CloudFormation
    // failures). Grant helpers joined into one policy are where this bites (a shared worker joins
    // three queues' grants).
    id: "iam-policy-sid",
    types: ["aws:iam/policy:Policy", "aws:iam/rolePolicy:RolePolicy"],
    doc: DOCS.iamSid,
    observed: true,
    check: (inputs) => {
      const statements = obj(inputs.policy)?.Statement;
      if (!Array.isArray(statements)) return undefined;
      const sids = statements.map((st) => (st !== null && typeof st === "object" ? (st as Inputs).Sid : undefined)).filter((x): x is string => typeof x === "string" && x !== "");
      const bad = sids.find((sid) => !/^[A-Za-z0-9]+$/.test(sid));
      if (bad !== undefined) return `MalformedPolicyDocument: Statement IDs (SID) must be alpha-numeric. Check that your input satisfies the regular expression [0-9A-Za-z]* (got "${bad}").`;
      const dup = sids.find((sid, i) => sids.indexOf(sid) !== i);
      return dup !== undefined ? `MalformedPolicyDocument: Statement IDs (SID) in a single policy must be unique. ("${dup}" repeats)` : undefined;
    },
  },
  {
    id: "iam-policy-name",
    types: ["aws:iam/policy:Policy", "aws:iam/rolePolicy:RolePolicy"],
    doc: DOCS.iamQuotas,
    observed: false,
    check: (inputs) => {
      const name = str(inputs.name);
      return name !== undefined && name.length > 128 ? `ValidationError: Value '${name}' at 'policyName' failed to satisfy constraint: Member must have length less than or equal to 128` : undefined;
    },
  },

  // --- S3 --------------------------------------------------------------------------------------
  {
    id: "s3-bucket-name",
    types: ["aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"],
    doc: DOCS.s3BucketNaming,
    observed: false,
    check: (inputs) => {
      const prefix = str(inputs.bucketPrefix);
      // The provider appends a 26-character unique suffix to a prefix: 63 - 26 = 37.
      if (prefix !== undefined && (prefix.length > 37 || !/^[a-z0-9][a-z0-9.-]*$/.test(prefix))) {
        return `InvalidBucketName: The specified bucket prefix "${prefix}" is not valid (at most 37 lowercase letters, digits, dots, hyphens).`;
      }
      const name = str(inputs.bucket);
      if (name === undefined) return undefined;
      const ok =
        name.length >= 3 &&
        name.length <= 63 &&
        /^[a-z0-9][a-z0-9.-]*[a-z0-9]$/.test(name) &&
        !name.includes("..") &&
        !/^\d+\.\d+\.\d+\.\d+$/.test(name) &&
        !name.startsWith("xn--") &&
        !name.endsWith("-s3alias");
      return ok ? undefined : `InvalidBucketName: The specified bucket is not valid: "${name}".`;
    },
  },

  // --- SQS -------------------------------------------------------------------------------------
  {
    id: "sqs-queue-name",
    types: [SQS_QUEUE],
    doc: DOCS.sqsCreateQueue,
    observed: false,
    check: (inputs) => {
      const name = str(inputs.name);
      if (name === undefined) return undefined;
      const fifo = inputs.fifoQueue === true;
      const base = name.endsWith(".fifo") ? name.slice(0, -5) : name;
      if (name.length > 80 || !/^[A-Za-z0-9_-]+$/.test(base)) {
        return `InvalidParameterValue: Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length ("${name}").`;
      }
      if (fifo !== name.endsWith(".fifo")) return `InvalidParameterValue: The name of a FIFO queue can only include alphanumeric characters, hyphens, or underscores, must end with .fifo suffix and be 1 to 80 in length ("${name}", FifoQueue ${fifo}).`;
      return undefined;
    },
  },
  {
    id: "sqs-attribute-ranges",
    types: [SQS_QUEUE],
    doc: DOCS.sqsQuotas,
    observed: false,
    check: (inputs) => {
      const ranges: [string, string, number, number][] = [
        ["visibilityTimeoutSeconds", "VisibilityTimeout", 0, 43200],
        ["messageRetentionSeconds", "MessageRetentionPeriod", 60, 1209600],
        ["delaySeconds", "DelaySeconds", 0, 900],
        ["receiveWaitTimeSeconds", "ReceiveMessageWaitTimeSeconds", 0, 20],
        ["maxMessageSize", "MaximumMessageSize", 1024, 1048576],
        ["kmsDataKeyReusePeriodSeconds", "KmsDataKeyReusePeriodSeconds", 60, 86400],
      ];
      for (const [input, attribute, min, max] of ranges) {
        const v = num(inputs[input]);
        if (v !== undefined && (v < min || v > max)) return `InvalidAttributeValue: Invalid value for the parameter ${attribute}: ${v} (allowed ${min} to ${max}).`;
      }
      return undefined;
    },
  },
  {
    id: "sqs-dead-letter-queue-type",
    types: [SQS_QUEUE, "aws:sqs/redrivePolicy:RedrivePolicy"],
    doc: DOCS.sqsDlq,
    observed: false,
    check: (inputs, ctx) => {
      const target = str(obj(inputs.redrivePolicy)?.deadLetterTargetArn);
      const dlq = target === undefined ? undefined : ctx.byArn.get(target);
      if (!dlq || inputs.fifoQueue === undefined) return undefined;
      const sourceFifo = inputs.fifoQueue === true;
      return sourceFifo !== (dlq.inputs.fifoQueue === true)
        ? `InvalidParameterValue: Value for parameter RedrivePolicy is invalid. Reason: the dead-letter queue of a ${sourceFifo ? "FIFO" : "standard"} queue must also be a ${sourceFifo ? "FIFO" : "standard"} queue.`
        : undefined;
    },
  },
  {
    id: "sqs-redrive-max-receive-count",
    types: [SQS_QUEUE, "aws:sqs/redrivePolicy:RedrivePolicy"],
    doc: DOCS.sqsDlq,
    observed: false,
    check: (inputs) => {
      const policy = obj(inputs.redrivePolicy);
      const count = num(policy?.maxReceiveCount);
      return count !== undefined && (count < 1 || count > 1000)
        ? `InvalidAttributeValue: Value {"maxReceiveCount":${count}} for parameter RedrivePolicy is invalid. Reason: Invalid value for maxReceiveCount: ${count}, valid values are from 1 to 1000 both inclusive.`
        : undefined;
    },
  },

  // --- KMS -------------------------------------------------------------------------------------
  {
    id: "kms-alias-name",
    types: ["aws:kms/alias:Alias"],
    doc: DOCS.kmsCreateAlias,
    observed: false,
    check: (inputs) => {
      const name = str(inputs.name);
      if (name === undefined) return undefined;
      if (!name.startsWith("alias/")) return `ValidationException: Alias must start with the prefix "alias/" ("${name}").`;
      if (name.startsWith("alias/aws/")) return `NotAuthorizedException: Alias names cannot begin with alias/aws/; that prefix is reserved for AWS managed keys ("${name}").`;
      return name.length > 256 || !/^alias\/[A-Za-z0-9/_-]+$/.test(name)
        ? `ValidationException: 1 validation error detected: Value '${name}' at 'aliasName' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-zA-Z0-9:/_-]+$ and length 1 to 256`
        : undefined;
    },
  },
  {
    id: "kms-deletion-window",
    types: ["aws:kms/key:Key"],
    doc: DOCS.kmsScheduleDeletion,
    observed: false,
    check: (inputs) => {
      const days = num(inputs.deletionWindowInDays);
      return days !== undefined && (days < 7 || days > 30) ? `ValidationException: PendingWindowInDays must be between 7 and 30 (got ${days}).` : undefined;
    },
  },

  // --- CloudWatch Logs -------------------------------------------------------------------------
  {
    id: "logs-log-group-name",
    types: ["aws:cloudwatch/logGroup:LogGroup"],
    doc: DOCS.logsCreateLogGroup,
    observed: false,
    check: (inputs) => {
      const name = str(inputs.name);
      if (name === undefined) return undefined;
      return name.length < 1 || name.length > 512 || !/^[.\-_/#A-Za-z0-9]+$/.test(name)
        ? `InvalidParameterException: 1 validation error detected: Value '${name}' at 'logGroupName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\.\\-_/#A-Za-z0-9]+ (1 to 512 characters)`
        : undefined;
    },
  },
  {
    id: "logs-retention-value",
    types: ["aws:cloudwatch/logGroup:LogGroup"],
    doc: DOCS.logsPutRetention,
    observed: false,
    check: (inputs) => {
      const days = num(inputs.retentionInDays);
      return days !== undefined && days !== 0 && !LOG_RETENTION_DAYS.includes(days)
        ? `InvalidParameterException: 1 validation error detected: Value '${days}' at 'retentionInDays' failed to satisfy constraint: Member must satisfy enum value set: [${LOG_RETENTION_DAYS.join(", ")}]`
        : undefined;
    },
  },

  // --- ECS -------------------------------------------------------------------------------------
  {
    id: "ecs-names",
    types: ["aws:ecs/cluster:Cluster", "aws:ecs/service:Service", "aws:ecs/taskDefinition:TaskDefinition"],
    doc: `${DOCS.ecsCreateCluster} ${DOCS.ecsCreateService} ${DOCS.ecsRegisterTaskDefinition}`,
    observed: false,
    check: (inputs) => {
      const name = str(inputs.name) ?? str(inputs.family);
      if (name === undefined) return undefined;
      return name.length < 1 || name.length > 255 || !/^[A-Za-z0-9_-]+$/.test(name)
        ? `InvalidParameterException: "${name}": up to 255 letters (uppercase and lowercase), numbers, underscores, and hyphens are allowed.`
        : undefined;
    },
  },
  {
    id: "ecs-health-check-grace-without-load-balancer",
    types: ["aws:ecs/service:Service"],
    doc: DOCS.ecsCreateService,
    observed: true,
    check: (inputs) => {
      const lbs = inputs.loadBalancers;
      const hasLb = Array.isArray(lbs) && lbs.length > 0;
      return num(inputs.healthCheckGracePeriodSeconds) !== undefined && !hasLb
        ? "InvalidParameterException: Health check grace period is only valid for services configured to use load balancers"
        : undefined;
    },
  },
  {
    id: "ecs-awsvpc-target-type",
    types: ["aws:ecs/service:Service"],
    doc: "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/alb.html",
    observed: true,
    check: (inputs, ctx) => {
      const task = ctx.byArn.get(str(inputs.taskDefinition) ?? "");
      if (task?.inputs.networkMode !== "awsvpc" || !Array.isArray(inputs.loadBalancers)) return undefined;
      for (const lb of inputs.loadBalancers as Inputs[]) {
        const arn = str(lb.targetGroupArn) ?? "";
        const tg = ctx.byArn.get(arn);
        const targetType = str(tg?.inputs.targetType) ?? "instance";
        if (tg && targetType !== "ip") {
          return `InvalidParameterException: The provided target group ${arn} has target type ${targetType}, which is incompatible with the awsvpc network mode specified in the task definition.`;
        }
      }
      return undefined;
    },
  },
  {
    id: "ecs-fargate-task-size",
    types: ["aws:ecs/taskDefinition:TaskDefinition"],
    doc: DOCS.ecsFargateTaskSize,
    observed: false,
    check: (inputs) => {
      const compat = inputs.requiresCompatibilities;
      if (!Array.isArray(compat) || !compat.includes("FARGATE")) return undefined;
      const cpu = num(inputs.cpu);
      const memory = num(inputs.memory);
      if (cpu === undefined || memory === undefined) return "ClientException: Fargate requires task definition to have cpu and memory set.";
      return fargateMemoryAllowed(cpu, memory)
        ? undefined
        : `ClientException: No Fargate configuration exists for given values: ${cpu} CPU, ${memory} memory. See the Amazon ECS documentation for the valid values.`;
    },
  },

  // --- VPC -------------------------------------------------------------------------------------
  {
    id: "vpc-cidr-size",
    types: ["aws:ec2/vpc:Vpc", "awsx:ec2:Vpc"],
    doc: DOCS.vpcSizing,
    observed: false,
    check: (inputs) => {
      const cidr = str(inputs.cidrBlock);
      const prefix = cidr === undefined ? undefined : Number(cidr.split("/")[1]);
      return prefix !== undefined && (Number.isNaN(prefix) || prefix < 16 || prefix > 28)
        ? `InvalidVpc.Range: The CIDR '${cidr}' is invalid. The allowed block size is between a /16 netmask (65,536 IP addresses) and /28 netmask (16 IP addresses).`
        : undefined;
    },
  },

  // --- Tags (every AWS resource) ---------------------------------------------------------------
  {
    id: "tags",
    types: ["aws:*"],
    doc: DOCS.tagging,
    observed: false,
    check: (inputs, ctx) => {
      const own = obj(inputs.tags) as Record<string, unknown> | undefined;
      if (own === undefined && inputs.tags === undefined) return undefined;
      const all = { ...ctx.defaultTags, ...(own ?? {}) };
      const keys = Object.keys(all);
      if (keys.length > 50) return `ValidationException: A resource can have at most 50 tags (${keys.length} after the provider's default tags).`;
      for (const key of keys) {
        if (key.length < 1 || key.length > 128) return `ValidationException: Tag key "${key}" must be 1 to 128 characters.`;
        if (key.toLowerCase().startsWith("aws:")) return `ValidationException: Tag keys starting with "aws:" are reserved for AWS use ("${key}").`;
        const value = all[key];
        if (typeof value === "string" && value.length > 256) return `ValidationException: The value of tag "${key}" must be at most 256 characters (got ${value.length}).`;
      }
      return undefined;
    },
  },

  // --- Secrets Manager, ECR, EKS, Application Auto Scaling ------------------------------------
  {
    id: "secrets-recovery-window",
    types: ["aws:secretsmanager/secret:Secret"],
    doc: DOCS.secretsDelete,
    observed: false,
    check: (inputs) => {
      const days = num(inputs.recoveryWindowInDays);
      return days !== undefined && days !== 0 && (days < 7 || days > 30)
        ? `InvalidParameterException: The RecoveryWindowInDays value must be between 7 and 30 days (got ${days}).`
        : lengthRule(inputs.name, 1, 512, "The secret name");
    },
  },
  {
    id: "ecr-repository-name",
    types: ["aws:ecr/repository:Repository"],
    doc: DOCS.ecrCreateRepository,
    observed: false,
    check: (inputs) => {
      const name = str(inputs.name);
      if (name === undefined) return undefined;
      const ok = name.length >= 2 && name.length <= 256 && /^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$/.test(name);
      return ok ? undefined : `InvalidParameterException: Invalid parameter at 'repositoryName' failed to satisfy constraint: 'must satisfy regular expression '(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*'' ("${name}")`;
    },
  },
  {
    id: "eks-cluster-name",
    types: ["aws:eks/cluster:Cluster"],
    doc: DOCS.eksCreateCluster,
    observed: false,
    check: (inputs) => {
      const name = str(inputs.name);
      return name !== undefined && !/^[0-9A-Za-z][A-Za-z0-9\-_]{0,99}$/.test(name)
        ? `InvalidParameterException: The cluster name "${name}" must be 1 to 100 characters, start with an alphanumeric character and contain only alphanumerics, hyphens and underscores.`
        : undefined;
    },
  },
  {
    id: "eks-node-group-scaling",
    types: ["aws:eks/nodeGroup:NodeGroup"],
    doc: DOCS.eksScaling,
    observed: false,
    check: (inputs) => {
      const s = obj(inputs.scalingConfig);
      const min = num(s?.minSize);
      const max = num(s?.maxSize);
      const desired = num(s?.desiredSize);
      if (min === undefined || max === undefined) return undefined;
      if (max < 1) return `InvalidParameterException: maxSize must be at least 1 (got ${max}).`;
      if (min > max) return `InvalidParameterException: Minimum capacity ${min} can't be greater than maximum capacity ${max}.`;
      return desired !== undefined && (desired < min || desired > max)
        ? `InvalidParameterException: Desired capacity ${desired} must be between minimum ${min} and maximum ${max}.`
        : undefined;
    },
  },
  {
    id: "appautoscaling-target-bounds",
    types: ["aws:appautoscaling/target:Target"],
    doc: DOCS.appAutoscaling,
    observed: false,
    check: (inputs) => {
      const min = num(inputs.minCapacity);
      const max = num(inputs.maxCapacity);
      return min !== undefined && max !== undefined && min > max
        ? `ValidationException: Minimum capacity cannot be greater than maximum capacity (${min} > ${max}).`
        : undefined;
    },
  },
];

// ---------------------------------------------------------------------------------------------
// Applying the table
// ---------------------------------------------------------------------------------------------

/** Pulumi's RPC envelope of a secret value under mocks (`specialSigKey` → `specialSecretSig`). */
const SECRET_SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

/** The plain value of inputs, secrets unwrapped: AWS sees the value, not Pulumi's envelope. */
function unwrapSecrets(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(unwrapSecrets);
  if (v !== null && typeof v === "object") {
    const o = v as Inputs;
    if (o[SECRET_SIG_KEY] === SECRET_SIG) return unwrapSecrets(o.value);
    return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, unwrapSecrets(x)]));
  }
  return v;
}

function appliesTo(rule: AwsRefusalRule, type: string): boolean {
  return rule.types.includes(type) || (rule.types.includes("aws:*") && type.startsWith("aws:"));
}

/**
 * AWS's refusals of one resource, given what was registered before it; then records what later
 * resources may need to know (RDS instances by identifier, the provider's default tags).
 */
export function refusalsOf(type: string, name: string, rawInputs: Inputs, ctx: RefusalContext): AwsRefusal[] {
  const inputs = unwrapSecrets(rawInputs) as Inputs;
  if (type === "pulumi:providers:aws") {
    const defaults = obj(inputs.defaultTags);
    const tags = obj(defaults?.tags);
    if (tags) ctx.defaultTags = Object.fromEntries(Object.entries(tags).map(([k, v]) => [k, String(v)]));
    return [];
  }
  const refusals: AwsRefusal[] = [];
  for (const rule of AWS_REFUSALS) {
    if (!appliesTo(rule, type)) continue;
    const message = rule.check(inputs, ctx);
    if (message !== undefined) refusals.push({ rule: rule.id, type, name, message, doc: rule.doc });
  }
  if (type === RDS_INSTANCE) {
    const id = str(inputs.identifier) ?? name;
    ctx.rdsInstances.set(id, inputs);
  }
  return refusals;
}

/** Records what the cloud answered for a created resource, so later resources can refer to it by ARN. */
export function recordCreated(ctx: RefusalContext, type: string, inputs: Inputs, state: Record<string, unknown>): void {
  const arn = str(state.arn);
  if (arn) ctx.byArn.set(arn, { type, inputs: unwrapSecrets(inputs) as Inputs });
}

/**
 * Every refusal of a graph's resources, checked in registration order; `answer` gives each resource's
 * outputs (the mock cloud's), for references by ARN.
 */
export function refusalsOfGraph(
  resources: readonly { type: string; name: string; inputs: Inputs }[],
  answer?: (r: { type: string; name: string; inputs: Inputs }) => Record<string, unknown>,
): AwsRefusal[] {
  const ctx = newRefusalContext();
  return resources.flatMap((r) => {
    const refusals = refusalsOf(r.type, r.name, r.inputs, ctx);
    if (answer) recordCreated(ctx, r.type, r.inputs, answer(r));
    return refusals;
  });
}
