/**
 * Typed, validated stack configuration.
 *
 * `parsePlatformConfig` is a pure function: it takes the raw project-namespaced config of a stack
 * (what `pulumi config` holds) and returns one frozen {@link PlatformConfig}, or throws a
 * {@link ConfigError} listing EVERY problem at once, each naming the key, the bad value and what is
 * allowed. It runs before any resource is constructed, so a bad config never half-deploys.
 *
 * Components never read stack config; they receive settled values from here.
 */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { type Acknowledgement, DEFAULTS, type Environment, ENVIRONMENT_NAMES, GPU_TYPES, type GpuType, partitionOf, REGION_AVAILABILITY_ZONES, resolveSizing, type Sizing, sizingProblems, sizingSchema, SUPPORTED_KUBERNETES_VERSIONS, type Tier, TIER_NAMES, WEAKENING_ACKNOWLEDGEMENTS, WEAKENING_NAMES, type WeakeningContext } from "../sizing";
import { cidrProblem, opensToInternet } from "../policy/cidr";
import { imagePinProblem } from "../policy/references";
import { availabilityZoneCidrMask } from "../components/network";
import { ACKNOWLEDGEMENT_TAG_PREFIX, type AcknowledgementName } from "../policy/acknowledgements";

// The weakening table moved to the sizing floor (sizing/weakening.ts); re-exported for config's importers.
export { type Acknowledgement, WEAKENING_ACKNOWLEDGEMENTS, type WeakeningContext } from "../sizing";
/**
 * Compile-time proof that the policy pack's acknowledgement names (policy/acknowledgements.ts) and the
 * weakening table's (sizing/weakening.ts) are the same, both ways. Checked here: the pack must stay
 * self-contained and sizing/ imports nothing of ours.
 */
const _sameAcknowledgementNames: [Acknowledgement] extends [AcknowledgementName] ? ([AcknowledgementName] extends [Acknowledgement] ? true : never) : never = true;

// ---------------------------------------------------------------------------------------------
// The typed result.
// ---------------------------------------------------------------------------------------------

export interface PlatformConfig {
  /** Pulumi project and stack names. */
  project: string;
  stack: string;
  /** Durability profile: from the `environment` key, else from the stack name (`prod*` → prod). */
  environment: Environment;
  tier: Tier;
  region: string;
  gpuType: GpuType;
  kubernetesVersion: string;
  /** Public hostname of the API; with `hostedZoneId` the stack requests and DNS-validates a certificate. */
  domain?: string;
  hostedZoneId?: string;
  /** An existing ACM certificate for the ALB (takes precedence over `domain`). */
  certificateArn?: string;
  alertEmail?: string;
  images: {
    /** Full image reference; unset means the stack's own ECR repository at `imageTag`. */
    gateway?: string;
    worker?: string;
    /** Tag pushed to the stack's ECR repositories when `gateway`/`worker` are unset. */
    appTag: string;
    /**
     * The stack's own images are not pushed yet (`awaitImages: true`, the first deploy): services
     * that run them are created with no tasks until the key is removed.
     */
    awaitPush: boolean;
    triton: string;
  };
  eks: {
    adminRoleArn?: string;
    /** Roles with an EKS access entry (eksClusterAccess): CI deploy role, CI preview role, people. */
    access: { principalArn: string; access: "admin" | "view" }[];
    /** CIDRs allowed to reach the public Kubernetes API endpoint. */
    publicAccessCidrs: string[];
  };
  corsAllowedOrigins: string[];
  /** Key prefix of the Triton model repository in the models bucket. */
  modelRepositoryPrefix: string;
  sizing: Sizing;
  acknowledgements: Acknowledgement[];
  /** Things worth a human's attention that are not errors (printed by `npm run plan`). */
  warnings: string[];
  /**
   * Project keys the stack set with `--secret`. Their values are read through the runtime's secret
   * accessors and never printed; a component handing one to a resource wraps it in `pulumi.secret`.
   */
  secretKeys: string[];
  tags: Record<string, string>;
}

// ---------------------------------------------------------------------------------------------
// Errors.
// ---------------------------------------------------------------------------------------------

export interface ConfigProblem {
  key: string;
  value: unknown;
  message: string;
  /** The key was set with `--secret`: its value is never printed. */
  secret?: boolean;
}

