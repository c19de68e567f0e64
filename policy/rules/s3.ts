/**
 * S3: every bucket is private, KMS-encrypted, versioned, TLS-only and ACL-free (seed: storage
 * requirements). In aws v7 the bucket settings are side resources, so most rules join them to buckets.
 */
import { publicGrant } from "../iam-semantics";
import {
  arr,
  get,
  graphRule,
  obj,
  ofTypes,
  ownersWithout,
  type PolicyResource,
  refersTo,
  resourceRule,
  type Rule,
  statementsOf,
  str,
} from "../types";

export const S3_BUCKET_TYPES = ["aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"];
const VERSIONING = ["aws:s3/bucketVersioning:BucketVersioning", "aws:s3/bucketVersioningV2:BucketVersioningV2"];
const SSE = [
  "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
  "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2",
];
const PUBLIC_ACCESS_BLOCK = ["aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"];
const BUCKET_POLICY = ["aws:s3/bucketPolicy:BucketPolicy"];
const OWNERSHIP = ["aws:s3/bucketOwnershipControls:BucketOwnershipControls"];
const LIFECYCLE = [
  "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
  "aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2",
];
const LOGGING = ["aws:s3/bucketLogging:BucketLogging", "aws:s3/bucketLoggingV2:BucketLoggingV2"];

/** Buckets other resources write logs into (they do not log to themselves). */
function logTargets(graph: { resources: PolicyResource[] }): PolicyResource[] {
  const refs = [...ofTypes(graph, LOGGING).map((l) => l.inputs.targetBucket), ...albLogRefs(graph)];
  return ofTypes(graph, S3_BUCKET_TYPES).filter((b) => refs.some((ref) => refersTo(ref, b)));
}

function albLogRefs(graph: { resources: PolicyResource[] }): unknown[] {
  return ofTypes(graph, ["aws:lb/loadBalancer:LoadBalancer", "aws:alb/loadBalancer:LoadBalancer"]).map((lb) => get(lb.inputs, "accessLogs.bucket"));
}

/** ALB access-log delivery supports only SSE-S3 (AES256): the one bucket allowed not to use KMS. */
function sseOk(side: PolicyResource, graph: { resources: PolicyResource[] }): boolean {
  return arr(side.inputs.rules).some((r) => {
    const algo = get(r, "applyServerSideEncryptionByDefault.sseAlgorithm");
    if (algo === "aws:kms") return !!get(r, "applyServerSideEncryptionByDefault.kmsMasterKeyId");
    return algo === "AES256" && albLogRefs(graph).some((ref) => ofTypes(graph, S3_BUCKET_TYPES).some((b) => refersTo(ref, b) && refersTo(side.inputs.bucket, b)));
  });
}

/** "Every bucket has side resource X, and X is right": one graph rule per setting. */
function perBucket(
  sideTypes: string[],
  accept: (side: PolicyResource) => boolean,
  missing: string,
  wrong: string,
  exempt: (graph: { resources: PolicyResource[] }) => PolicyResource[] = () => [],
) {
  return (graph: { resources: PolicyResource[] }) => {
    const skip = new Set(exempt(graph).map((b) => b.urn));
    const buckets = ofTypes(graph, S3_BUCKET_TYPES).filter((b) => !skip.has(b.urn));
    return ownersWithout(buckets, ofTypes(graph, sideTypes), (s) => s.inputs.bucket, accept).map(({ owner, side }) => ({
      resource: side ?? owner,
      message: side ? wrong : missing,
    }));
  };
}

function denies(statement: { Effect: string; Condition?: Record<string, Record<string, unknown>> }): boolean {
  if (statement.Effect !== "Deny") return false;
  const bool = obj(statement.Condition?.Bool) ?? obj(statement.Condition?.BoolIfExists);
  return String(bool?.["aws:SecureTransport"]) === "false";
}

