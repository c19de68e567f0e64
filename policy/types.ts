/**
 * The shape of a guardrail rule and the helpers rules share.
 *
 * Rules are plain functions over a resource's type and inputs (or, for graph rules, over the whole
 * graph). The same rule objects run in three places: the tests (over every shipped stack x tier under
 * mocks), `npm run plan`, and the CrossGuard pack (`pulumi preview --policy-pack policy`). So this
 * folder imports nothing that needs a cloud or the Pulumi engine.
 */

export type Severity = "critical" | "high" | "medium" | "low";
/** `mandatory` blocks a deployment (CrossGuard) and fails the prod test; `advisory` is reported only. */
export type Enforcement = "mandatory" | "advisory";

/** External controls a rule corresponds to, so auditors can map findings to their own catalogue. */
export interface Controls {
  /** Checkov ids (`CKV_AWS_16`, `CKV2_AWS_6`, `CKV_K8S_14`). */
  checkov?: string[];
  /** AWS Foundational Security Best Practices controls (`RDS.3`). */
  fsbp?: string[];
}

/** One resource as the rules see it: what the mock (or the CrossGuard engine) recorded. */
export interface PolicyResource {
  urn: string;
  type: string;
  name: string;
  /** Provider id (mock id under the harness); joins side resources to their owner. */
  id?: string;
  inputs: Record<string, unknown>;
}

export interface PolicyGraph {
  resources: PolicyResource[];
}

interface RuleBase {
  /** Stable kebab-case id; CrossGuard policy name. */
  id: string;
  description: string;
  severity: Severity;
  enforcement: Enforcement;
  /** Types the rule reads (for graph rules: the types it reports on). */
  resourceTypes: string[];
  controls: Controls;
}

/** A rule over one resource: returns the violation message, or undefined when it passes. */
export interface ResourceRule extends RuleBase {
  check(resource: PolicyResource, graph: PolicyGraph): string | undefined;
}

/** A rule over the whole graph (joins side resources, reachability, presence). */
export interface GraphRule extends RuleBase {
  checkGraph(graph: PolicyGraph): { resource: PolicyResource; message: string }[];
}

export type Rule = ResourceRule | GraphRule;

export function isGraphRule(rule: Rule): rule is GraphRule {
  return "checkGraph" in rule;
}

export interface Violation {
  ruleId: string;
  severity: Severity;
  enforcement: Enforcement;
  resourceUrn: string;
  resourceType: string;
  message: string;
  /** Set when prod config acknowledged this weakening: reported as advisory (policy/acknowledgements.ts). */
  acknowledgedBy?: string;
}

// ---------------------------------------------------------------------------------------------
// Helpers over recorded inputs. Inputs can be unknown in a real preview (undefined, or a computed
// placeholder); helpers return undefined then and rules treat undefined as "cannot tell": a rule only
// fires on values it can see, except where an absent value IS the violation (a required setting unset).
// ---------------------------------------------------------------------------------------------

export type Obj = Record<string, unknown>;

export function obj(v: unknown): Obj | undefined {
  return v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Obj) : undefined;
}

export function arr(v: unknown): unknown[] {
  if (Array.isArray(v)) return v;
  return v === undefined || v === null ? [] : [v];
}

export function str(v: unknown): string | undefined {
  return typeof v === "string" ? v : undefined;
}

/** Parses a JSON-string input (policies, container definitions); an object input is returned as is. */
export function parseJson(v: unknown): unknown {
  if (typeof v !== "string") return v;
  try {
    return JSON.parse(v);
  } catch {
    return undefined;
  }
}

/**
 * The default tags of every AWS provider in the graph (stack tags, the `tier` tag, acknowledgements).
 * Provider inputs reach the engine (and the mocks) JSON-encoded: `defaultTags` is a string there.
 */
export function providerDefaultTags(graph: PolicyGraph): Obj[] {
  return graph.resources
    .filter((r) => r.type === "pulumi:providers:aws")
    .map((p) => obj(obj(parseJson(p.inputs.defaultTags))?.tags))
    .filter((t): t is Obj => t !== undefined);
}

/** Dotted-path read: `get(r.inputs, "vpcConfig.endpointPublicAccess")`. */
export function get(o: unknown, path: string): unknown {
  return path.split(".").reduce<unknown>((v, k) => obj(v)?.[k], o);
}

export function ofTypes(graph: PolicyGraph, types: readonly string[]): PolicyResource[] {
  return graph.resources.filter((r) => types.includes(r.type));
}

/**
 * True when `ref` (a side resource's `bucket`, `role`, `targetArn`... input) names `owner`. Side
 * resources refer to their owner by id, physical name or ARN; under mocks the id is
 * `<logical name>-<hex>`; in a real preview the engine gives the id and outputs in the inputs we see.
 */
