/**
 * What AWS refuses: the shapes of the table (a rule, a refusal, what a check may know about the graph)
 * and the error a refused render fails with. The table is assembled in index.ts, one file per service
 * family.
 *
 * Mocks accept anything; AWS does not. Each entry is one constraint AWS enforces at create/modify
 * time, with the error AWS answers and the page that documents it. The harness
 * ({@link ../harness.ts}) checks every rendered resource against this table and fails the render the way
 * `pulumi up` would fail, so a defect of a known kind fails a test instead of a deploy.
 *
 * About the messages: where AWS's runtime error text was found verbatim (provider issues quoting the
 * API's answer), `observed` is true and the text is AWS's. Otherwise the message is the API
 * reference's own constraint wording under the error code the API documents for it; `observed` is
 * false. Values AWS would echo are filled in.
 *
 * Checks skip values that are absent or of another type: under a real preview some inputs are unknown,
 * and a constraint that cannot be judged is not a refusal.
 */
/** A resource's inputs as the mock cloud receives them. */
export type Inputs = Record<string, unknown>;

/** What a check may know about the rest of the graph (resources registered before this one). */
export interface RefusalContext {
  /** RDS instances already registered, by `identifier` (and by their `db:` ARN suffix). */
  rdsInstances: Map<string, Inputs>;
  /** Characters of inline policy already attached to each role (IAM's aggregate quota per role). */
  inlinePolicyChars: Map<string, number>;
  /** Resources already created, by the ARN the cloud answered with (for references by ARN). */
  byArn: Map<string, { type: string; inputs: Inputs }>;
  /** Default tags of the AWS provider: the provider merges them into every resource's tags. */
  defaultTags: Record<string, string>;
  /** The role running `pulumi up` (the mock cloud's caller): EKS makes it an access entry of a cluster it creates. */
  deployerRoleArn: string;
}

/** Who runs `pulumi up` under the mock cloud: an assumed role, as a CI deploy role or an operator's SSO role. */
export const MOCK_DEPLOYER_ROLE_ARN = "arn:aws:iam::123456789012:role/platform-deploy";

export interface AwsRefusalRule {
  /** Stable id, used by fixtures and in the refusal message. */
  id: string;
  /** Resource type tokens the rule applies to; `aws:*` for every AWS resource. */
  types: readonly string[];
  /** AWS documentation of the constraint. */
  doc: string;
  /** True when `check` returns AWS's runtime error text verbatim (see the module comment). */
  observed: boolean;
  /** AWS's answer when the inputs break the constraint, else undefined. */
  check(inputs: Inputs, ctx: RefusalContext): string | undefined;
}

/** One refused resource. */
export interface AwsRefusal {
  rule: string;
  type: string;
  name: string;
  message: string;
  doc: string;
}

export class AwsRefusalError extends Error {
  constructor(public readonly refusals: AwsRefusal[]) {
    super(
      `AWS would refuse ${refusals.length} resource(s):\n` +
        refusals.map((r) => `  ${r.type} ${r.name}: ${r.message} [${r.rule}; ${r.doc}]`).join("\n"),
    );
    this.name = "AwsRefusalError";
  }
}

export function newRefusalContext(): RefusalContext {
  return { rdsInstances: new Map(), inlinePolicyChars: new Map(), byArn: new Map(), defaultTags: {}, deployerRoleArn: MOCK_DEPLOYER_ROLE_ARN };
}
