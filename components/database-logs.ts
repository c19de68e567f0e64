/**
 * The CloudWatch log groups an RDS instance exports its logs to, created by the platform before the
 * instance so that they carry the stack's retention and KMS key. Used by components/database.ts for
 * the writer and each read replica.
 *
 * RDS publishes each exported log type of an instance to the log group
 * `/aws/rds/instance/<db-instance-identifier>/<log type>` (RDS user guide, "Publishing PostgreSQL logs
 * to Amazon CloudWatch Logs": "the PostgreSQL log data is stored within the log group
 * `/aws/rds/instance/my_instance/postgresql`";
 * https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_LogAccess.Concepts.PostgreSQL.PublishtoCloudWatchLogs.html).
 * RDS writes into that group when it exists and creates it otherwise, with no retention (kept, and
 * billed, forever) and CloudWatch Logs' default encryption rather than the stack key. Creating the group
 * first is the established way to set both (terraform-aws-modules/terraform-aws-rds,
 * `create_cloudwatch_log_group`); a KMS key can be given when a log group is created (CloudWatch Logs
 * user guide, "Encrypt log data in CloudWatch Logs using AWS Key Management Service",
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html). The instance
 * waits for its groups (`dependsOn`): were it first, RDS would create a group and ours would fail with
 * ResourceAlreadyExistsException (CreateLogGroup,
 * https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_CreateLogGroup.html; the mock
 * cloud's rule `logs-rds-export-group-exists`).
 *
 * The stack key's policy already lets CloudWatch Logs use it for every log group of the account
 * (components/keys.ts, `CloudWatchLogsEncryptsThisAccountsLogGroups`, conditioned on
 * `kms:EncryptionContext:aws:logs:arn`), which these groups are.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { StackContext } from "./component";

/** The log group RDS publishes `logType` of instance `identifier` to (see the module comment). */
export function rdsLogGroupName(identifier: string, logType: string): string {
  return `/aws/rds/instance/${identifier}/${logType}`;
}

export interface InstanceLogGroupsArgs {
  /** The stack: tags, log retention and the KMS key. */
  context: StackContext;
  /**
   * The DB instance identifier, exactly as the instance is created with it: RDS names the groups
   * from it, so it must be known before the instance exists (an `identifierPrefix` cannot work).
   */
  identifier: string;
  /** The instance's `enabledCloudwatchLogsExports`: one log group each. */
  logExports: readonly string[];
}

/**
 * One log group per exported log type of one DB instance, named `${prefix}-logs-<log type>` under
 * `parent`; the instance must list them in its `dependsOn`.
 */
export function createInstanceLogGroups(prefix: string, args: InstanceLogGroupsArgs, parent: pulumi.Resource): aws.cloudwatch.LogGroup[] {
  const { identity, logRetentionDays, kmsKeyArn } = args.context;
  return args.logExports.map(
    (logType) =>
      new aws.cloudwatch.LogGroup(
        `${prefix}-logs-${logType}`,
        {
          name: rdsLogGroupName(args.identifier, logType),
          retentionInDays: logRetentionDays,
          kmsKeyId: kmsKeyArn,
          tags: identity.tags,
        },
        { parent },
      ),
  );
}