export function refersTo(ref: unknown, owner: PolicyResource): boolean {
  if (typeof ref !== "string" || ref === "") return false;
  const names = [owner.id, str(owner.inputs.bucket), str(owner.inputs.name), str(owner.inputs.identifier)].filter(
    (n): n is string => !!n,
  );
  if (names.includes(ref)) return true;
  // Auto-named buckets: `<bucketPrefix><suffix>`, as a name or inside an ARN.
  const prefix = str(owner.inputs.bucketPrefix) ?? str(owner.inputs.namePrefix);
  if (prefix && (ref.startsWith(prefix) || ref.includes(`:::${prefix}`))) return true;
  // ARNs: `...:queue-name`, `.../bucket-name`, `.../app/<lb name>/<hash>` (the LB name is cut at 32).
  const inArn = [...names, owner.name, owner.name.slice(0, 32)];
  if (inArn.some((n) => ref.endsWith(`:${n}`) || ref.endsWith(`/${n}`) || ref.includes(`/${n}/`))) return true;
  // Mock ids and auto-names: `<logical name>-<hex suffix>`.
  const escaped = owner.name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return new RegExp(`(^|[:/])${escaped}-[0-9a-f]{6,17}$`).test(ref);
}

/**
 * For "every X has its side resource Y" rules: the owners with no side resource pointing at them.
 * When some side resources' references are unknown (a real preview before the owner exists), an
 * owner is only reported if there are more owners than side resources: never a false alarm.
 */
export function ownersWithout(
  owners: PolicyResource[],
  sides: PolicyResource[],
  refOf: (side: PolicyResource) => unknown,
  accept: (side: PolicyResource) => boolean = () => true,
): { owner: PolicyResource; side?: PolicyResource }[] {
  const unknownRefs = sides.filter((s) => typeof refOf(s) !== "string").length;
  const out: { owner: PolicyResource; side?: PolicyResource }[] = [];
  for (const owner of owners) {
    const mine = sides.filter((s) => refersTo(refOf(s), owner));
    if (mine.length === 0) {
      if (unknownRefs === 0 || owners.length > sides.length) out.push({ owner });
    } else {
      const bad = mine.find((s) => !accept(s));
      if (bad) out.push({ owner, side: bad });
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// IAM documents.
// ---------------------------------------------------------------------------------------------

export interface IamStatement {
  Sid?: string;
  Effect: "Allow" | "Deny";
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: string | string[];
  NotResource?: string | string[];
  Principal?: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}

/** Statements of a policy document given as a JSON string or object. */
export function statementsOf(doc: unknown): IamStatement[] {
  const parsed = obj(parseJson(doc));
  if (!parsed) return [];
  return arr(parsed.Statement).filter((s): s is IamStatement => !!obj(s));
}

export function list(v: unknown): string[] {
  return arr(v).filter((x): x is string => typeof x === "string");
}

/** IAM wildcard match (`*` and `?`), case-insensitive like action names. */
export function iamGlob(pattern: string, value: string): boolean {
  const re = pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".");
  return new RegExp(`^${re}$`, "i").test(value);
}

/**
 * Identity-policy documents held by a resource, with where they came from: managed policies,
 * role inline policies, and `inlinePolicies` on a role.
 */
export function identityPolicyDocuments(r: PolicyResource): unknown[] {
  switch (r.type) {
    case "aws:iam/policy:Policy":
    case "aws:iam/rolePolicy:RolePolicy":
    case "aws:iam/userPolicy:UserPolicy":
    case "aws:iam/groupPolicy:GroupPolicy":
      return [r.inputs.policy];
    case "aws:iam/role:Role":
      return arr(r.inputs.inlinePolicies).map((p) => obj(p)?.policy);
    default:
      return [];
  }
}

export const IAM_POLICY_TYPES = [
  "aws:iam/policy:Policy",
  "aws:iam/rolePolicy:RolePolicy",
  "aws:iam/userPolicy:UserPolicy",
  "aws:iam/groupPolicy:GroupPolicy",
  "aws:iam/role:Role",
];

// ---------------------------------------------------------------------------------------------
// Rule builders: most rules are "resource of type T has property P with value V".
// ---------------------------------------------------------------------------------------------

type RuleMeta = Omit<RuleBase, "resourceTypes">;

/** A resource rule over the given types; `test` returns the violation message or undefined. */
export function resourceRule(
  meta: RuleMeta,
  types: string[],
  test: (inputs: Obj, r: PolicyResource, graph: PolicyGraph) => string | undefined,
): ResourceRule {
  return { ...meta, resourceTypes: types, check: (r, g) => test(r.inputs, r, g) };
}

/** A graph rule. */
export function graphRule(
  meta: RuleMeta,
  types: string[],
  checkGraph: (graph: PolicyGraph) => { resource: PolicyResource; message: string }[],
): GraphRule {
  return { ...meta, resourceTypes: types, checkGraph };
}
