/**
 * The platform's object storage: three S3 buckets (models, artifacts, datasets) with the same
 * hardening, an optional log bucket for S3 server access logs and ALB access logs, and grant
 * helpers so no consumer writes a bucket ARN by hand (the statements themselves: ./grants.ts).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { NAME_LIMITS, type SafetySizing, type StorageSizing } from "../../sizing";
import { physicalName, PlatformComponent, type StackContext, applyTransform, type Transform } from "../component";
import type { PolicyStatement } from "../iam";
import { type BucketAccess, bucketGrantStatements } from "./grants";

export { type BucketAccess, bucketGrantStatements } from "./grants";

/** The data buckets. `models` holds the Triton model repository; `artifacts` the users' results; `datasets` inputs. */
export const BUCKET_ROLES = ["models", "artifacts", "datasets"] as const;
export type BucketRole = (typeof BUCKET_ROLES)[number];

/**
 * Regions opened since ap-southeast-3 (December 2021) have no ELB log-delivery account: their ALBs
 * write access logs only as the `logdelivery.elasticloadbalancing.amazonaws.com` service principal.
 * Older regions still deliver as a regional ELB account (aws.elb.getServiceAccount), so the log bucket
 * trusts both where both exist (AWS docs: "Enable access logs for your Application Load Balancer").
 */
export const SERVICE_PRINCIPAL_ONLY_ELB_REGIONS: ReadonlySet<string> = new Set([
  "ap-southeast-3",
  "ap-south-2",
  "ap-southeast-4",
  "ap-southeast-5",
  "ap-southeast-7",
  "ap-east-2",
  "ca-west-1",
  "eu-central-2",
  "eu-south-2",
  "il-central-1",
  "me-central-1",
  "mx-central-1",
]);

/** Key prefixes inside the log bucket, one per log source (each source may write under its own only). */
export const LOG_PREFIXES = {
  /** S3 server access logs: `s3-access/<bucket role>/`. */
  s3Access: "s3-access",
  /** ALB access logs (the gateway sets this as its `accessLogs.prefix`). */
  alb: "alb",
} as const;

/** Key prefix of free-tier content when the caller does not say (the application writes under it). */
export const DEFAULT_FREE_TIER_PREFIX = "free/";

/**
 * Where an artifact lives: content-addressed by its SHA-256 under the owner's prefix. Free-tier
 * users' artifacts live under {@link StorageArgs.freeTierPrefix} so one lifecycle rule expires them
 * (seed: "RunBundles: content-addressed storage (SHA256 keys); retention 30 days free tier").
 * @example `artifactKey("u-42", "9f86d0…", true)` → `"free/users/u-42/sha256/9f86d0…"`
 */
export function artifactKey(userId: string, sha256: string, freeTier: boolean, freeTierPrefix = DEFAULT_FREE_TIER_PREFIX): string {
  if (!/^[0-9a-f]{64}$/.test(sha256)) throw new Error(`artifactKey: "${sha256}" is not a lower-case hex SHA-256 digest`);
  if (!/^[A-Za-z0-9_-]+$/.test(userId)) throw new Error(`artifactKey: userId "${userId}" may only hold letters, digits, _ and -`);
  return `${freeTier ? freeTierPrefix : ""}users/${userId}/sha256/${sha256}`;
}

export interface StorageArgs {
  /**
   * The stack: identity for names and tags, region (the KMS grant is limited to S3 in this region
   * through `kms:ViaService`), account (log delivery is accepted only on its behalf) and the stack's
   * KMS key (SSE-KMS on every data bucket).
   */
  context: StackContext;
  /** Lifecycle periods, from the tier table. */
  sizing: StorageSizing;
  /** `forceDestroyBuckets` (dev only) and `accessLogs` (prod), from the tier table. */
  safety: Pick<SafetySizing, "forceDestroyBuckets" | "accessLogs">;
  /**
   * Browser origins allowed to PUT/POST/GET artifacts through pre-signed URLs. Empty: no CORS rule.
   * @default `[]`
   * @example `["https://app.example.com"]`
   */
  corsAllowedOrigins?: string[];
  /**
   * Key prefix of free-tier content; objects under it expire after `sizing.freeTierRetentionDays`.
   * @default `DEFAULT_FREE_TIER_PREFIX` (`"free/"`)
   */
  freeTierPrefix?: string;
  /**
   * Days the log bucket keeps access logs.
   * @default `context.logRetentionDays` (the stack's log retention)
   */
  accessLogRetentionDays?: number;
  /**
   * Adjust a bucket's arguments without forking this component.
   * @example `{ bucket: (args, role) => (role === "datasets" ? { ...args, objectLockEnabled: true } : args) }`
   * @default - no transform
   */
  transform?: { bucket?: Transform<aws.s3.BucketArgs, [role: BucketRole | "logs"]> };
}

