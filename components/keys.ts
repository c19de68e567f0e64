/**
 * The stack's customer-managed KMS key: one key encrypts the database, cache, buckets, queues, log
 * groups, secrets and EKS secrets, so one key policy says who may use the platform's data.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { KMS_MAX_DELETION_WINDOW_DAYS } from "../sizing";
import { PlatformComponent, type StackIdentity, stackNamePrefix } from "./component";

/**
 * The service-linked role EC2 Auto Scaling launches instances with, EKS managed node groups included
 * (AWS: "Service-linked roles for Amazon EC2 Auto Scaling"). The path is fixed by IAM.
 */
export const AUTOSCALING_SERVICE_LINKED_ROLE_PATH = "role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling";

export interface KeysArgs {
  /** Stack identity for names and tags. */
  identity: StackIdentity;
  /** AWS region of the stack (the CloudWatch Logs service principal is regional). */
  region: string;
  /** Account that owns the key; its root principal administers it through IAM. */
  accountId: pulumi.Input<string>;
  /**
   * Days before a scheduled key deletion completes (AWS allows 7–30). A destroyed key makes every
   * backup it encrypted unreadable, so the window is the longest AWS allows.
   * @default `KMS_MAX_DELETION_WINDOW_DAYS` (`30`)
   */
  deletionWindowDays?: number;
}

/**
 * One KMS key with rotation on and an alias `alias/<project>-<stack>`.
 *
 * **Cost**: $1 per key-month plus $0.03 per 10 000 requests (S3 bucket keys keep request counts low).
 */
export class Keys extends PlatformComponent {
  /** The key. */
  public readonly key: aws.kms.Key;
  /** ARN of the key, for `kmsKeyId`/`kmsMasterKeyId` inputs. */
  public readonly keyArn: pulumi.Output<string>;
  /** `alias/<project>-<stack>`, for people finding the key in the console. */
  public readonly alias: aws.kms.Alias;

  constructor(name: string, args: KeysArgs, opts?: pulumi.ComponentResourceOptions) {
    super("keys", "Keys", name, opts);
    const deletionWindowDays = args.deletionWindowDays ?? KMS_MAX_DELETION_WINDOW_DAYS;

    this.key = new aws.kms.Key(
      this.childName("key"),
      {
        description: `Platform data key for ${args.identity.project}/${args.identity.stack}`,
        enableKeyRotation: true,
        deletionWindowInDays: deletionWindowDays,
        policy: keyPolicy(args.accountId, args.region),
        tags: args.identity.tags,
      },
      this.childOpts(),
    );
    this.alias = new aws.kms.Alias(
      this.childName("alias"),
      { name: `alias/${stackNamePrefix(args.identity)}`, targetKeyId: this.key.keyId },
      this.childOpts(),
    );
    this.keyArn = this.key.arn;
    this.registerOutputs({ keyArn: this.keyArn });
  }
}

/**
 * The key policy. The account root statement delegates to IAM (roles get kms:Decrypt through
 * their own policies, scoped to this key's ARN). Principals whose permissions IAM cannot extend need
 * key-policy grants of their own: CloudWatch Logs (restricted to this account's log groups),
 * CloudWatch alarms and AWS Budgets publishing to the encrypted alert topic, and EC2 Auto Scaling's
 * service-linked role launching EKS nodes whose root volumes this key encrypts.
 */
export function keyPolicy(accountId: pulumi.Input<string>, region: string): pulumi.Output<string> {
  return pulumi.jsonStringify({
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "AccountAdministersThroughIam",
        Effect: "Allow",
        Principal: { AWS: pulumi.interpolate`arn:aws:iam::${accountId}:root` },
        Action: "kms:*",
        Resource: "*",
      },
      {
        Sid: "CloudWatchLogsEncryptsThisAccountsLogGroups",
        Effect: "Allow",
        Principal: { Service: `logs.${region}.amazonaws.com` },
        Action: ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
        Resource: "*",
        Condition: {
          ArnLike: { "kms:EncryptionContext:aws:logs:arn": pulumi.interpolate`arn:aws:logs:${region}:${accountId}:log-group:*` },
        },
      },
      {
        // The alert topic is encrypted with this key, and CloudWatch alarms and AWS Budgets publish
        // to it as services, so they need the data key. No condition: the topic policy (components/
        // observability) already admits only publishes made for this account (aws:SourceAccount),
        // and these two actions alone cannot read any data.
        Sid: "AlarmsAndBudgetsPublishToTheEncryptedAlertTopic",
        Effect: "Allow",
        Principal: { Service: ["cloudwatch.amazonaws.com", "budgets.amazonaws.com"] },
        Action: ["kms:Decrypt", "kms:GenerateDataKey*"],
        Resource: "*",
      },
      // The EKS node groups' launch templates encrypt root volumes with this key, and their Auto
      // Scaling groups launch instances as AWSServiceRoleForAutoScaling, whose AWS-managed policy
      // covers AWS-managed keys only: without these two statements every launch fails with
      // "Client.InternalError: Client error on launch" (AWS: "Required AWS KMS key policy for use with
      // encrypted volumes"). KMS refuses a policy naming a role that does not exist yet, and Auto
      // Scaling creates that role on an account's first Auto Scaling group (which on a new account is
      // the node group, after this key), so the role is matched by `aws:PrincipalArn` in this account.
      {
        Sid: "AutoScalingLaunchesNodesWithEncryptedVolumes",
        Effect: "Allow",
        Principal: { AWS: "*" },
        Action: ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"],
        Resource: "*",
        Condition: autoScalingRoleCondition(accountId),
      },
      {
        Sid: "AutoScalingAttachesEncryptedVolumes",
        Effect: "Allow",
        Principal: { AWS: "*" },
        Action: "kms:CreateGrant",
        Resource: "*",
        Condition: { ...autoScalingRoleCondition(accountId), Bool: { "kms:GrantIsForAWSResource": "true" } },
      },
    ],
  });
}

function autoScalingRoleCondition(accountId: pulumi.Input<string>): Record<string, Record<string, pulumi.Input<string>>> {
  return {
    StringEquals: { "kms:CallerAccount": accountId },
    ArnEquals: { "aws:PrincipalArn": pulumi.interpolate`arn:aws:iam::${accountId}:${AUTOSCALING_SERVICE_LINKED_ROLE_PATH}` },
  };
}
