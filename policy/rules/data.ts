/**
 * Data stores and their keys: RDS PostgreSQL, ElastiCache, SQS, KMS, Secrets Manager.
 */
import { isServiceWideAction, publicGrant } from "../iam-semantics";
import {
  arr,
  get,
  list,
  graphRule,
  obj,
  ofTypes,
  ownersWithout,
  parseJson,
  type PolicyGraph,
  type PolicyResource,
  providerDefaultTags,
  refersTo,
  resourceRule,
  type Rule,
  statementsOf,
  str,
} from "../types";

const RDS = ["aws:rds/instance:Instance"];
const RDS_PARAMS = ["aws:rds/parameterGroup:ParameterGroup"];
const REDIS = ["aws:elasticache/replicationGroup:ReplicationGroup"];
const SQS = ["aws:sqs/queue:Queue"];
const KMS = ["aws:kms/key:Key"];
const SECRET = ["aws:secretsmanager/secret:Secret"];

/** A queue keeping messages this long at most is a signal queue (no DLQ needed): five minutes. */
const SIGNAL_QUEUE_MAX_RETENTION_SECONDS = 300;

/** Days of automated backups a single-AZ primary needs for the point-in-time restore path. */
const PITR_MIN_BACKUP_DAYS = 7;

/** The stack's tier, from the `tier` default tag of the AWS provider (src/platform.ts stackTags). */
function stackTier(graph: PolicyGraph): string | undefined {
  const tier = providerDefaultTags(graph).find((tags) => typeof tags.tier === "string")?.tier;
  return typeof tier === "string" ? tier : undefined;
}

/** Read replicas inherit encryption, backups and Multi-AZ from their source; several checks skip them. */
const isReplica = (i: Record<string, unknown>) => i.replicateSourceDb !== undefined && i.replicateSourceDb !== null;

/** Nodes of a replication group (cluster mode: shards x (replicas + 1)). */
function cacheNodes(i: Record<string, unknown>): number {
  if (i.numCacheClusters !== undefined) return Number(i.numCacheClusters);
  if (i.numNodeGroups !== undefined) return Number(i.numNodeGroups) * (Number(i.replicasPerNodeGroup ?? 0) + 1);
  return 1;
}

function param(i: Record<string, unknown>, name: string): string | undefined {
  const p = arr(i.parameters).find((x) => get(x, "name") === name);
  return p === undefined ? undefined : String(get(p, "value"));
}