/**
 * A refused configuration. A `pulumi.RunError`, because the Pulumi CLI's nodejs language host prints a
 * RunError's message and nothing else (node_modules/@pulumi/pulumi/cmd/run/run.js: "Always hide the
 * stack for RunErrors"); any other error goes through `util.inspect`, which dumps the object. The stack
 * name is `stackName`, not `stack`: a `stack` field would shadow `Error.prototype.stack`.
 */
export class ConfigError extends pulumi.RunError {
  public readonly stackName: string;
  public readonly problems: ConfigProblem[];
  constructor(stackName: string, problems: ConfigProblem[]) {
    super(
      `Invalid configuration for stack "${stackName}" (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n` +
        problems.map((p) => `  - ${p.key} = ${p.secret ? "[secret]" : show(p.value)}: ${p.message}`).join("\n"),
    );
    this.name = "ConfigError";
    this.stackName = stackName;
    this.problems = problems;
  }
}

function show(v: unknown): string {
  if (v === undefined) return "(unset)";
  const s = JSON.stringify(v);
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

// ---------------------------------------------------------------------------------------------
// Schemas.
// ---------------------------------------------------------------------------------------------

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
const validatedSizingSchema = sizingSchema.extend({
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
const topLevelSchema = z.strictObject({
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

/** Keys whose stack-file value is structured (JSON-encoded by the CLI); every other key is a plain string. */
const STRUCTURED_KEYS = new Set(["eksPublicAccessCidrs", "eksClusterAccess", "corsAllowedOrigins", "overrides", "acknowledge", "tags"]);

// ---------------------------------------------------------------------------------------------
// Parsing.
// ---------------------------------------------------------------------------------------------

export interface ConfigContext {
  project: string;
  stack: string;
  /** `aws:region` of the stack. */
  region: string | undefined;
  /** Project keys set with `pulumi config set --secret`: their values are never printed. */
  secretKeys?: readonly string[];
}

function joinPath(prefix: string, path: PropertyKey[]): string {
  return [prefix, ...path.map(String)].filter((s) => s !== "").join(".");
}

function zodProblems(issues: z.core.$ZodIssue[], prefix: string, root: unknown): ConfigProblem[] {
  return issues.flatMap((issue) => {
    if (issue.code === "unrecognized_keys") {
      return issue.keys.map((k) => ({
        key: joinPath(prefix, [...issue.path, k]),
        value: valueAt(root, [...issue.path, k]),
        message: `unknown key (allowed here: ${allowedKeys(prefix, issue.path)})`,
      }));
    }
    return [{ key: joinPath(prefix, issue.path), value: valueAt(root, issue.path), message: `expected ${describe(issue)}` }];
  });
}

function valueAt(root: unknown, path: PropertyKey[]): unknown {
  return path.reduce<unknown>(
    (v, k) => (v !== null && typeof v === "object" ? (v as Record<PropertyKey, unknown>)[k] : undefined),
    root,
  );
}

function allowedKeys(prefix: string, path: PropertyKey[]): string {
  let schema: z.ZodType = prefix === "overrides" ? validatedSizingSchema : topLevelSchema;
  for (const k of path) {
    const shape = (schema as unknown as { shape?: Record<string, z.ZodType> }).shape;
    if (!shape?.[String(k)]) return "see sizing/schema.ts";
    schema = shape[String(k)];
  }
  const shape = (schema as unknown as { shape?: Record<string, z.ZodType> }).shape;
  return shape ? Object.keys(shape).join(", ") : "none";
}

function describe(issue: z.core.$ZodIssue): string {
  // Zod's own wording is good for ranges ("Too small: expected number to be >=1"); custom messages
  // (the `error:` / regex texts above) already say what is allowed.
  const msg = issue.message.replace(/^Invalid input: /, "");
  return msg.startsWith("expected ") ? msg.slice("expected ".length) : msg;
}

/** Decodes one raw stack-file value the way the CLI hands it to the program (strings, JSON for structures). */
function decode(key: string, raw: string): unknown {
  if (!STRUCTURED_KEYS.has(key)) return raw;
  try {
    return JSON.parse(raw);
  } catch {
    return raw; // the schema reports it as the wrong type, naming the key
  }
}


/** AWS tag key characters and length (tag-editor user guide, tag naming conventions). */
const TAG_KEY = /^[\p{L}\p{N}\p{Zs}_.:/=+\-@]{1,128}$/u;

/** AWS: "Maximum tags per resource – 50" (https://docs.aws.amazon.com/tag-editor/latest/userguide/tagging.html). */
export const AWS_MAX_TAGS_PER_RESOURCE = 50;
/** Tags src/platform.ts `stackTags` adds to every resource (project, stack, environment, tier, managed-by). */
export const STACK_TAG_COUNT = 5;
/** Most tags a component sets on one resource itself (subnet role tags, Name, ...); measured by a test. */
export const PROGRAM_RESOURCE_TAGS_MAX = 4;

/** Dotted paths of keys named `__proto__`, `constructor` or `prototype` anywhere in a JSON value. */
function reservedKeyPaths(v: unknown, prefix = ""): string[] {
  if (v === null || typeof v !== "object") return [];
  return Object.keys(v).flatMap((k) => {
    const path = prefix ? `${prefix}.${k}` : k;
    return ["__proto__", "constructor", "prototype"].includes(k) ? [path] : reservedKeyPaths((v as Record<string, unknown>)[k], path);
  });
}


/** The VPC subnet layout's refusal (components/network.ts), for sizing/rules.ts. */
function vpcLayoutProblem(network: Sizing["network"]): string | undefined {
  try {
    availabilityZoneCidrMask(network);
    return undefined;
  } catch (e) {
    return (e as Error).message.replace(/^Network: /, "");
  }
}

/** The environment a stack name implies when `environment` is not set. */
export function environmentFromStackName(stack: string): Environment {
  return isProdStackName(stack) ? "prod" : "dev";
}

/**
 * True for a stack named like prod in any case: a word of the name (split at `-`, `_`, `.`, `/`)
 * that starts with "prod" (`prod`, `Prod-eu`, `PRODUCTION`, `eu-prod-2`, `team/prod`). Stricter is
 * safer here: `product-demo` also counts (set `environment: dev` + acknowledge "prod-as-dev"), while
 * `preprod` and `nonprod` do not.
 */
export function isProdStackName(stack: string): boolean {
  return stack.split(/[-_./]/).some((word) => /^prod/i.test(word));
}

/**
 * Turns raw project config (keys without the `<project>:` prefix, values as the CLI hands them:
 * strings, JSON for structures) into a {@link PlatformConfig}, or throws a {@link ConfigError}.
 */
export function parsePlatformConfig(raw: Record<string, string>, ctx: ConfigContext): PlatformConfig {
  const decoded = Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, decode(k, v)]));
  const problems: ConfigProblem[] = [];

  const region = ctx.region;
  if (!region || !/^[a-z]{2}(-gov)?-[a-z]+-\d$/.test(region)) {
    problems.push({ key: "aws:region", value: region, message: "expected an AWS region such as us-east-1 (set it with `pulumi config set aws:region us-east-1`)" });
  }

  // Every problem is listed at once: a key that fails its schema is reported and left out, and the
  // rest (overrides, acknowledgements, prod rules) are still checked against what did parse.
  const top = topLevelSchema.safeParse(decoded);
  let c: Partial<z.infer<typeof topLevelSchema>>;
  if (top.success) {
    c = top.data;
  } else {
    problems.push(...zodProblems(top.error.issues, "", decoded));
    const failed = new Set(top.error.issues.flatMap((i) => (i.code === "unrecognized_keys" ? i.keys : [String(i.path[0])])));
    const salvaged = Object.fromEntries(Object.entries(decoded).filter(([k]) => !failed.has(k)));
    const partial = topLevelSchema.partial().safeParse(salvaged);
    c = partial.success ? partial.data : {};
  }
  const environment = c.environment ?? environmentFromStackName(ctx.stack);
  const gpuType = c.gpuType ?? DEFAULTS.gpuType;

  // A JSON `__proto__` key would replace a sizing object's prototype in the merge: refuse it by name
  // (read from the decoded JSON: zod's parsed copy has already lost it to the prototype).
  const reserved = reservedKeyPaths(decoded.overrides);
  for (const path of reserved) {
    problems.push({ key: `overrides.${path}`, value: valueAt(decoded.overrides, path.split(".")), message: "unknown key (reserved JavaScript property name)" });
  }

  // Overrides: merge over the table, then validate the merged result against the full schema so
  // every path is reported relative to `overrides`. With an invalid tier the overrides are still
  // checked for shape over the smallest tier, but not for tier-dependent capacity.
  let sizing: Sizing | undefined;
  if (reserved.length === 0) {
    try {
      const merged = resolveSizing(c.tier ?? TIER_NAMES[0], environment, (c.overrides ?? {}) as never);
      const checked = validatedSizingSchema.safeParse(merged);
      if (!checked.success) {
        problems.push(...zodProblems(checked.error.issues, "overrides", merged));
      } else if (c.tier) {
        sizing = merged;
        problems.push(...sizingProblems(sizing, c.tier, gpuType, vpcLayoutProblem).map((p) => ({ ...p, key: `overrides.${p.key}` })));
      }
    } catch (e) {
      problems.push({ key: "overrides", value: c.overrides, message: `could not be merged: ${(e as Error).message}` });
    }
  }

  const eksPublicAccessCidrs = c.eksPublicAccessCidrs ?? (environment === "dev" ? ["0.0.0.0/0"] : undefined);
  if (eksPublicAccessCidrs === undefined && decoded.eksPublicAccessCidrs === undefined) {
    problems.push({
      key: "eksPublicAccessCidrs",
      value: undefined,
      message: "required in prod: the CIDRs (office, VPN, CI runners) allowed to reach the Kubernetes API",
    });
  }
  if (environment === "prod" && !c.certificateArn && !c.domain) {
    problems.push({
      key: "certificateArn",
      value: undefined,
      message: "prod serves HTTPS only: set certificateArn (an ACM certificate) or domain (+ hostedZoneId) so the stack requests one",
    });
  }
  for (const k of Object.keys(c.tags ?? {}).filter((t) => !TAG_KEY.test(t))) {
    problems.push({ key: `tags.${k}`, value: c.tags?.[k], message: "expected a tag key of 1-128 letters, numbers, spaces and _ . : / = + - @" });
  }
  for (const k of Object.keys(c.tags ?? {}).filter((t) => /^aws:/i.test(t))) {
    problems.push({ key: `tags.${k}`, value: c.tags?.[k], message: "tag keys starting with aws: are reserved by AWS; use any other key" });
  }
  if (c.hostedZoneId && !c.domain) {
    problems.push({ key: "hostedZoneId", value: c.hostedZoneId, message: "only used with domain; set domain too" });
  }
  // ARNs must be in the stack's partition (aws, aws-us-gov, aws-cn) and, for regional ones, its region.
  const arnKeys: [string, string | undefined][] = [
    ["certificateArn", c.certificateArn],
    ["eksAdminRoleArn", c.eksAdminRoleArn],
    ...(c.eksClusterAccess ?? []).map((a, i): [string, string] => [`eksClusterAccess.${i}.principalArn`, a.principalArn]),
  ];
  for (const [key, arn] of arnKeys) {
    if (arn && region && arn.split(":")[1] !== partitionOf(region)) {
      problems.push({ key, value: arn, message: `the ARN's partition is ${arn.split(":")[1]}; ${region} is in the ${partitionOf(region)} partition` });
    }
  }
  if (c.certificateArn && region && !c.certificateArn.includes(`:acm:${region}:`)) {
    problems.push({
      key: "certificateArn",
      value: c.certificateArn,
      message: `an ALB needs a certificate in its own region (${region})`,
    });
  }

  // Weakening prod safety needs an explicit, named acknowledgement. A prod-named stack set to
  // `environment: dev` is itself a weakening (prod-as-dev); with that acknowledged it is a dev stack.
  const acknowledgements = c.acknowledge ?? [];
  const warnings: string[] = [];
  const prodNamedAsDev = isProdStackName(ctx.stack) && environment === "dev";
  if (sizing && c.tier && (environment === "prod" || prodNamedAsDev)) {
    const weakening: WeakeningContext = {
      sizing,
      table: resolveSizing(c.tier, "prod"),
      eksPublicEndpointOpen: opensToInternet(eksPublicAccessCidrs ?? []),
      corsAllowedOrigins: c.corsAllowedOrigins ?? [],
      prodNamedAsDev,
    };
    for (const [name, rule] of Object.entries(WEAKENING_ACKNOWLEDGEMENTS) as [Acknowledgement, (typeof WEAKENING_ACKNOWLEDGEMENTS)[Acknowledgement]][]) {
      if (prodNamedAsDev && name !== "prod-as-dev") continue;
      const hit = rule.weak(weakening);
      if (!hit) continue;
      // A rule over several settings names the one that is weak; the others name their own path.
      const path = typeof hit === "string" ? hit : rule.path;
      if (acknowledgements.includes(name)) {
        warnings.push(`prod safety weakened (${rule.path}), acknowledged by "${name}"`);
      } else {
        const topLevel = ["eksPublicAccessCidrs", "corsAllowedOrigins", "environment"].includes(path);
        problems.push({
          key: topLevel ? path : `overrides.${path}`,
          value: topLevel ? ({ eksPublicAccessCidrs, corsAllowedOrigins: c.corsAllowedOrigins, environment } as Record<string, unknown>)[path] : valueAt(sizing, path.split(".")),
          message:
            name === "prod-as-dev"
              ? `stack "${ctx.stack}" is named like prod; running it with the dev profile drops every prod safety: add "prod-as-dev" to the acknowledge list if this is intended, or rename the stack`
              : `weakens prod safety; add "${name}" to the acknowledge list if this is intended`,
        });
      }
    }
  }
  for (const k of Object.keys(c.tags ?? {}).filter((t) => t.toLowerCase().startsWith(ACKNOWLEDGEMENT_TAG_PREFIX.split(":")[0] + ":"))) {
    problems.push({ key: `tags.${k}`, value: c.tags?.[k], message: `tag keys starting with ${ACKNOWLEDGEMENT_TAG_PREFIX.split(":")[0]}: are the program's own (acknowledgements); use the acknowledge key` });
  }
  /** The tags that tell the policy pack which weakenings were acknowledged (policy/acknowledgements.ts). */
  const acknowledgementTags = Object.fromEntries(
    acknowledgements.filter((a) => warnings.some((w) => w.endsWith(`"${a}"`))).map((a) => [`${ACKNOWLEDGEMENT_TAG_PREFIX}${a}`, WEAKENING_ACKNOWLEDGEMENTS[a].path]),
  );
  // AWS allows 50 user tags per resource; the program adds its stack tags, the acknowledgement tags and
  // up to PROGRAM_RESOURCE_TAGS_MAX of its own on a resource (test/config-limits.test.ts measures that).
  const userTags = Object.keys(c.tags ?? {}).length;
  const programTags = STACK_TAG_COUNT + Object.keys(acknowledgementTags).length + PROGRAM_RESOURCE_TAGS_MAX;
  if (userTags + programTags > AWS_MAX_TAGS_PER_RESOURCE) {
    problems.push({
      key: "tags",
      value: `${userTags} tags`,
      message: `at most ${AWS_MAX_TAGS_PER_RESOURCE - programTags} tags: AWS allows ${AWS_MAX_TAGS_PER_RESOURCE} per resource and the program adds up to ${programTags} of its own`,
    });
  }
  if (sizing && region && REGION_AVAILABILITY_ZONES[region] !== undefined && sizing.network.availabilityZones > REGION_AVAILABILITY_ZONES[region]) {
    problems.push({
      key: "overrides.network.availabilityZones",
      value: sizing.network.availabilityZones,
      message: `${region} offers ${REGION_AVAILABILITY_ZONES[region]} availability zones to new accounts; the ${c.tier} layout needs ${sizing.network.availabilityZones} (choose another region or fewer zones)`,
    });
  }

  // A key set with `--secret` keeps its value out of every message (problems and warnings alike).
  const secret = new Set(ctx.secretKeys ?? []);
  const isSecret = (key: string) => secret.has(key.split(".")[0]);
  if (problems.length > 0 || !sizing) throw new ConfigError(ctx.stack, problems.map((p) => (isSecret(p.key) ? { ...p, secret: true } : p)));

  if (region && REGION_AVAILABILITY_ZONES[region] === undefined) {
    warnings.push(`${region} is not in the offline availability-zone table (sizing/regions.ts): the zone count is checked only when the VPC is created`);
  }
  if (c.domain && !c.hostedZoneId && !c.certificateArn) {
    warnings.push(
      `domain ${isSecret("domain") ? "[secret]" : c.domain} has no hostedZoneId: add the certificate's DNS validation records (stack output certificateValidationRecords, or the ACM console) at your DNS provider; the first \`pulumi up\` waits until the certificate is issued`,
    );
  }
  if (environment === "dev" && !c.certificateArn && !c.domain) {
    warnings.push("no certificateArn or domain: the dev load balancer serves plain HTTP");
  }
  if (opensToInternet(eksPublicAccessCidrs ?? [])) {
    warnings.push("the Kubernetes API endpoint is reachable from the internet (eksPublicAccessCidrs covers a large part of the address space)");
  }
  if (!c.alertEmail) warnings.push("no alertEmail: alarms publish to the SNS topic but nobody is subscribed");
  if (c.awaitImages === "true") {
    warnings.push("awaitImages is set: services that run the stack's own images start no task; push the images, then `pulumi config rm awaitImages && pulumi up`");
  }
  if (region !== DEFAULTS.pricedRegion) {
    warnings.push(`cost estimates use ${DEFAULTS.pricedRegion} prices; ${region} prices differ`);
  }

  return deepFreezeConfig({
    project: ctx.project,
    stack: ctx.stack,
    environment,
    tier: c.tier as Tier,
    region: region as string,
    gpuType,
    kubernetesVersion: c.kubernetesVersion ?? DEFAULTS.kubernetesVersion,
    domain: c.domain,
    hostedZoneId: c.hostedZoneId,
    certificateArn: c.certificateArn,
    alertEmail: c.alertEmail,
    images: {
      gateway: c.gatewayImage,
      worker: c.workerImage,
      appTag: c.imageTag ?? DEFAULTS.imageTag,
      awaitPush: c.awaitImages === "true",
      triton: c.tritonImage ?? `${DEFAULTS.tritonRepository}:${DEFAULTS.tritonTag}`,
    },
    eks: {
      adminRoleArn: c.eksAdminRoleArn,
      // eksAdminRoleArn keeps its own (older) access entry; it is not repeated from the list.
      access: (c.eksClusterAccess ?? []).filter((a) => a.principalArn !== c.eksAdminRoleArn),
      publicAccessCidrs: eksPublicAccessCidrs ?? [],
    },
    corsAllowedOrigins: c.corsAllowedOrigins ?? [],
    modelRepositoryPrefix: c.modelRepositoryPrefix ?? DEFAULTS.modelRepositoryPrefix,
    sizing,
    acknowledgements,
    warnings,
    secretKeys: [...secret],
    tags: { ...(c.tags ?? {}), ...acknowledgementTags },
  });
}

function deepFreezeConfig<T>(o: T): T {
  if (typeof o === "object" && o !== null && !Object.isFrozen(o)) {
    Object.values(o).forEach(deepFreezeConfig);
    Object.freeze(o);
  }
  return o;
}

/** Reads the running stack's config through the Pulumi runtime and parses it. */
export function loadPlatformConfig(): PlatformConfig {
  const project = pulumi.getProject();
  const stack = pulumi.getStack();
  const prefix = `${project}:`;
  const raw: Record<string, string> = {};
  const secretKeys: string[] = [];
  // `isConfigSecret` is the runtime's own (internal) test for keys set with `--secret`
  // (node_modules/@pulumi/pulumi/runtime/config.js); the values must be read as plain strings to be
  // validated here, synchronously, before any resource. No message prints them (ConfigProblem.secret).
  const runtime = pulumi.runtime as unknown as { isConfigSecret?: (k: string) => boolean };
  for (const [k, v] of Object.entries(pulumi.runtime.allConfig())) {
    if (!k.startsWith(prefix)) continue;
    raw[k.slice(prefix.length)] = v;
    if (runtime.isConfigSecret?.(k)) secretKeys.push(k.slice(prefix.length));
  }
  return parsePlatformConfig(raw, { project, stack, region: pulumi.runtime.allConfig()["aws:region"], secretKeys });
}
