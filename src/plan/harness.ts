/**
 * Offline rendering harness: runs the real program under `pulumi.runtime.setMocks` for a stack
 * file and tier, the way `pulumi preview` would run it, and returns the recorded resource graph.
 * The tests and `npm run plan` both use this, so what the tests check is what a user sees.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { parse as parseYaml } from "yaml";
import type { PlatformConfig } from "../config";
import type { Tier } from "../../sizing";
import { AwsRefusalError } from "./refusals";
import { createMockCloud, mockCall, mockResource } from "./mocks";

/** One resource of the rendered graph. */
export interface RenderedResource {
  urn: string;
  type: string;
  name: string;
  /** URN of the parent resource (the stack for top-level components). */
  parent?: string;
  /** True for provider-managed (custom) resources, false for components. */
  custom: boolean;
  /** The id the mock cloud assigned (what other resources' inputs refer to). */
  id: string;
  /** Inputs as the provider would receive them, with outputs of other resources resolved. */
  inputs: Record<string, unknown>;
  /**
   * URNs of the resources listed in its `dependsOn` (those given as resources, not as outputs);
   * always set by a render, absent in hand-made graphs.
   */
  dependsOn?: string[];
}

export interface RenderedGraph {
  project: string;
  stack: string;
  config: PlatformConfig;
  resources: RenderedResource[];
  outputs: Record<string, unknown>;
  /** Data-source calls the program made (token and inputs). */
  calls: { token: string; inputs: Record<string, unknown> }[];
}

export interface RenderOptions {
  /** Stack name: reads `Pulumi.<stack>.yaml`. */
  stack: string;
  /** Overrides the stack file's `tier`. */
  tier?: Tier;
  /** Extra or replaced config keys (without the project prefix), values as the CLI would hold them. */
  config?: Record<string, string>;
  /** Directory holding `Pulumi.yaml`. @default the repository root */
  projectDir?: string;
}

/**
 * The directory holding Pulumi.yaml: two levels up from this file when run from TypeScript
 * (src/plan), three from the compiled JavaScript (build/src/plan); found by walking up, not counted.
 */
export const REPO_ROOT = findProjectRoot(__dirname);

export function findProjectRoot(from: string): string {
  for (let dir = path.resolve(from); ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, "Pulumi.yaml")) && fs.existsSync(path.join(dir, "package.json"))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no Pulumi.yaml above ${from}`);
  }
}

/** The stacks shipped with the project (one `Pulumi.<stack>.yaml` each). */
export function listStacks(projectDir = REPO_ROOT): string[] {
  return fs
    .readdirSync(projectDir)
    .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
    .filter((s): s is string => s !== undefined)
    .sort();
}

export function readProjectName(projectDir = REPO_ROOT): string {
  const project = parseYaml(fs.readFileSync(path.join(projectDir, "Pulumi.yaml"), "utf8")) as { name: string };
  return project.name;
}

/**
 * A stack file the offline plan cannot read as the CLI would: missing, or importing a Pulumi ESC
 * environment. The message is one line for the user; no stack trace.
 */
export class StackFileError extends Error {
  override name = "StackFileError";
}

/** A stack file's config as the CLI hands it to the program: `ns:key` → string (JSON for structures). */
export interface StackFileConfig {
  values: Record<string, string>;
  secretKeys: string[];
}

/**
 * Reads `Pulumi.<stack>.yaml` like the CLI: keys without a namespace belong to the project,
 * scalars become strings, structures JSON, and `secure:` values (which only the CLI can decrypt)
 * become a placeholder marked secret.
 */
export function readStackConfig(stack: string, projectDir = REPO_ROOT): StackFileConfig {
  const project = readProjectName(projectDir);
  const file = path.join(projectDir, `Pulumi.${stack}.yaml`);
  if (!fs.existsSync(file)) {
    const known = listStacks(projectDir);
    throw new StackFileError(`No stack file Pulumi.${stack}.yaml; shipped stacks: ${known.join(", ") || "none"}`);
  }
  const doc = (parseYaml(fs.readFileSync(file, "utf8")) ?? {}) as { config?: Record<string, unknown>; environment?: unknown };
  // `environment:` imports Pulumi ESC environments whose values the CLI merges into the config
  // (https://www.pulumi.com/docs/esc/integrations/infrastructure/pulumi-iac/). Resolving them needs
  // Pulumi Cloud; rendering without them would plan a different stack than `pulumi up` deploys.
  if (doc.environment !== undefined && doc.environment !== null) {
    const names = [doc.environment].flat().map((e) => (typeof e === "string" ? e : JSON.stringify(e)));
    throw new StackFileError(
      `Pulumi.${stack}.yaml imports Pulumi ESC environment ${names.join(", ")} (environment:); the offline plan cannot resolve ESC values, so it refuses rather than plan without them. To plan it, copy those values into the stack file's config: block, or run \`pulumi preview\`.`,
    );
  }
  const values: Record<string, string> = {};
  const secretKeys: string[] = [];
  for (const [rawKey, value] of Object.entries(doc.config ?? {})) {
    const key = rawKey.includes(":") ? rawKey : `${project}:${rawKey}`;
    if (value !== null && typeof value === "object" && "secure" in (value as object)) {
      values[key] = `[secret:${key}]`;
      secretKeys.push(key);
    } else {
      values[key] = typeof value === "string" ? value : JSON.stringify(value);
    }
  }
  return { values, secretKeys };
}