export const dataRules: Rule[] = [
  // ---- RDS ----
  resourceRule(
    { id: "rds-storage-encrypted", description: "RDS storage is encrypted with the stack's KMS key.", severity: "high", enforcement: "mandatory", controls: { checkov: ["CKV_AWS_16"], fsbp: ["RDS.3"] } },
    RDS,
    (i) => (isReplica(i) || (i.storageEncrypted === true && i.kmsKeyId) ? undefined : "storageEncrypted must be true with kmsKeyId set"),
  ),
  resourceRule(
    { id: "rds-not-public", description: "RDS and Aurora instances are not publicly accessible.", severity: "critical", enforcement: "mandatory", controls: { checkov: ["CKV_AWS_17"], fsbp: ["RDS.2"] } },
    [...RDS, "aws:rds/clusterInstance:ClusterInstance"],
    (i) => (i.publiclyAccessible === true ? "publiclyAccessible is true" : undefined),
  ),
  resourceRule(
    { id: "rds-multi-az", description: "The primary RDS instance is Multi-AZ; from 10k up always, at 1k unless point-in-time restore keeps RPO 1 h / RTO 4 h (backups ≥ 7 days, deletion protection, final snapshot).", severity: "high", enforcement: "mandatory", controls: { checkov: ["CKV_AWS_157"], fsbp: ["RDS.5"] } },
    RDS,
    (i, _r, graph) => {
      if (isReplica(i) || i.multiAz === true) return undefined;
      // Multi-AZ is a feature; the promise is RPO 1 h / RTO 4 h. A single-AZ instance keeps it through
      // point-in-time restore (logs uploaded every 5 min; restore of a small database well under an
      // hour, docs/data-layer.md "Backup and restore"), which needs backups, deletion protection and a final
      // snapshot. The promise asks Multi-AZ from 10k up, where a restore's hour of downtime matters.
      const pitrKeepsThePromise =
        stackTier(graph) === "1k" && Number(i.backupRetentionPeriod ?? 0) >= PITR_MIN_BACKUP_DAYS && i.deletionProtection === true && i.skipFinalSnapshot !== true;
      return pitrKeepsThePromise ? undefined : `multiAz must be true (single-AZ only at the 1k tier with ≥ ${PITR_MIN_BACKUP_DAYS} days of backups, deletion protection and a final snapshot)`;
    },
  ),
  resourceRule(
    { id: "rds-backup-retention", description: "Automated backups are kept 1–35 days (point-in-time recovery on).", severity: "high", enforcement: "mandatory", controls: { checkov: ["CKV_AWS_133"], fsbp: ["RDS.11"] } },
    RDS,
    (i) => {
      if (isReplica(i)) return undefined;
      const days = Number(i.backupRetentionPeriod ?? 0);
      return days >= 1 && days <= 35 ? undefined : `backupRetentionPeriod is ${String(i.backupRetentionPeriod)}; must be 1–35`;
    },
  ),
  resourceRule(
    { id: "rds-deletion-protection", description: "RDS instances other than read replicas have deletion protection.", severity: "high", enforcement: "mandatory", controls: { checkov: ["CKV_AWS_293"], fsbp: ["RDS.8"] } },
    RDS,
    // A replica holds nothing its source lacks; protecting it only blocks removing it on a tier switch.
    (i) => (isReplica(i) || i.deletionProtection === true ? undefined : "deletionProtection must be true"),
  ),
  resourceRule(
    { id: "rds-final-snapshot", description: "Deleting the database takes a final snapshot.", severity: "high", enforcement: "mandatory", controls: {} },
    RDS,
    (i) => (isReplica(i) || i.skipFinalSnapshot !== true ? undefined : "skipFinalSnapshot is true: deleting the instance loses its data"),
  ),
  resourceRule(
    { id: "rds-iam-auth", description: "IAM database authentication is enabled.", severity: "medium", enforcement: "advisory", controls: { checkov: ["CKV_AWS_161"], fsbp: ["RDS.10"] } },
    RDS,
    (i) => (i.iamDatabaseAuthenticationEnabled === true ? undefined : "iamDatabaseAuthenticationEnabled is not true"),
  ),
  resourceRule(
    { id: "rds-auto-minor-upgrade", description: "Minor engine upgrades are applied automatically.", severity: "medium", enforcement: "mandatory", controls: { checkov: ["CKV_AWS_226"], fsbp: ["RDS.13"] } },
    RDS,
    (i) => (i.autoMinorVersionUpgrade === false ? "autoMinorVersionUpgrade is false" : undefined),
  ),
  resourceRule(
    { id: "rds-log-exports", description: "PostgreSQL logs are exported to CloudWatch.", severity: "medium", enforcement: "mandatory", controls: { checkov: ["CKV_AWS_129"], fsbp: ["RDS.9", "RDS.36"] } },
    RDS,
    (i) => (arr(i.enabledCloudwatchLogsExports).includes("postgresql") ? undefined : "enabledCloudwatchLogsExports must include postgresql"),
  ),
  resourceRule(
    { id: "rds-enhanced-monitoring", description: "Enhanced monitoring is on (monitoringInterval > 0).", severity: "low", enforcement: "advisory", controls: { checkov: ["CKV_AWS_118"], fsbp: ["RDS.6"] } },
    RDS,
    (i) => (Number(i.monitoringInterval ?? 0) > 0 ? undefined : "monitoringInterval is 0 (enhanced monitoring off)"),
  ),
  resourceRule(
    { id: "rds-performance-insights", description: "Performance Insights is on, encrypted with the stack's key.", severity: "low", enforcement: "advisory", controls: { checkov: ["CKV_AWS_353", "CKV_AWS_354"] } },
    RDS,
    (i) => (i.performanceInsightsEnabled === true && i.performanceInsightsKmsKeyId ? undefined : "performanceInsightsEnabled with performanceInsightsKmsKeyId is not set"),
  ),
  resourceRule(
    { id: "rds-copy-tags-to-snapshot", description: "Snapshots carry the instance's tags.", severity: "low", enforcement: "mandatory", controls: { checkov: ["CKV2_AWS_60"], fsbp: ["RDS.17"] } },
    RDS,
    (i) => (isReplica(i) || i.copyTagsToSnapshot === true ? undefined : "copyTagsToSnapshot must be true"),
  ),
  resourceRule(
    { id: "rds-custom-admin-username", description: "The master user is not the engine default (postgres / admin).", severity: "medium", enforcement: "mandatory", controls: { fsbp: ["RDS.25"] } },
    RDS,
    (i) => (isReplica(i) || !["postgres", "admin", "root"].includes(String(i.username ?? "postgres")) ? undefined : `username is ${String(i.username ?? "(default) postgres")}`),
  ),
  resourceRule(
    { id: "rds-private-subnet-group", description: "RDS instances live in the platform's DB subnet group, never the default VPC.", severity: "high", enforcement: "mandatory", controls: {} },
    RDS,
    (i) => (isReplica(i) || (str(i.dbSubnetGroupName) && i.dbSubnetGroupName !== "default") ? undefined : "dbSubnetGroupName must name the platform's subnet group"),
  ),
  resourceRule(
    { id: "rds-force-ssl", description: "PostgreSQL parameter groups force TLS (rds.force_ssl = 1).", severity: "high", enforcement: "mandatory", controls: { checkov: ["CKV2_AWS_69"], fsbp: ["RDS.38"] } },
    RDS_PARAMS,
    (i) => (!String(i.family ?? "").startsWith("postgres") || param(i, "rds.force_ssl") === "1" ? undefined : "parameter rds.force_ssl must be 1"),
  ),
  resourceRule(
    { id: "rds-slow-query-logging", description: "PostgreSQL logs slow statements (log_min_duration_statement set).", severity: "low", enforcement: "advisory", controls: { checkov: ["CKV2_AWS_30"] } },
    RDS_PARAMS,
    (i) => (!String(i.family ?? "").startsWith("postgres") || param(i, "log_min_duration_statement") !== undefined ? undefined : "log_min_duration_statement is not set"),
  ),

  // ---- ElastiCache ----
  resourceRule(
    { id: "elasticache-at-rest-encryption", description: "ElastiCache encrypts data at rest.", severity: "high", enforcement: "mandatory", controls: { checkov: ["CKV_AWS_29"], fsbp: ["ElastiCache.4"] } },
    REDIS,
    (i) => (i.atRestEncryptionEnabled === true || i.atRestEncryptionEnabled === "true" ? undefined : "atRestEncryptionEnabled must be true"),
  ),
  resourceRule(
    { id: "elasticache-in-transit-encryption", description: "ElastiCache requires TLS in transit.", severity: "high", enforcement: "mandatory", controls: { checkov: ["CKV_AWS_30"], fsbp: ["ElastiCache.5"] } },
    REDIS,
    (i) => (i.transitEncryptionEnabled === true ? undefined : "transitEncryptionEnabled must be true"),
  ),
  resourceRule(
    { id: "elasticache-auth", description: "ElastiCache requires authentication (auth token or RBAC user group).", severity: "high", enforcement: "mandatory", controls: { checkov: ["CKV_AWS_31"], fsbp: ["ElastiCache.6"] } },
    REDIS,
    (i) => (i.authToken || arr(i.userGroupIds).length > 0 ? undefined : "set authToken or userGroupIds"),
  ),
  resourceRule(
    { id: "elasticache-cmk", description: "ElastiCache encrypts with the stack's customer-managed key.", severity: "medium", enforcement: "mandatory", controls: { checkov: ["CKV_AWS_191"] } },
    REDIS,
    (i) => (i.kmsKeyId ? undefined : "kmsKeyId is not set"),
  ),
  resourceRule(
    { id: "elasticache-automatic-failover", description: "A replication group with replicas fails over automatically across AZs.", severity: "high", enforcement: "mandatory", controls: { checkov: ["CKV2_AWS_50"], fsbp: ["ElastiCache.3"] } },
    REDIS,
    (i) => (cacheNodes(i) < 2 || (i.automaticFailoverEnabled === true && i.multiAzEnabled === true) ? undefined : "automaticFailoverEnabled and multiAzEnabled must be true when the group has replicas"),
  ),
  resourceRule(
    { id: "elasticache-has-replica", description: "ElastiCache runs a replica (a single node loses the cache and Celery results on failure).", severity: "medium", enforcement: "advisory", controls: { fsbp: ["ElastiCache.3"] } },
    REDIS,
    (i) => (cacheNodes(i) >= 2 ? undefined : "a single node: no replica to fail over to"),
  ),
  resourceRule(
    { id: "elasticache-backups", description: "ElastiCache keeps automatic snapshots.", severity: "medium", enforcement: "advisory", controls: { checkov: ["CKV_AWS_134"], fsbp: ["ElastiCache.1"] } },
    REDIS,
    (i) => (Number(i.snapshotRetentionLimit ?? 0) > 0 ? undefined : "snapshotRetentionLimit is 0"),
  ),
  resourceRule(
    { id: "elasticache-subnet-group", description: "ElastiCache lives in the platform's subnet group, not the default one.", severity: "high", enforcement: "mandatory", controls: { checkov: ["CKV_AWS_323"], fsbp: ["ElastiCache.7"] } },
    REDIS,
    (i) => (str(i.subnetGroupName) && i.subnetGroupName !== "default" ? undefined : "subnetGroupName must name the platform's subnet group"),
  ),

  // ---- SQS ----
  resourceRule(
    { id: "sqs-encrypted", description: "Queues are encrypted at rest.", severity: "high", enforcement: "mandatory", controls: { checkov: ["CKV_AWS_27"], fsbp: ["SQS.1"] } },
    SQS,
    (i) => (i.sqsManagedSseEnabled === true || i.kmsMasterKeyId ? undefined : "set kmsMasterKeyId (or sqsManagedSseEnabled)"),
  ),
  resourceRule(
    { id: "sqs-cmk", description: "Queues use the stack's customer-managed key, not alias/aws/sqs.", severity: "medium", enforcement: "mandatory", controls: { checkov: ["CKV2_AWS_73"] } },
    SQS,
    (i) => (i.kmsMasterKeyId && i.kmsMasterKeyId !== "alias/aws/sqs" ? undefined : "kmsMasterKeyId must be a customer-managed key"),
  ),
  resourceRule(
    { id: "sqs-policy-not-public", description: "No queue policy allows a public principal (`*`, `{AWS: \"*\"}`, `{AWS: [\"*\"]}`, NotPrincipal) without a scoping condition, or service-wide actions (`sqs:*`, `sqs:?*`).", severity: "critical", enforcement: "mandatory", controls: { checkov: ["CKV_AWS_168", "CKV_AWS_72", "CKV_AWS_387"], fsbp: ["SQS.3"] } },
    ["aws:sqs/queuePolicy:QueuePolicy"],
    (i) => {
      for (const s of statementsOf(i.policy)) {
        const open = publicGrant(s);
        if (open) return `statement ${s.Sid ?? "(no Sid)"} allows ${open}`;
        const wide = s.Effect === "Allow" ? list(s.Action).find(isServiceWideAction) : undefined;
        if (wide) return `statement ${s.Sid ?? "(no Sid)"} allows ${wide}`;
      }
      return undefined;
    },
  ),
  graphRule(
    { id: "sqs-has-dlq", description: "Every job queue that is not itself a dead-letter queue has a DLQ with maxReceiveCount (AWS Control Tower CT.SQS.PR.1); signal queues (messages expire within 5 minutes, nothing consumes them) are not job queues.", severity: "high", enforcement: "mandatory", controls: {} },
    [...SQS, "aws:sqs/redrivePolicy:RedrivePolicy", "aws:sqs/redriveAllowPolicy:RedriveAllowPolicy"],
    (graph) => {
      const queues = ofTypes(graph, SQS);
      const sides = ofTypes(graph, ["aws:sqs/redrivePolicy:RedrivePolicy"]);
      // A queue that declares who may redrive into it (RedriveAllowPolicy) is a dead-letter queue.
      const allowSides = ofTypes(graph, ["aws:sqs/redriveAllowPolicy:RedriveAllowPolicy"]);
      const queueName = (q: PolicyResource) => String(q.inputs.name ?? q.name);
      const redrive = (q: PolicyResource) => {
        const own = obj(parseJson(q.inputs.redrivePolicy));
        if (own) return own;
        const side = sides.find((r) => str(r.inputs.queueUrl)?.endsWith(`/${queueName(q)}`) || refersTo(r.inputs.queueUrl, q));
        return side ? obj(parseJson(side.inputs.redrivePolicy)) : undefined;
      };
      // A DLQ is a queue some other queue's redrive policy targets (or one that only allows redrive in).
      const targets = queues.map((q) => redrive(q)?.deadLetterTargetArn).filter((a): a is string => typeof a === "string");
      const isDlq = (q: PolicyResource) =>
        targets.some((t) => t.endsWith(`:${queueName(q)}`) || refersTo(t, q)) ||
        q.inputs.redriveAllowPolicy !== undefined ||
        allowSides.some((r) => str(r.inputs.queueUrl)?.endsWith(`/${queueName(q)}`) || refersTo(r.inputs.queueUrl, q));
      // A queue whose messages expire within minutes and that nothing consumes carries signals, not
      // jobs (Triton's wake queue: KEDA reads its depth); there is no failed processing to dead-letter.
      const isSignal = (q: PolicyResource) => Number(q.inputs.messageRetentionSeconds ?? Infinity) <= SIGNAL_QUEUE_MAX_RETENTION_SECONDS;
      return queues
        .filter((q) => !isDlq(q) && !isSignal(q))
        .flatMap((q) => {
          const rp = redrive(q);
          if (!rp?.deadLetterTargetArn) return [{ resource: q, message: "queue has no dead-letter queue (redrivePolicy.deadLetterTargetArn)" }];
          const n = Number(rp.maxReceiveCount);
          return n >= 1 ? [] : [{ resource: q, message: "redrivePolicy.maxReceiveCount must be at least 1" }];
        });
    },
  ),

  // ---- KMS ----
  resourceRule(
    { id: "kms-key-rotation", description: "Customer-managed keys rotate yearly.", severity: "medium", enforcement: "mandatory", controls: { checkov: ["CKV_AWS_7"], fsbp: ["KMS.4"] } },
    KMS,
    (i) => (i.enableKeyRotation === true ? undefined : "enableKeyRotation must be true"),
  ),
  resourceRule(
    { id: "kms-key-policy-defined", description: "Keys carry an explicit key policy.", severity: "medium", enforcement: "mandatory", controls: { checkov: ["CKV2_AWS_64"] } },
    KMS,
    (i) => (i.policy ? undefined : "policy is not set (the default key policy applies)"),
  ),
  resourceRule(
    { id: "kms-key-policy-no-public-principal", description: "No key policy statement allows a public principal (any spelling, or NotPrincipal) without a scoping condition (aws:SourceArn, aws:SourceAccount, aws:PrincipalOrgID, kms:CallerAccount, ...).", severity: "critical", enforcement: "mandatory", controls: { checkov: ["CKV_AWS_33"], fsbp: ["KMS.5"] } },
    KMS,
    (i) => {
      const bad = statementsOf(i.policy).find((s) => publicGrant(s));
      return bad ? `statement ${bad.Sid ?? "(no Sid)"} allows ${publicGrant(bad)} without a scoping condition` : undefined;
    },
  ),
  resourceRule(
    { id: "kms-key-enabled", description: "Keys are enabled (a disabled key makes every backup it encrypted unreadable).", severity: "high", enforcement: "mandatory", controls: { checkov: ["CKV_AWS_227"] } },
    KMS,
    (i) => (i.isEnabled === false ? "isEnabled is false" : undefined),
  ),
  resourceRule(
    { id: "kms-deletion-window", description: "Key deletion waits at least 14 days, so a mistaken destroy can be cancelled.", severity: "medium", enforcement: "advisory", controls: {} },
    KMS,
    (i) => (Number(i.deletionWindowInDays ?? 30) >= 14 ? undefined : `deletionWindowInDays is ${String(i.deletionWindowInDays)}`),
  ),

  // ---- Secrets Manager ----
  resourceRule(
    { id: "secret-cmk", description: "Secrets are encrypted with the stack's customer-managed key.", severity: "medium", enforcement: "mandatory", controls: { checkov: ["CKV_AWS_149"] } },
    SECRET,
    (i) => (i.kmsKeyId ? undefined : "kmsKeyId is not set"),
  ),
  resourceRule(
    { id: "secret-rotation-interval", description: "Rotated secrets rotate at least every 90 days.", severity: "medium", enforcement: "mandatory", controls: { checkov: ["CKV_AWS_304"], fsbp: ["SecretsManager.4"] } },
    ["aws:secretsmanager/secretRotation:SecretRotation"],
    (i) => {
      const days = Number(get(i, "rotationRules.automaticallyAfterDays") ?? NaN);
      return days <= 90 || get(i, "rotationRules.scheduleExpression") ? undefined : "rotationRules.automaticallyAfterDays must be at most 90";
    },
  ),
  graphRule(
    { id: "secret-rotation-enabled", description: "Every secret has automatic rotation.", severity: "low", enforcement: "advisory", controls: { checkov: ["CKV2_AWS_57"], fsbp: ["SecretsManager.1"] } },
    [...SECRET, "aws:secretsmanager/secretRotation:SecretRotation"],
    (graph) =>
      ownersWithout(ofTypes(graph, SECRET), ofTypes(graph, ["aws:secretsmanager/secretRotation:SecretRotation"]), (s) => s.inputs.secretId).map(({ owner }) => ({
        resource: owner,
        message: "secret has no SecretRotation",
      })),
  ),
  resourceRule(
    { id: "secret-recovery-window", description: "Deleted secrets are recoverable (recoveryWindowInDays is not 0).", severity: "medium", enforcement: "advisory", controls: {} },
    SECRET,
    (i) => (i.recoveryWindowInDays === 0 ? "recoveryWindowInDays is 0: deletion is immediate and unrecoverable" : undefined),
  ),
];
