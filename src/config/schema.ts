/**
 * The schemas of the stack file: every top-level key the project accepts (`topLevelSchema`), the
 * sizing schema of `overrides` (sizing/schema.ts) with the checks that live outside sizing/ (the VPC
 * CIDR, judged by policy/cidr.ts), and the decoding of raw CLI values.
 */
import { z } from "zod";
import { AWS_MAX_TAGS_PER_RESOURCE, DEFAULTS, ENVIRONMENT_NAMES, GPU_TYPES, sizingSchema, SUPPORTED_KUBERNETES_VERSIONS, TIER_NAMES, WEAKENING_NAMES } from "../../sizing";
import { cidrProblem } from "../../policy/cidr";
import { imagePinProblem } from "../../policy/references";

/** A CIDR judged by policy/cidr.ts, the parser the policy pack uses too (host bits, family, prefix bounds). */
const cidr = (opts: Parameters<typeof cidrProblem>[1]) =>
  z.string().superRefine((v, ctx) => {
    const problem = cidrProblem(v, opts);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  });
/**
 * A VPC's IPv4 block: AWS allows /16 to /28 ("The smallest VPC you can create uses a /28 netmask, and
 * the largest uses a /16 netmask", EC2 API CreateVpc,
 * https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateVpc.html); the subnet layout then
 * needs room for its per-AZ slices (checked in crossFieldProblems).
 */
const vpcCidr = cidr({ family: 4, prefixRange: [16, 28], why: "AWS VPC blocks are /16 to /28" });
/**
 * Blocks allowed to reach the public Kubernetes API. IPv4 only: "You can't add IPv6 CIDR blocks to
 * IPv4 clusters" (EKS VpcConfigRequest.publicAccessCidrs). Never empty: with no block EKS applies its
 * default, 0.0.0.0/0 ("The default value is 0.0.0.0/0",
 * https://docs.aws.amazon.com/eks/latest/APIReference/API_VpcConfigRequest.html).
 */
const eksCidrs = z
  .array(cidr({ family: 4, why: "the cluster is IPv4; EKS accepts IPv6 blocks only on IPv6 clusters" }))
  .min(1, "at least one block: an empty list makes EKS apply its default, 0.0.0.0/0 (open to the internet)");

/**
 * The sizing schema (sizing/schema.ts) with the VPC CIDR judged by policy/cidr.ts, the parser the policy
 * pack uses too: sizing/ imports nothing of ours, so the check is added here. `extend` keeps the key
 * order and strictness, so problems are reported as before.
 */
export const validatedSizingSchema = sizingSchema.extend({
  network: sizingSchema.shape.network.extend({ vpcCidr: vpcCidr.describe(sizingSchema.shape.network.shape.vpcCidr.description ?? "") }),
});

/** A container image pinned to a tag (not `latest` in any case) or a digest, by the OCI grammar (policy/references.ts). */
function pinnedImage() {
  return z.string().superRefine((v, ctx) => {
    const problem = imagePinProblem(v);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  });
}

/** An IAM role ARN with no wildcard (names: letters, digits and + = , . @ _ -; paths of the same between slashes). */
const roleArn = z
  .string()
  .regex(/^arn:aws(-[a-z]+)*:iam::\d{12}:role\/([\w+=,.@-]+\/)*[\w+=,.@-]{1,64}$/, "an IAM role ARN without wildcards, such as arn:aws:iam::123456789012:role/platform-admin");

/**
 * Every key the project accepts, with its type. Keys not listed here are refused so a typo
 * (`teir: 10k`) fails loudly instead of silently deploying the default.
 */
