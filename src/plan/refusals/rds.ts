/**
 * AWS refusal rules, RDS: instance identifiers, parameter groups, backups, passwords and the Secrets Manager-managed
 * master password, Multi-AZ, monitoring, storage, and read replicas (source, password, KMS key).
 */
import { DOCS, hyphenIdentifierProblem, identifierCheck, num, RDS_INSTANCE, str } from "./helpers";
import type { AwsRefusalRule, Inputs, RefusalContext } from "./types";

/** The RDS instance a replica's `replicateSourceDb` names (identifier or `db:` ARN). */
function replicaSource(inputs: Inputs, ctx: RefusalContext): Inputs | undefined {
  const source = str(inputs.replicateSourceDb);
  if (!source) return undefined;
  return ctx.rdsInstances.get(source) ?? ctx.rdsInstances.get(source.split(":db:")[1] ?? "");
}

/** The rules of this family, in the table's order. */
export const RDS_RULES: readonly AwsRefusalRule[] = [
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
];