/**
 * Three hardened S3 buckets: versioning, SSE-KMS with the stack key and S3 bucket keys, every public
 * access block, ACLs disabled (`BucketOwnerEnforced`), TLS-only bucket policy, lifecycle (free tier
 * expiry, noncurrent versions, incomplete multipart uploads), CORS on artifacts for browser uploads.
 * With `safety.accessLogs`, a `logs` bucket receives S3 server access logs and the ALB's access logs.
 *
 * ```ts
 * const storage = new Storage("storage", { context, sizing: sizing.storage,
 *   safety: sizing.safety, corsAllowedOrigins });
 * const tritonStatements = storage.grant("read", "models", "triton");
 * ```
 *
 * **Cost**: S3 Standard $0.023/GB-month plus requests ($0.005 per 1 000 PUT, $0.0004 per 1 000 GET);
 * bucket keys cut the KMS request charge ($0.03 per 10 000) by about 99 %. Noncurrent versions are billed
 * until they expire (`sizing.noncurrentVersionDays`). Access logs add one small object per few requests.
 */
export class Storage extends PlatformComponent {
  /** The data buckets by role. */
  public readonly buckets: Record<BucketRole, aws.s3.Bucket>;
  /** Physical bucket names by role (for application config). */
  public readonly bucketNames: Record<BucketRole, pulumi.Output<string>>;
  /** Bucket ARNs by role. */
  public readonly bucketArns: Record<BucketRole, pulumi.Output<string>>;
  /** The access-log bucket (only with `safety.accessLogs`); SSE-S3, see {@link createLogBucket}. */
  public readonly logsBucket?: aws.s3.Bucket;
  /**
   * Name of the access-log bucket: the gateway's ALB writes under {@link LOG_PREFIXES.alb}. It resolves
   * only once the bucket policy exists, because enabling ALB access logs writes a test object and
   * fails with "Access Denied for bucket" until the policy admits the ALB.
   */
  public readonly logsBucketName?: pulumi.Output<string>;
  /** Prefix the gateway sets on its ALB access logs. */
  public readonly albLogPrefix: string = LOG_PREFIXES.alb;

  private readonly kmsKeyArn: pulumi.Input<string>;
  private readonly region: string;