export const topLevelSchema = z.strictObject({
  tier: z.enum(TIER_NAMES, { error: `one of ${TIER_NAMES.join(", ")}` }),
  environment: z.enum(ENVIRONMENT_NAMES, { error: `one of ${ENVIRONMENT_NAMES.join(", ")}` }).optional(),
  gpuType: z.enum(GPU_TYPES, { error: `one of ${GPU_TYPES.join(", ")} (l4 → g6 family, a10g → g5 family)` }).optional(),
  kubernetesVersion: z
    .enum(SUPPORTED_KUBERNETES_VERSIONS, {
      error: `an EKS version in standard support: ${SUPPORTED_KUBERNETES_VERSIONS.join(", ")}`,
    })
    .optional(),
  domain: z
    .string()
    .regex(/^(?=.{4,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, "a lower-case DNS name such as api.example.com")
    .optional(),
  hostedZoneId: z.string().regex(/^Z[A-Z0-9]{1,31}$/, "a Route 53 hosted zone id such as Z0123456789ABC").optional(),
  certificateArn: z
    .string()
    .regex(/^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[0-9a-f-]{36}$/, "an ACM certificate ARN")
    .optional(),
  alertEmail: z.email({ error: "an e-mail address" }).optional(),
  gatewayImage: pinnedImage().optional(),
  workerImage: pinnedImage().optional(),
  imageTag: z
    .string()
    .regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/, "a Docker tag")
    .refine((t) => t.toLowerCase() !== "latest", "a pinned tag, not latest")
    .optional(),
  awaitImages: z.enum(["true", "false"], { error: "true or false" }).optional(),
  tritonImage: pinnedImage().optional(),
  eksAdminRoleArn: roleArn.optional(),
  eksPublicAccessCidrs: eksCidrs.optional(),
  // Roles with cluster access (CI deploy: admin, CI preview: view, people). A role ARN only: no
  // wildcard (access entries take one principal; IAM matches ARNs literally there), no duplicates.
  eksClusterAccess: z
    .array(
      z.object(
        {
          principalArn: roleArn,
          access: z.enum(["admin", "view"], { error: "admin or view" }),
        },
        { error: "{ principalArn: <role ARN>, access: admin | view }" },
      ),
    )
    .refine((l) => new Set(l.map((a) => a.principalArn)).size === l.length, "each role once")
    .optional(),
  corsAllowedOrigins: z.array(z.string().regex(/^https?:\/\/[^\s/]+$/, "an origin such as https://app.example.com")).optional(),
  modelRepositoryPrefix: z
    .string()
    .regex(/^[a-z0-9][a-z0-9/_-]*[a-z0-9]$/, "an S3 key prefix without leading or trailing slash")
    .optional(),
  overrides: z.record(z.string(), z.unknown()).optional(),
  acknowledge: z.array(z.enum(WEAKENING_NAMES, { error: `one of ${WEAKENING_NAMES.join(", ")}` })).optional(),
  // AWS tag rules: key 1-128 and value 0-256 characters of letters, numbers, spaces and _ . : / = + - @
  // (https://docs.aws.amazon.com/tag-editor/latest/userguide/tagging.html#tag-conventions).
  tags: z
    .record(
      z.string(), // keys are checked by name below (zod reports a bad record key without naming it)
      z.string().regex(/^[\p{L}\p{N}\p{Zs}_.:/=+\-@]{0,256}$/u, "a tag value of at most 256 letters, numbers, spaces and _ . : / = + - @"),
    )
    .optional(),
});

/** Tags src/platform.ts `stackTags` adds to every resource (project, stack, environment, tier, managed-by). */
export const STACK_TAG_COUNT = 5;
/** Most tags a component sets on one resource itself (subnet role tags, Name, ...); measured by a test. */
export const PROGRAM_RESOURCE_TAGS_MAX = 4;
/** User tags a stack may set before any acknowledgement tag: AWS's per-resource limit minus the program's own. */
export const MAX_USER_TAGS = AWS_MAX_TAGS_PER_RESOURCE - STACK_TAG_COUNT - PROGRAM_RESOURCE_TAGS_MAX;

/**
 * What an unset top-level key becomes: the one declaration src/config/index.ts applies and the
 * generated configuration reference (TOP_LEVEL_DOCS below) prints.
 */
export const TOP_LEVEL_DEFAULTS = {
  gpuType: DEFAULTS.gpuType,
  kubernetesVersion: DEFAULTS.kubernetesVersion,
  imageTag: DEFAULTS.imageTag,
  tritonImage: `${DEFAULTS.tritonRepository}:${DEFAULTS.tritonTag}`,
  modelRepositoryPrefix: DEFAULTS.modelRepositoryPrefix,
  /** Dev only: prod has no default (the CIDRs are required). */
  devEksPublicAccessCidrs: ["0.0.0.0/0"],
  corsAllowedOrigins: [],
  acknowledge: [],
  overrides: {},
  tags: {},
} as const satisfies Record<string, unknown>;

const showDefault = (v: unknown) => (typeof v === "string" ? v : JSON.stringify(v));

/**
 * What each top-level key means and what it defaults to, for the generated configuration reference
 * (src/plan/config-reference.ts). Typed over the schema's keys, so a key without documentation does not
 * compile.
 */
export const TOP_LEVEL_DOCS: { [K in keyof typeof topLevelSchema.shape]: { description: string; default?: string } } = {
  tier: { description: "Sizing tier: the daily active users the stack is sized for (sizing/table.ts)." },
  environment: {
    description:
      "Durability profile. Dev gives up durability for price (sizing/environments.ts). A stack named like prod in any case (a word of the name starting with `prod`: `Prod-eu`, `Production`, `eu-prod`) gets prod, and `dev` on such a stack needs the prod-as-dev acknowledgement.",
    default: "from the stack name (`prod*` → prod, else dev)",
  },
  gpuType: { description: "GPU Triton runs on: l4 (g6 family) or a10g (g5 family).", default: TOP_LEVEL_DEFAULTS.gpuType },
  kubernetesVersion: { description: "EKS version, one in standard support.", default: TOP_LEVEL_DEFAULTS.kubernetesVersion },
  domain: { description: "Public hostname of the API; with `hostedZoneId` the stack requests and DNS-validates a certificate." },
  hostedZoneId: { description: "Route 53 hosted zone of `domain` (only with `domain`)." },
  certificateArn: { description: "An existing ACM certificate for the ALB, in the stack's region (takes precedence over `domain`). Prod needs this or `domain`." },
  alertEmail: { description: "E-mail address subscribed to the alarm topic." },
  gatewayImage: {
    description:
      "Full, pinned image reference of the gateway (OCI reference with a tag or digest: `registry:5000/team/app:1.2@sha256:…` is valid; `*`, `?`, `;`, quotes and `latest` in any case are not).",
    default: "the stack's own ECR repository at `imageTag`",
  },
  workerImage: { description: "Full, pinned image reference of the Celery workers (same rules as `gatewayImage`).", default: "the stack's own ECR repository at `imageTag`" },
  imageTag: { description: "Tag pushed to the stack's ECR repositories when `gatewayImage`/`workerImage` are unset (not latest).", default: TOP_LEVEL_DEFAULTS.imageTag },
  awaitImages: { description: "`true` on the first deploy: services that run the stack's own images start no task until the images are pushed and the key removed.", default: "false" },
  tritonImage: { description: "Pinned Triton Inference Server image (tag or digest; never `latest`).", default: TOP_LEVEL_DEFAULTS.tritonImage },
  eksAdminRoleArn: {
    description: "IAM role given cluster admin through its own access entry: no wildcard, in the stack's partition, not the role that creates the cluster (EKS already made that one admin).",
  },
  eksPublicAccessCidrs: {
    description:
      "IPv4 CIDRs (office, VPN, CI runners) allowed to reach the public Kubernetes API endpoint: never empty (EKS would then apply 0.0.0.0/0), no host bits; in prod, blocks that together cover a large part of the internet need the prod-public-eks-endpoint acknowledgement.",
    default: `dev: ${TOP_LEVEL_DEFAULTS.devEksPublicAccessCidrs.join(", ")}; prod: required`,
  },
  eksClusterAccess: {
    description:
      "Roles with an EKS access entry: `[{ principalArn, access: admin | view }]` (CI deploy role admin, CI preview role view, people), each role once, no wildcard, never the role that creates the cluster (docs/ci-cd.md, Cluster access).",
  },
  corsAllowedOrigins: { description: "Origins allowed to call the API and upload to the buckets from a browser (https; a wildcard or http origin in prod needs an acknowledgement).", default: showDefault(TOP_LEVEL_DEFAULTS.corsAllowedOrigins) },
  modelRepositoryPrefix: { description: "Key prefix of the Triton model repository in the models bucket.", default: TOP_LEVEL_DEFAULTS.modelRepositoryPrefix },
  overrides: { description: "Any sizing field, merged over the tier table and the environment's adjustments (see the sizing rows below).", default: showDefault(TOP_LEVEL_DEFAULTS.overrides) },
  acknowledge: { description: "Named acknowledgements of prod weakenings (sizing/weakening.ts); each accepted one tags every resource so the policy pack downgrades exactly its rules.", default: showDefault(TOP_LEVEL_DEFAULTS.acknowledge) },
  tags: {
    description:
      `Tags added to every AWS resource: AWS characters (letters, digits, spaces, \`_ . : / = + - @\`), key ≤ 128, value ≤ 256, at most ${AWS_MAX_TAGS_PER_RESOURCE} per resource including the program's own (so at most ${MAX_USER_TAGS} here, one fewer per acknowledgement); \`aws:\` and \`guardrails:\` keys are reserved.`,
    default: showDefault(TOP_LEVEL_DEFAULTS.tags),
  },
};

/** Keys whose stack-file value is structured (JSON-encoded by the CLI); every other key is a plain string. */
const STRUCTURED_KEYS = new Set(["eksPublicAccessCidrs", "eksClusterAccess", "corsAllowedOrigins", "overrides", "acknowledge", "tags"]);

/** Decodes one raw stack-file value the way the CLI hands it to the program (strings, JSON for structures). */
export function decode(key: string, raw: string): unknown {
  if (!STRUCTURED_KEYS.has(key)) return raw;
  try {
    return JSON.parse(raw);
  } catch {
    return raw; // the schema reports it as the wrong type, naming the key
  }
}

/** Dotted paths of keys named `__proto__`, `constructor` or `prototype` anywhere in a JSON value. */
export function reservedKeyPaths(v: unknown, prefix = ""): string[] {
  if (v === null || typeof v !== "object") return [];
  return Object.keys(v).flatMap((k) => {
    const path = prefix ? `${prefix}.${k}` : k;
    return ["__proto__", "constructor", "prototype"].includes(k) ? [path] : reservedKeyPaths((v as Record<string, unknown>)[k], path);
  });
}

export function allowedKeys(prefix: string, path: PropertyKey[]): string {
  let schema: z.ZodType = prefix === "overrides" ? validatedSizingSchema : topLevelSchema;
  for (const k of path) {
    const shape = (schema as unknown as { shape?: Record<string, z.ZodType> }).shape;
    if (!shape?.[String(k)]) return "see sizing/schema.ts";
    schema = shape[String(k)];
  }
  const shape = (schema as unknown as { shape?: Record<string, z.ZodType> }).shape;
  return shape ? Object.keys(shape).join(", ") : "none";
}
