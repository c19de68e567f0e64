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
import { type Acknowledgement, AWS_MAX_TAGS_PER_RESOURCE, DEFAULTS, type Environment, type GpuType, partitionOf, REGION_AVAILABILITY_ZONES, resolveSizing, type Sizing, sizingProblems, type Tier, TAG_KEY, TIER_NAMES, WEAKENING_ACKNOWLEDGEMENTS, type WeakeningContext } from "../../sizing";
import { opensToInternet } from "../../policy/cidr";
import { ACKNOWLEDGEMENT_TAG_PREFIX, type AcknowledgementName } from "../../policy/acknowledgements";
import { ConfigError, type ConfigProblem, valueAt, zodProblems } from "./problems";
import { decode, PROGRAM_RESOURCE_TAGS_MAX, reservedKeyPaths, STACK_TAG_COUNT, TOP_LEVEL_DEFAULTS, topLevelSchema, validatedSizingSchema } from "./schema";

// The weakening table moved to the sizing floor (sizing/weakening.ts); re-exported for config's importers.
export { type Acknowledgement, WEAKENING_ACKNOWLEDGEMENTS, type WeakeningContext } from "../../sizing";
/**
 * Compile-time proof that the policy pack's acknowledgement names (policy/acknowledgements.ts) and the
 * weakening table's (sizing/weakening.ts) are the same, both ways. Checked here: the pack must stay
 * self-contained and sizing/ imports nothing of ours.
 */
const _sameAcknowledgementNames: [Acknowledgement] extends [AcknowledgementName] ? ([AcknowledgementName] extends [Acknowledgement] ? true : never) : never = true;
export { ConfigError, type ConfigProblem } from "./problems";

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

export interface ConfigContext {
  project: string;
  stack: string;
  /** `aws:region` of the stack. */
  region: string | undefined;
  /** Project keys set with `pulumi config set --secret`: their values are never printed. */
  secretKeys?: readonly string[];
}

// AWS tag limits live on the sizing floor (sizing/limits.ts); re-exported for config's importers.
export { AWS_MAX_TAGS_PER_RESOURCE } from "../../sizing";
export { MAX_USER_TAGS, PROGRAM_RESOURCE_TAGS_MAX, STACK_TAG_COUNT } from "./schema";

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
  const gpuType = c.gpuType ?? TOP_LEVEL_DEFAULTS.gpuType;

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
      const merged = resolveSizing(c.tier ?? TIER_NAMES[0], environment, (c.overrides ?? TOP_LEVEL_DEFAULTS.overrides) as never);
      const checked = validatedSizingSchema.safeParse(merged);
      if (!checked.success) {
        problems.push(...zodProblems(checked.error.issues, "overrides", merged));
      } else if (c.tier) {
        sizing = merged;
        problems.push(...sizingProblems(sizing, c.tier, gpuType).map((p) => ({ ...p, key: `overrides.${p.key}` })));
      }
    } catch (e) {
      problems.push({ key: "overrides", value: c.overrides, message: `could not be merged: ${(e as Error).message}` });
    }
  }

  const eksPublicAccessCidrs = c.eksPublicAccessCidrs ?? (environment === "dev" ? [...TOP_LEVEL_DEFAULTS.devEksPublicAccessCidrs] : undefined);
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
  const acknowledgements = c.acknowledge ?? [...TOP_LEVEL_DEFAULTS.acknowledge];
  const warnings: string[] = [];
  /** Each acknowledged weakening, by the setting that was weak. */
  const acknowledgedPaths = new Map<Acknowledgement, string>();
  const prodNamedAsDev = isProdStackName(ctx.stack) && environment === "dev";
  if (sizing && c.tier && (environment === "prod" || prodNamedAsDev)) {
    const weakening: WeakeningContext = {
      sizing,
      table: resolveSizing(c.tier, "prod"),
      eksPublicEndpointOpen: opensToInternet(eksPublicAccessCidrs ?? []),
      corsAllowedOrigins: c.corsAllowedOrigins ?? [...TOP_LEVEL_DEFAULTS.corsAllowedOrigins],
      prodNamedAsDev,
    };
    for (const [name, rule] of Object.entries(WEAKENING_ACKNOWLEDGEMENTS) as [Acknowledgement, (typeof WEAKENING_ACKNOWLEDGEMENTS)[Acknowledgement]][]) {
      if (prodNamedAsDev && name !== "prod-as-dev") continue;
      const hit = rule.weak(weakening);
      if (!hit) continue;
      // A rule over several settings names the one that is weak; the others name their own path.
      const path = typeof hit === "string" ? hit : rule.path;
      if (acknowledgements.includes(name)) {
        warnings.push(`prod safety weakened (${path}), acknowledged by "${name}"`);
        acknowledgedPaths.set(name, path);
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
    // The value names the setting that was weak (for an acknowledgement covering several, the first).
    [...acknowledgedPaths].map(([a, path]) => [`${ACKNOWLEDGEMENT_TAG_PREFIX}${a}`, path]),
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
    kubernetesVersion: c.kubernetesVersion ?? TOP_LEVEL_DEFAULTS.kubernetesVersion,
    domain: c.domain,
    hostedZoneId: c.hostedZoneId,
    certificateArn: c.certificateArn,
    alertEmail: c.alertEmail,
    images: {
      gateway: c.gatewayImage,
      worker: c.workerImage,
      appTag: c.imageTag ?? TOP_LEVEL_DEFAULTS.imageTag,
      awaitPush: c.awaitImages === "true",
      triton: c.tritonImage ?? TOP_LEVEL_DEFAULTS.tritonImage,
    },
    eks: {
      adminRoleArn: c.eksAdminRoleArn,
      // eksAdminRoleArn keeps its own (older) access entry; it is not repeated from the list.
      access: (c.eksClusterAccess ?? []).filter((a) => a.principalArn !== c.eksAdminRoleArn),
      publicAccessCidrs: eksPublicAccessCidrs ?? [],
    },
    corsAllowedOrigins: c.corsAllowedOrigins ?? [...TOP_LEVEL_DEFAULTS.corsAllowedOrigins],
    modelRepositoryPrefix: c.modelRepositoryPrefix ?? TOP_LEVEL_DEFAULTS.modelRepositoryPrefix,
    sizing,
    acknowledgements,
    warnings,
    secretKeys: [...secret],
    tags: { ...(c.tags ?? TOP_LEVEL_DEFAULTS.tags), ...acknowledgementTags },
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
