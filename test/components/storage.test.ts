/**
 * Storage for every shipped stack × tier: three hardened buckets (versioning, SSE-KMS with the stack
 * key and bucket keys, public access blocked, ACLs disabled, TLS-only policy, lifecycle from the tier
 * table), CORS on artifacts only when origins are configured, the access-log bucket in prod, and grant
 * helpers that an IAM simulator confirms are prefix-scoped.
 */
import { runSimulation } from "@cloud-copilot/iam-simulate";
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import type { PolicyStatement } from "../../components/iam";
import { artifactKey, BUCKET_ROLES, LOG_PREFIXES, Storage } from "../../components/storage";
import { MOCK_ACCOUNT_ID, mockCall, mockResource } from "../../src/plan/mocks";
import { TIERS } from "../../sizing";
import { json, named, ofType, type RenderedGraph, type RenderedResource, rendered, stackTierMatrix } from "../support/graph";

interface PolicyDoc {
  Statement: { Sid?: string; Effect: string; Principal?: unknown; Action: string | string[]; Resource: string | string[]; Condition?: Record<string, Record<string, unknown>> }[];
}

/** The one side resource of `type` attached to the bucket with this mock id. */
function sideOf(g: RenderedGraph, type: string, bucket: RenderedResource): RenderedResource {
  const found = ofType(g, type).filter((r) => r.inputs.bucket === bucket.id);
  if (found.length !== 1) throw new Error(`expected one ${type} on ${bucket.name}, found ${found.length}`);
  return found[0];
}

function bucketArn(g: RenderedGraph, role: string): string {
  const arn = (g.outputs.bucketArns as Record<string, string> | undefined)?.[role];
  if (!arn) throw new Error(`no ARN output for bucket ${role}`);
  return arn;
}

