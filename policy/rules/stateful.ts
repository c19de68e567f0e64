/**
 * Stateful types the platform does not create today but an edit or a Transform can add: EBS volumes,
 * EFS file systems and Aurora clusters. The same promises as for RDS instances and node disks hold:
 * encrypted at rest, not deletable by accident, backed up.
 */
import { resourceRule, type Rule } from "../types";

const EBS = ["aws:ebs/volume:Volume"];
const EFS = ["aws:efs/fileSystem:FileSystem"];
const AURORA = ["aws:rds/cluster:Cluster"];

export const statefulRules: Rule[] = [
  resourceRule(
    { id: "ebs-volume-encrypted", description: "EBS volumes are encrypted at rest.", severity: "high", enforcement: "mandatory", controls: { checkov: ["CKV_AWS_3"], fsbp: ["EC2.3"] } },
    EBS,
    (i) => (i.encrypted === true ? undefined : "encrypted is not true"),
  ),
  resourceRule(
    { id: "efs-encrypted", description: "EFS file systems are encrypted at rest with a customer-managed key.", severity: "high", enforcement: "mandatory", controls: { checkov: ["CKV_AWS_42", "CKV_AWS_184"], fsbp: ["EFS.1"] } },
    EFS,
    (i) => (i.encrypted !== true ? "encrypted is not true" : i.kmsKeyId ? undefined : "kmsKeyId is not set (AWS-managed key)"),
  ),
  resourceRule(
    { id: "rds-cluster-encrypted", description: "Aurora clusters encrypt storage.", severity: "high", enforcement: "mandatory", controls: { checkov: ["CKV_AWS_96"], fsbp: ["RDS.27"] } },
    AURORA,
    (i) => (i.storageEncrypted === true ? undefined : "storageEncrypted is not true"),
  ),
  resourceRule(
    { id: "rds-cluster-deletion-protection", description: "Aurora clusters have deletion protection and leave a final snapshot.", severity: "high", enforcement: "mandatory", controls: { checkov: ["CKV_AWS_139"], fsbp: ["RDS.7"] } },
    AURORA,
    (i) => (i.deletionProtection !== true ? "deletionProtection is not true" : i.skipFinalSnapshot === true ? "skipFinalSnapshot is true" : undefined),
  ),
  resourceRule(
    { id: "rds-cluster-backups", description: "Aurora clusters keep automated backups for at least 7 days.", severity: "medium", enforcement: "mandatory", controls: { checkov: ["CKV_AWS_133"], fsbp: ["RDS.11"] } },
    AURORA,
    (i) => (Number(i.backupRetentionPeriod ?? 1) >= 7 ? undefined : `backupRetentionPeriod is ${String(i.backupRetentionPeriod ?? "unset (1 day)")}`),
  ),
];