// The Pulumi runtime is process-global state: renders run one at a time.
let queue: Promise<unknown> = Promise.resolve();

/** Renders one stack under mocks and returns its graph. Throws ConfigError on invalid config. */
export function renderStack(options: RenderOptions): Promise<RenderedGraph> {
  const run = queue.then(() => withoutStackTraces(() => renderOnce(options)));
  queue = run.catch(() => undefined);
  return run;
}

async function renderOnce(options: RenderOptions): Promise<RenderedGraph> {
  const projectDir = options.projectDir ?? REPO_ROOT;
  const project = readProjectName(projectDir);
  const stackConfig = readStackConfig(options.stack, projectDir);
  const values = { ...stackConfig.values };
  if (options.tier) values[`${project}:tier`] = options.tier;
  for (const [k, v] of Object.entries(options.config ?? {})) values[k.includes(":") ? k : `${project}:${k}`] = v;

  const inputsByKey = new Map<string, { inputs: Record<string, unknown>; custom: boolean; id: string }>();
  const cloud = createMockCloud(mockResource, mockCall);
  const calls: RenderedGraph["calls"] = [];
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        const result = cloud.newResource(args);
        inputsByKey.set(`${args.type}::${args.name}`, { inputs: args.inputs, custom: args.custom ?? true, id: result.id ?? "" });
        return result;
      },
      call: (args) => {
        calls.push({ token: args.token, inputs: args.inputs });
        return cloud.call(args);
      },
    },
    project,
    options.stack,
    false,
  );
  pulumi.runtime.setAllConfig(values, stackConfig.secretKeys);

  // Import after the mocks are in place; config is parsed before any resource exists.
  const { loadPlatformConfig } = await import("../config");
  const { buildPlatform } = await import("../platform");
  const config = loadPlatformConfig();

  const seen: { resource: pulumi.Resource; type: string; name: string; parent?: pulumi.Resource; dependsOn: pulumi.Resource[] }[] = [];
  const outputs = (await pulumi.runtime.runInPulumiStack(async () => {
    pulumi.runtime.registerStackTransformation((args) => {
      const dependsOn = [args.opts.dependsOn ?? []].flat().filter((d): d is pulumi.Resource => pulumi.Resource.isInstance(d));
      seen.push({ resource: args.resource, type: args.type, name: args.name, parent: args.opts.parent, dependsOn });
      return undefined;
    });
    return buildPlatform(config);
  })) as Record<string, unknown>;
  await settle(() => inputsByKey.size);

  // What AWS would refuse fails the render the way it would fail `pulumi up` (src/plan/refusals/).
  const refusals = cloud.refusals();
  if (refusals.length > 0) throw new AwsRefusalError(refusals);

  const urnOf = (r: pulumi.Resource) => new Promise<string>((resolve) => r.urn.apply(resolve));
  const stackUrn = `urn:pulumi:${options.stack}::${project}::pulumi:pulumi:Stack::${project}-${options.stack}`;
  const resources: RenderedResource[] = [];
  for (const s of seen) {
    const recorded = inputsByKey.get(`${s.type}::${s.name}`);
    resources.push({
      urn: await urnOf(s.resource),
      type: s.type,
      name: s.name,
      parent: s.parent ? await urnOf(s.parent) : stackUrn,
      custom: recorded?.custom ?? !(s.resource instanceof pulumi.ComponentResource),
      inputs: recorded?.inputs ?? {},
      id: recorded?.id ?? "",
      dependsOn: await Promise.all(s.dependsOn.map(urnOf)),
    });
  }
  return { project, stack: options.stack, config, resources, outputs: outputs ?? {}, calls };
}

/**
 * Runs a render without capturing stack traces. The SDK records `new Error().stack` for every
 * resource and output promise, and under ts-node each trace goes through source-map support: that
 * was ~75 % of a render's time (bench/bench.ts). Errors keep their messages, which is all a config
 * error or a failed assertion needs.
 */
async function withoutStackTraces<T>(render: () => Promise<T>): Promise<T> {
  const saved = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return await render();
  } finally {
    Error.stackTraceLimit = saved;
  }
}

/**
 * Waits until registrations stop arriving (resources created inside `apply` register late). Shared with
 * the tests that build one component alone under the mocks (test/support/unit.ts).
 */
export async function settle(count: () => number): Promise<void> {
  let last = -1;
  let stableRounds = 0;
  while (stableRounds < 3) {
    await new Promise((r) => setImmediate(r));
    const now = count();
    stableRounds = now === last ? stableRounds + 1 : 0;
    last = now;
  }
}