describe.each(stackTierMatrix())("storage of $stack at $tier", ({ stack, tier }) => {
  it("creates the three data buckets with tier-independent names, forceDestroy only where sizing allows", async () => {
    const g = await rendered(stack, tier);
    for (const role of BUCKET_ROLES) {
      const bucket = named(g, `storage-${role}`);
      expect(bucket.type).toBe("aws:s3/bucket:Bucket");
      expect(bucket.inputs.bucketPrefix).toBe(`inference-platform-${stack}-${role}-`);
      expect(bucket.inputs.forceDestroy).toBe(g.config.sizing.safety.forceDestroyBuckets);
      expect(bucket.inputs.forceDestroy).toBe(g.config.environment === "dev");
    }
  });

  it("hardens every data bucket: versioning, SSE-KMS with the stack key, public access blocked, ACLs off", async () => {
    const g = await rendered(stack, tier);
    const keyArn = g.outputs.kmsKeyArn as string;
    expect(keyArn).toMatch(/^arn:aws:kms:/);
    for (const role of BUCKET_ROLES) {
      const bucket = named(g, `storage-${role}`);
      expect(sideOf(g, "aws:s3/bucketVersioning:BucketVersioning", bucket).inputs.versioningConfiguration).toEqual({ status: "Enabled" });
      expect(sideOf(g, "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", bucket).inputs.rules).toEqual([
        { applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: keyArn }, bucketKeyEnabled: true },
      ]);
      expect(sideOf(g, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", bucket).inputs).toMatchObject({
        blockPublicAcls: true,
        blockPublicPolicy: true,
        ignorePublicAcls: true,
        restrictPublicBuckets: true,
      });
      expect(sideOf(g, "aws:s3/bucketOwnershipControls:BucketOwnershipControls", bucket).inputs.rule).toEqual({
        objectOwnership: "BucketOwnerEnforced",
      });
    }
  });

  it("denies every non-TLS request to each bucket and its objects, and allows no one", async () => {
    const g = await rendered(stack, tier);
    for (const role of BUCKET_ROLES) {
      const policy = json<PolicyDoc>(sideOf(g, "aws:s3/bucketPolicy:BucketPolicy", named(g, `storage-${role}`)).inputs.policy);
      const arn = bucketArn(g, role);
      expect(policy.Statement).toEqual([
        {
          Sid: "DenyInsecureTransport",
          Effect: "Deny",
          Principal: "*",
          Action: "s3:*",
          Resource: [arn, `${arn}/*`],
          Condition: { Bool: { "aws:SecureTransport": "false" } },
        },
      ]);
    }
  });

  it("expires free-tier content, noncurrent versions and incomplete uploads per the tier table", async () => {
    const g = await rendered(stack, tier);
    const s = g.config.sizing.storage;
    for (const role of BUCKET_ROLES) {
      const rules = sideOf(g, "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", named(g, `storage-${role}`)).inputs
        .rules as Record<string, unknown>[];
      expect(rules).toContainEqual({
        id: "free-tier-retention",
        status: "Enabled",
        filter: { prefix: "free/" },
        expiration: { days: s.freeTierRetentionDays },
      });
      expect(rules).toContainEqual(
        expect.objectContaining({ noncurrentVersionExpiration: { noncurrentDays: s.noncurrentVersionDays }, status: "Enabled", filter: {} }),
      );
      expect(rules).toContainEqual(
        expect.objectContaining({ abortIncompleteMultipartUpload: { daysAfterInitiation: s.abortIncompleteUploadDays }, status: "Enabled" }),
      );
    }
    expect(s.freeTierRetentionDays).toBe(30); // seed: free tier keeps results 30 days
  });

  it("allows browser uploads to artifacts only, from the configured origins only", async () => {
    const g = await rendered(stack, tier);
    const cors = ofType(g, "aws:s3/bucketCorsConfiguration:BucketCorsConfiguration");
    if (g.config.corsAllowedOrigins.length === 0) {
      expect(cors).toHaveLength(0);
      return;
    }
    expect(cors).toHaveLength(1);
    expect(cors[0].inputs.bucket).toBe(named(g, "storage-artifacts").id);
    expect(cors[0].inputs.corsRules).toEqual([
      expect.objectContaining({ allowedMethods: ["PUT", "POST", "GET"], allowedOrigins: [...g.config.corsAllowedOrigins] }),
    ]);
  });

  it("sends S3 and ALB access logs to an SSE-S3 log bucket in prod, with each writer confined to its prefix", async () => {
    const g = await rendered(stack, tier);
    const logging = ofType(g, "aws:s3/bucketLogging:BucketLogging");
    if (!g.config.sizing.safety.accessLogs) {
      expect(g.config.environment).toBe("dev");
      expect(logging).toHaveLength(0);
      expect(g.resources.some((r) => r.name === "storage-logs")).toBe(false);
      expect(g.outputs.logsBucket).toBeUndefined();
      return;
    }
    const logs = named(g, "storage-logs");
    expect(g.outputs.logsBucket).toMatch(/^inference-platform-prod-logs-/);
    // ALB access logs accept only SSE-S3 on the target bucket.
    expect(sideOf(g, "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", logs).inputs.rules).toEqual([
      { applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } },
    ]);
    expect(sideOf(g, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", logs).inputs.restrictPublicBuckets).toBe(true);
    expect(sideOf(g, "aws:s3/bucketOwnershipControls:BucketOwnershipControls", logs).inputs.rule).toEqual({ objectOwnership: "BucketOwnerEnforced" });
    expect(logging.map((l) => [l.inputs.bucket, l.inputs.targetBucket, l.inputs.targetPrefix]).sort()).toEqual(
      BUCKET_ROLES.map((role) => [named(g, `storage-${role}`).id, logs.id, `${LOG_PREFIXES.s3Access}/${role}/`]).sort(),
    );

    const policy = json<PolicyDoc>(sideOf(g, "aws:s3/bucketPolicy:BucketPolicy", logs).inputs.policy);
    const logsArn = `arn:aws:s3:::${String(g.outputs.logsBucket)}`;
    const allows = policy.Statement.filter((s) => s.Effect === "Allow");
    for (const s of allows) expect(s.Action).toBe("s3:PutObject");
    const s3Logs = allows.find((s) => JSON.stringify(s.Principal) === JSON.stringify({ Service: "logging.s3.amazonaws.com" }));
    expect(s3Logs?.Resource).toBe(`${logsArn}/${LOG_PREFIXES.s3Access}/*`);
    expect(s3Logs?.Condition).toEqual({
      StringEquals: { "aws:SourceAccount": MOCK_ACCOUNT_ID },
      ArnLike: { "aws:SourceArn": BUCKET_ROLES.map((role) => bucketArn(g, role)) },
    });
    const alb = allows.find((s) => JSON.stringify(s.Principal) === JSON.stringify({ Service: "logdelivery.elasticloadbalancing.amazonaws.com" }));
    expect(alb?.Resource).toBe(`${logsArn}/${LOG_PREFIXES.alb}/AWSLogs/${MOCK_ACCOUNT_ID}/*`);
    // us-east-1 predates the service principal: its regional ELB account is trusted on the same prefix only.
    const legacy = allows.find((s) => s.Sid === "AlbAccessLogsRegionalElbAccount");
    expect(legacy?.Resource).toBe(alb?.Resource);
    expect(allows).toHaveLength(3);
  });

  it("exports bucket names and ARNs", async () => {
    const g = await rendered(stack, tier);
    for (const role of BUCKET_ROLES) {
      expect(g.outputs[`${role}Bucket`]).toMatch(new RegExp(`^inference-platform-${stack}-${role}-`));
      expect(bucketArn(g, role)).toBe(`arn:aws:s3:::${String(g.outputs[`${role}Bucket`])}`);
    }
  });
});

