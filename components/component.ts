/**
 * What every platform component shares: a type token under one package, child naming from the
 * component's own name, and physical AWS names derived in one place.
 */
import * as crypto from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import { NAME_LIMITS } from "../sizing";

/** Package part of every component's type token (`platform:<module>:<Type>`). */
export const TYPE_PREFIX = "platform";

/** What a component needs to know about the stack it belongs to, to name things. */
export interface StackIdentity {
  project: string;
  stack: string;
  /** Tags applied to every taggable AWS resource of the component. */
  tags: Record<string, string>;
}

/**
 * `<project>-<stack>` as a name part: lower-case letters, digits and single hyphens. Stack names may
 * hold `_` and `.`, which RDS, ElastiCache, S3 and KMS aliases refuse, and RDS and ElastiCache also
 * refuse two hyphens in a row ("can't contain two consecutive hyphens").
 */
export function stackNamePrefix(id: Pick<StackIdentity, "project" | "stack">): string {
  return normalizeNamePart(`${id.project}-${id.stack}`);
}

function normalizeNamePart(raw: string): string {
  return raw.toLowerCase().replace(/[^a-z0-9-]/g, "-").replace(/-{2,}/g, "-");
}

/**
 * A deterministic physical name for an AWS resource: `<project>-<stack>-<role>` (see
 * {@link stackNamePrefix}), shortened with a stable hash when it exceeds the service's limit. It
 * depends only on project, stack and role, never on the tier, so switching tier never renames (and
 * so never replaces) anything.
 */
export function physicalName(id: Pick<StackIdentity, "project" | "stack">, role: string, maxLength: number = NAME_LIMITS.default): string {
  const full = normalizeNamePart(`${stackNamePrefix(id)}-${role}`);
  if (full.length <= maxLength) return full;
  const hash = crypto.createHash("sha256").update(full).digest("hex").slice(0, 6);
  return `${full.slice(0, maxLength - hash.length - 1).replace(/-+$/, "")}-${hash}`;
}

/**
 * Base of every platform component. Children are created with {@link childName} and
 * {@link childOpts} so each is parented to the component and named `${name}-<role>`; the
 * whole-graph test fails if a resource's name does not start with its parent's.
 */
export abstract class PlatformComponent extends pulumi.ComponentResource {
  protected constructor(
    module: string,
    type: string,
    public readonly name: string,
    opts?: pulumi.ComponentResourceOptions,
  ) {
    super(`${TYPE_PREFIX}:${module}:${type}`, name, {}, opts);
  }

  /** `${component name}-${role}`: the logical name of a child. */
  protected childName(role: string): string {
    return `${this.name}-${role}`;
  }

  /** Resource options for a child: parented to this component, plus anything extra. */
  protected childOpts(extra?: pulumi.CustomResourceOptions): pulumi.CustomResourceOptions {
    return { ...extra, parent: this };
  }
}

/**
 * What every component of one stack shares, passed as one object rather than field by field: who the
 * stack is (names, tags), where it runs, the account, the stack's KMS key and how long its logs live.
 */
export interface StackContext {
  identity: StackIdentity;
  region: string;
  accountId: pulumi.Input<string>;
  /** The stack's customer-managed KMS key: every store encrypts with it. */
  kmsKeyArn: pulumi.Input<string>;
  /** Days CloudWatch log groups keep events (the tier table's `observability.logRetentionDays`). */
  logRetentionDays: number;
}

/**
 * A per-child hook that adjusts a resource's arguments without forking its component (STYLE.md: a
 * `transform` option per child, not a boolean flag per AWS option), in SST's two forms: a partial of
 * the arguments, merged over them (top-level keys replace), or a function that returns the arguments
 * to use. `Context` carries what tells several children of one kind apart (a bucket's role, a
 * queue's priority); only the function form sees it.
 * @example `{ vpc: { enableDnsHostnames: true } }`
 * @example `{ bucket: (args, role) => (role === "datasets" ? { ...args, objectLockEnabled: true } : args) }`
 */
export type Transform<Args, Context extends unknown[] = []> = Partial<Args> | ((args: Args, ...context: Context) => Args);

/** The arguments after the child's transform, if the user gave one. */
export function applyTransform<Args, Context extends unknown[]>(
  transform: Transform<Args, Context> | undefined,
  args: Args,
  ...context: Context
): Args {
  if (transform === undefined) return args;
  return typeof transform === "function" ? transform(args, ...context) : { ...args, ...transform };
}