export const s3Rules: Rule[] = [
  graphRule(
    {
      id: "s3-bucket-versioning",
      description: "Every S3 bucket has versioning enabled (DR: recover overwritten or deleted objects).",
      severity: "high",
      enforcement: "mandatory",
      controls: { checkov: ["CKV_AWS_21"], fsbp: ["S3.14"] },
    },
    [...S3_BUCKET_TYPES, ...VERSIONING],
    perBucket(
      VERSIONING,
      (v) => get(v.inputs, "versioningConfiguration.status") === "Enabled",
      "bucket has no BucketVersioning resource",
      "versioningConfiguration.status must be Enabled",
    ),
  ),
  graphRule(
    {
      id: "s3-bucket-sse-kms",
      description: "Every S3 bucket encrypts by default with SSE-KMS under a customer-managed key (the ALB access-log bucket: SSE-S3, the only encryption ALB log delivery supports).",
      severity: "high",
      enforcement: "mandatory",
      controls: { checkov: ["CKV_AWS_19", "CKV_AWS_145"], fsbp: ["S3.17"] },
    },
    [...S3_BUCKET_TYPES, ...SSE],
    (graph) =>
      perBucket(
        SSE,
        (s) => sseOk(s, graph),
        "bucket has no server-side encryption configuration",
        "default encryption must be aws:kms with kmsMasterKeyId set (AES256 only for the ALB access-log bucket)",
      )(graph),
  ),
  graphRule(
    {
      id: "s3-bucket-public-access-block",
      description: "Every S3 bucket has a public access block with all four settings on.",
      severity: "critical",
      enforcement: "mandatory",
      controls: { checkov: ["CKV_AWS_53", "CKV_AWS_54", "CKV_AWS_55", "CKV_AWS_56", "CKV2_AWS_6"], fsbp: ["S3.8"] },
    },
    [...S3_BUCKET_TYPES, ...PUBLIC_ACCESS_BLOCK],
    perBucket(
      PUBLIC_ACCESS_BLOCK,
      (p) => ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"].every((k) => p.inputs[k] === true),
      "bucket has no BucketPublicAccessBlock",
      "blockPublicAcls, blockPublicPolicy, ignorePublicAcls and restrictPublicBuckets must all be true",
    ),
  ),
  graphRule(
    {
      id: "s3-bucket-tls-only",
      description: "Every S3 bucket policy denies requests without TLS (aws:SecureTransport = false).",
      severity: "high",
      enforcement: "mandatory",
      controls: { checkov: ["CKV_AWS_379"], fsbp: ["S3.5"] },
    },
    [...S3_BUCKET_TYPES, ...BUCKET_POLICY],
    perBucket(
      BUCKET_POLICY,
      (p) => statementsOf(p.inputs.policy).some(denies),
      "bucket has no bucket policy denying non-TLS requests",
      "bucket policy must Deny requests when aws:SecureTransport is false",
    ),
  ),
  graphRule(
    {
      id: "s3-bucket-owner-enforced",
      description: "ACLs are disabled on every bucket (object ownership BucketOwnerEnforced).",
      severity: "medium",
      enforcement: "mandatory",
      controls: { checkov: ["CKV2_AWS_65"], fsbp: ["S3.12"] },
    },
    [...S3_BUCKET_TYPES, ...OWNERSHIP],
    perBucket(
      OWNERSHIP,
      (o) => get(o.inputs, "rule.objectOwnership") === "BucketOwnerEnforced",
      "bucket has no BucketOwnershipControls",
      "rule.objectOwnership must be BucketOwnerEnforced",
    ),
  ),
  graphRule(
    {
      id: "s3-bucket-lifecycle",
      description: "Every bucket has a lifecycle configuration that aborts incomplete multipart uploads.",
      severity: "low",
      enforcement: "advisory",
      controls: { checkov: ["CKV2_AWS_61", "CKV_AWS_300"], fsbp: ["S3.13"] },
    },
    [...S3_BUCKET_TYPES, ...LIFECYCLE],
    perBucket(
      LIFECYCLE,
      (l) => arr(l.inputs.rules).some((r) => get(r, "abortIncompleteMultipartUpload.daysAfterInitiation") !== undefined),
      "bucket has no lifecycle configuration",
      "no lifecycle rule aborts incomplete multipart uploads",
    ),
  ),
  graphRule(
    {
      id: "s3-bucket-access-logging",
      description: "Every bucket (except the log bucket itself) writes server access logs.",
      severity: "low",
      enforcement: "mandatory",
      controls: { checkov: ["CKV_AWS_18"], fsbp: ["S3.9"] },
    },
    [...S3_BUCKET_TYPES, ...LOGGING],
    perBucket(LOGGING, (l) => !!l.inputs.targetBucket, "bucket has no BucketLogging", "targetBucket must be set", logTargets),
  ),
  resourceRule(
    {
      id: "s3-policy-no-public-principal",
      description: "No bucket policy allows a public principal (`*`, `{AWS: \"*\"}`, `{AWS: [\"*\"]}`, NotPrincipal) without a scoping condition (public read or write).",
      severity: "critical",
      enforcement: "mandatory",
      controls: { checkov: ["CKV_AWS_70"] },
    },
    BUCKET_POLICY,
    (i) => {
      const open = statementsOf(i.policy).find((s) => publicGrant(s));
      return open ? `statement ${open.Sid ?? "(no Sid)"} allows ${publicGrant(open)} without a scoping condition` : undefined;
    },
  ),
  resourceRule(
    {
      id: "s3-bucket-no-force-destroy",
      description: "Buckets are not force-destroyable: `pulumi destroy` must not empty them (dev only).",
      severity: "high",
      enforcement: "mandatory",
      controls: {},
    },
    S3_BUCKET_TYPES,
    (i) => (i.forceDestroy === true ? "forceDestroy is true: a destroy deletes every object" : undefined),
  ),
  resourceRule(
    {
      id: "s3-bucket-no-acl",
      description: "Buckets grant nothing through canned ACLs (public-read, public-read-write, authenticated-read).",
      severity: "critical",
      enforcement: "mandatory",
      controls: { checkov: ["CKV_AWS_20", "CKV_AWS_57"], fsbp: ["S3.2", "S3.3"] },
    },
    ["aws:s3/bucketAcl:BucketAcl", "aws:s3/bucketAclV2:BucketAclV2", ...S3_BUCKET_TYPES],
    (i) => {
      const acl = str(i.acl);
      return acl && acl !== "private" ? `canned ACL ${acl} grants access beyond the owner` : undefined;
    },
  ),
];