describe("CORS follows config", () => {
  it("adds the artifacts CORS rule when a dev stack configures origins", async () => {
    const g = await rendered("dev", "1k", { corsAllowedOrigins: JSON.stringify(["https://dev.example.com"]) });
    const cors = ofType(g, "aws:s3/bucketCorsConfiguration:BucketCorsConfiguration");
    expect(cors).toHaveLength(1);
    expect((cors[0].inputs.corsRules as { allowedOrigins: string[] }[])[0].allowedOrigins).toEqual(["https://dev.example.com"]);
  });
});

describe("artifactKey", () => {
  const hash = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
  it("content-addresses under the user's prefix, free tier under the expiring prefix", () => {
    expect(artifactKey("u-42", hash, false)).toBe(`users/u-42/sha256/${hash}`);
    expect(artifactKey("u-42", hash, true)).toBe(`free/users/u-42/sha256/${hash}`);
  });
  it("refuses keys that would escape the layout", () => {
    expect(() => artifactKey("../u", hash, false)).toThrowError(/userId/);
    expect(() => artifactKey("u", "not-a-digest", false)).toThrowError(/SHA-256/);
  });
});

// ------------------------------------------------------------------------------------------------
// Grant helpers, evaluated by an IAM policy simulator against the rendered bucket policy.
// ------------------------------------------------------------------------------------------------

function resolve<T>(o: pulumi.Output<T>): Promise<T> {
  return new Promise((r) => o.apply(r));
}