  constructor(name: string, args: StorageArgs, opts?: pulumi.ComponentResourceOptions) {
    super("storage", "Storage", name, opts);
    const corsAllowedOrigins = args.corsAllowedOrigins ?? [];
    const freeTierPrefix = args.freeTierPrefix ?? DEFAULT_FREE_TIER_PREFIX;
    const accessLogRetentionDays = args.accessLogRetentionDays ?? args.context.logRetentionDays;
    const tags = args.context.identity.tags;
    const parent = this;
    this.kmsKeyArn = args.context.kmsKeyArn;
    this.region = args.context.region;

    this.buckets = {} as Record<BucketRole, aws.s3.Bucket>;
    for (const role of BUCKET_ROLES) this.buckets[role] = createDataBucket(role);
    this.bucketNames = mapRoles((role) => this.buckets[role].bucket);
    this.bucketArns = mapRoles((role) => this.buckets[role].arn);
    if (corsAllowedOrigins.length > 0) createArtifactsCors();
    if (args.safety.accessLogs) {
      const logs = createLogBucket();
      this.logsBucket = logs.bucket;
      this.logsBucketName = pulumi.all([logs.bucket.bucket, logs.policy.id]).apply(([bucketName]) => bucketName);
      for (const role of BUCKET_ROLES) createAccessLogging(role, logs.bucket, logs.policy);
    }

    this.registerOutputs({
      bucketNames: this.bucketNames,
      bucketArns: this.bucketArns,
      logsBucketName: this.logsBucketName,
      albLogPrefix: this.albLogPrefix,
    });

    function mapRoles<T>(f: (role: BucketRole) => T): Record<BucketRole, T> {
      return Object.fromEntries(BUCKET_ROLES.map((role) => [role, f(role)])) as Record<BucketRole, T>;
    }

    function newBucket(role: BucketRole | "logs"): aws.s3.Bucket {
      const bucketArgs: aws.s3.BucketArgs = {
        // Bucket names are global: a readable, tier-independent prefix plus the provider's unique
        // suffix (NAME_LIMITS.s3BucketPrefix leaves room for the trailing hyphen).
        bucketPrefix: `${physicalName(args.context.identity, role, NAME_LIMITS.s3BucketPrefix)}-`,
        forceDestroy: args.safety.forceDestroyBuckets,
        tags,
      };
      return new aws.s3.Bucket(
        parent.childName(role),
        applyTransform(args.transform?.bucket, bucketArgs, role),
        { parent },
      );
    }

    /** Protections every bucket shares; `encryption` differs only for the log bucket. */
    function harden(
      role: BucketRole | "logs",
      bucket: aws.s3.Bucket,
    ): { publicAccess: aws.s3.BucketPublicAccessBlock; versioning: aws.s3.BucketVersioning } {
      new aws.s3.BucketOwnershipControls(
        parent.childName(`${role}-ownership`),
        { bucket: bucket.id, rule: { objectOwnership: "BucketOwnerEnforced" } },
        { parent },
      );
      const versioning = new aws.s3.BucketVersioning(
        parent.childName(`${role}-versioning`),
        { bucket: bucket.id, versioningConfiguration: { status: "Enabled" } },
        { parent },
      );
      const publicAccess = new aws.s3.BucketPublicAccessBlock(
        parent.childName(`${role}-public-access`),
        {
          bucket: bucket.id,
          blockPublicAcls: true,
          blockPublicPolicy: true,
          ignorePublicAcls: true,
          restrictPublicBuckets: true,
        },
        { parent },
      );
      return { publicAccess, versioning };
    }

    function createDataBucket(role: BucketRole): aws.s3.Bucket {
      const bucket = newBucket(role);
      const { publicAccess, versioning } = harden(role, bucket);
      new aws.s3.BucketServerSideEncryptionConfiguration(
        parent.childName(`${role}-encryption`),
        {
          bucket: bucket.id,
          rules: [
            {
              applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: args.context.kmsKeyArn },
              bucketKeyEnabled: true,
            },
          ],
        },
        { parent },
      );
      new aws.s3.BucketLifecycleConfiguration(
        parent.childName(`${role}-lifecycle`),
        {
          bucket: bucket.id,
          rules: [
            {
              // Free-tier content is user data wherever it lands (artifacts or uploaded datasets);
              // with versioning the expiry leaves a delete marker and the data itself goes with the
              // noncurrent-version rule below.
              id: "free-tier-retention",
              status: "Enabled",
              filter: { prefix: freeTierPrefix },
              expiration: { days: args.sizing.freeTierRetentionDays },
            },
            {
              id: "noncurrent-versions",
              status: "Enabled",
              filter: {},
              noncurrentVersionExpiration: { noncurrentDays: args.sizing.noncurrentVersionDays },
              expiration: { expiredObjectDeleteMarker: true },
            },
            {
              id: "abort-incomplete-uploads",
              status: "Enabled",
              filter: {},
              abortIncompleteMultipartUpload: { daysAfterInitiation: args.sizing.abortIncompleteUploadDays },
            },
          ],
        },
        // Noncurrent-version rules act on a versioned bucket (the provider's documented ordering).
        { parent, dependsOn: [versioning] },
      );
      createTlsOnlyPolicy(role, bucket, [], publicAccess);
      return bucket;
    }

    /**
     * A bucket policy denying every request not made over TLS, plus optional Allow statements. The
     * public access block must exist first or S3 evaluates the policy against an unprotected bucket.
     */
    function createTlsOnlyPolicy(
      role: BucketRole | "logs",
      bucket: aws.s3.Bucket,
      allow: pulumi.Input<Record<string, unknown>>[],
      publicAccess: aws.s3.BucketPublicAccessBlock,
    ): aws.s3.BucketPolicy {
      return new aws.s3.BucketPolicy(
        parent.childName(`${role}-policy`),
        {
          bucket: bucket.id,
          policy: pulumi.jsonStringify({
            Version: "2012-10-17",
            Statement: [
              {
                Sid: "DenyInsecureTransport",
                Effect: "Deny",
                Principal: "*",
                Action: "s3:*",
                Resource: [bucket.arn, pulumi.interpolate`${bucket.arn}/*`],
                Condition: { Bool: { "aws:SecureTransport": "false" } },
              },
              ...allow,
            ],
          }),
        },
        { parent, dependsOn: [publicAccess] },
      );
    }

    function createArtifactsCors(): aws.s3.BucketCorsConfiguration {
      return new aws.s3.BucketCorsConfiguration(
        parent.childName("artifacts-cors"),
        {
          bucket: parent.buckets.artifacts.id,
          corsRules: [
            {
              // Browsers upload and download artifacts with pre-signed URLs; ETag lets multipart
              // uploads collect part ids.
              allowedMethods: ["PUT", "POST", "GET"],
              allowedOrigins: corsAllowedOrigins,
              allowedHeaders: ["*"],
              exposeHeaders: ["ETag"],
            },
          ],
        },
        { parent },
      );
    }