describe("grant helpers", () => {
  let storage: Storage;
  let bucketPolicies: Record<string, PolicyDoc>;

  beforeAll(async () => {
    const prod = await rendered("prod", "10k");
    bucketPolicies = Object.fromEntries(
      BUCKET_ROLES.map((role) => [role, json<PolicyDoc>(sideOf(prod, "aws:s3/bucketPolicy:BucketPolicy", named(prod, `storage-${role}`)).inputs.policy)]),
    );
    await pulumi.runtime.setMocks({ newResource: mockResource, call: mockCall }, "inference-platform", "prod", false);
    storage = new Storage("storage", {
      context: {
        identity: { project: "inference-platform", stack: "prod", tags: {} },
        region: "us-east-1",
        accountId: MOCK_ACCOUNT_ID,
        kmsKeyArn: `arn:aws:kms:us-east-1:${MOCK_ACCOUNT_ID}:key/0000`,
        logRetentionDays: TIERS["10k"].observability.logRetentionDays,
      },
      sizing: TIERS["10k"].storage,
      safety: TIERS["10k"].safety,
    });
  });

  it("hands the gateway the log bucket's name only once its policy admits the ALB (enabling ALB logs checks it)", async () => {
    const deps = await (storage.logsBucketName as unknown as { allResources(): Promise<Set<pulumi.Resource>> }).allResources();
    const urns = await Promise.all([...deps].map((r) => new Promise<string>((resolve) => r.urn.apply(resolve))));
    expect(urns.some((u) => u.endsWith("aws:s3/bucketPolicy:BucketPolicy::storage-logs-policy"))).toBe(true);
  });

  async function decide(
    statements: PolicyStatement[],
    role: string,
    action: string,
    resource: string,
    context: Record<string, string | string[]> = {},
  ): Promise<string> {
    const result = await runSimulation(
      {
        identityPolicies: [{ name: "grant", policy: { Version: "2012-10-17", Statement: statements.map((s) => ({ Effect: "Allow", ...s })) } }],
        serviceControlPolicies: [],
        resourceControlPolicies: [],
        resourcePolicy: bucketPolicies[role] as never,
        request: {
          action,
          principal: `arn:aws:iam::${MOCK_ACCOUNT_ID}:role/consumer`,
          resource: { accountId: MOCK_ACCOUNT_ID, resource },
          contextVariables: { "aws:SecureTransport": "true", ...context },
        },
      } as never,
      {},
    );
    if (result.resultType === "error") throw new Error(JSON.stringify(result.errors));
    return result.overallResult;
  }

  it("gives Triton read access to the model repository prefix only", async () => {
    const statements = await resolve(storage.grant("read", "models", "triton/"));
    const arn = await resolve(storage.bucketArns.models);
    // Same identity and logical names as the rendered prod stack, so the same (mock) bucket: the
    // simulation pairs this grant with that stack's real bucket policy.
    expect(arn).toBe(((await rendered("prod", "10k")).outputs.bucketArns as Record<string, string>).models);

    expect(await decide(statements, "models", "s3:GetObject", `${arn}/triton/bert/1/model.onnx`)).toBe("Allowed");
    expect(await decide(statements, "models", "s3:GetObject", `${arn}/private/secret.bin`)).toBe("ImplicitlyDenied");
    expect(await decide(statements, "models", "s3:PutObject", `${arn}/triton/bert/1/model.onnx`)).toBe("ImplicitlyDenied");
    expect(await decide(statements, "models", "s3:ListBucket", arn, { "s3:prefix": "triton/bert/" })).toBe("Allowed");
    expect(await decide(statements, "models", "s3:ListBucket", arn, { "s3:prefix": "other/" })).toBe("ImplicitlyDenied");
    // Triton's S3FileSystem::CheckClient and IsDirectory call HeadBucket first, authorised as
    // s3:ListBucket with no s3:prefix in the request (triton-inference-server/core,
    // src/filesystem/implementations/s3.h; https://docs.aws.amazon.com/AmazonS3/latest/API/API_HeadBucket.html).
    expect(await decide(statements, "models", "s3:ListBucket", arn)).toBe("Allowed");
    // The bucket policy refuses plain HTTP even to a granted principal.
    expect(await decide(statements, "models", "s3:GetObject", `${arn}/triton/bert/1/model.onnx`, { "aws:SecureTransport": "false" })).toBe(
      "ExplicitlyDenied",
    );
  });

  it("gives workers read/write on artifacts, with the key usable only through S3", async () => {
    const statements = await resolve(storage.grant("readWrite", "artifacts"));
    const arn = await resolve(storage.bucketArns.artifacts);
    for (const action of ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload"]) {
      expect(statements.some((s) => ([] as string[]).concat(s.Action).includes(action) && s.Resource === `${arn}/*`)).toBe(true);
    }
    const key = statements.find((s) => ([] as string[]).concat(s.Action).includes("kms:Decrypt"));
    expect(key?.Action).toEqual(["kms:Decrypt", "kms:GenerateDataKey"]);
    expect(key?.Resource).toBe(`arn:aws:kms:us-east-1:${MOCK_ACCOUNT_ID}:key/0000`);
    expect(key?.Condition).toEqual({ StringEquals: { "kms:ViaService": "s3.us-east-1.amazonaws.com" } });
    expect(statements.find((s) => s.Action === "s3:ListBucket")?.Condition).toBeUndefined();
    // No wildcard actions, no wildcard resources.
    for (const s of statements) {
      expect(([] as string[]).concat(s.Action).every((a) => !a.includes("*"))).toBe(true);
      expect(s.Resource).not.toBe("*");
    }
  });

  it("limits read grants to Decrypt and refuses an empty prefix", async () => {
    const statements = await resolve(storage.grant("read", "datasets"));
    expect(statements.find((s) => String(s.Sid).endsWith("Key"))?.Action).toEqual(["kms:Decrypt"]);
    expect(() => storage.grant("read", "models", "/")).toThrowError(/prefix "\/" is empty/);
  });
});