    /**
     * The access-log bucket. ALB access logs support only SSE-S3 (AES256) on their target bucket, so
     * this bucket cannot use the stack's KMS key; it holds request metadata, not user data. Each log
     * source may write only under its own prefix and only on behalf of this account.
     */
    function createLogBucket(): { bucket: aws.s3.Bucket; policy: aws.s3.BucketPolicy } {
      const bucket = newBucket("logs");
      const { publicAccess, versioning } = harden("logs", bucket);
      new aws.s3.BucketServerSideEncryptionConfiguration(
        parent.childName("logs-encryption"),
        { bucket: bucket.id, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }] },
        { parent },
      );
      new aws.s3.BucketLifecycleConfiguration(
        parent.childName("logs-lifecycle"),
        {
          bucket: bucket.id,
          rules: [
            {
              id: "log-retention",
              status: "Enabled",
              filter: {},
              expiration: { days: accessLogRetentionDays },
              noncurrentVersionExpiration: { noncurrentDays: args.sizing.noncurrentVersionDays },
              abortIncompleteMultipartUpload: { daysAfterInitiation: args.sizing.abortIncompleteUploadDays },
            },
          ],
        },
        { parent, dependsOn: [versioning] },
      );
      const sourceBucketArns = BUCKET_ROLES.map((role) => parent.buckets[role].arn);
      const albLogObjects = pulumi.interpolate`${bucket.arn}/${LOG_PREFIXES.alb}/AWSLogs/${args.context.accountId}/*`;
      const policy = createTlsOnlyPolicy(
        "logs",
        bucket,
        [
          {
            Sid: "S3ServerAccessLogs",
            Effect: "Allow",
            Principal: { Service: "logging.s3.amazonaws.com" },
            Action: "s3:PutObject",
            Resource: pulumi.interpolate`${bucket.arn}/${LOG_PREFIXES.s3Access}/*`,
            Condition: {
              StringEquals: { "aws:SourceAccount": args.context.accountId },
              ArnLike: { "aws:SourceArn": sourceBucketArns },
            },
          },
          {
            Sid: "AlbAccessLogs",
            Effect: "Allow",
            Principal: { Service: "logdelivery.elasticloadbalancing.amazonaws.com" },
            Action: "s3:PutObject",
            Resource: albLogObjects,
          },
          ...(SERVICE_PRINCIPAL_ONLY_ELB_REGIONS.has(args.context.region)
            ? []
            : [
                {
                  Sid: "AlbAccessLogsRegionalElbAccount",
                  Effect: "Allow",
                  Principal: { AWS: aws.elb.getServiceAccountOutput({ region: args.context.region }, { parent }).arn },
                  Action: "s3:PutObject",
                  Resource: albLogObjects,
                },
              ]),
        ],
        publicAccess,
      );
      return { bucket, policy };
    }

    /**
     * Ordered after the log bucket's policy, so logging starts only once the policy admits
     * `logging.s3.amazonaws.com` (server access logging is best effort: a refused delivery is lost).
     */
    function createAccessLogging(role: BucketRole, logs: aws.s3.Bucket, logsPolicy: aws.s3.BucketPolicy): aws.s3.BucketLogging {
      return new aws.s3.BucketLogging(
        parent.childName(`${role}-access-logging`),
        {
          bucket: parent.buckets[role].id,
          targetBucket: logs.id,
          targetPrefix: `${LOG_PREFIXES.s3Access}/${role}/`,
          targetObjectKeyFormat: { partitionedPrefix: { partitionDateSource: "EventTime" } },
        },
        { parent, dependsOn: [logsPolicy] },
      );
    }
  }

  /**
   * Least-privilege statements for one bucket, optionally one key prefix of it: list (limited to
   * the prefix, plus requests that carry no prefix, i.e. HeadBucket), get (and put/delete/abort for `readWrite`) objects, and the KMS permissions SSE-KMS
   * needs, usable only through S3 in this region.
   * @example `storage.grant("read", "models", "triton")` for Triton; `storage.grant("readWrite", "artifacts")` for workers
   */
  public grant(access: BucketAccess, bucket: BucketRole, prefix?: string): pulumi.Output<PolicyStatement[]> {
    return bucketGrantStatements(access, bucket, this.bucketArns[bucket], this.kmsKeyArn, this.region, prefix);
  }
}
