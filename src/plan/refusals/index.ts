/**
 * What AWS refuses, as a table the mock cloud applies to every resource it is asked to create: the
 * rules of each service family (one file each), assembled here in the table's order, and applying
 * them (`refusalsOf`, `refusalsOfGraph`). The shapes and the module's conventions are in types.ts.
 */
import { APP_AUTOSCALING_RULES } from "./appautoscaling";
import { ECR_RULES } from "./ecr";
import { ECS_RULES } from "./ecs";
import { EKS_ACCESS_RULES, EKS_CLUSTER_RULES } from "./eks";
import { ELASTICACHE_RULES } from "./elasticache";
import { ELB_RULES } from "./elb";
import { obj, RDS_INSTANCE, str } from "./helpers";
import { IAM_RULES } from "./iam";
import { KMS_RULES } from "./kms";
import { LOGS_RULES } from "./logs";
import { RDS_RULES } from "./rds";
import { S3_RULES } from "./s3";
import { SECRETS_MANAGER_RULES } from "./secretsmanager";
import { SQS_RULES } from "./sqs";
import { TAG_RULES } from "./tags";
import { type AwsRefusal, type AwsRefusalRule, type Inputs, newRefusalContext, type RefusalContext } from "./types";
import { VPC_RULES } from "./vpc";

export { type AwsRefusal, AwsRefusalError, type AwsRefusalRule, MOCK_DEPLOYER_ROLE_ARN, newRefusalContext, type RefusalContext } from "./types";

/** The table: every rule, in the order refusals are reported. */
export const AWS_REFUSALS: readonly AwsRefusalRule[] = [
  ...RDS_RULES,
  ...EKS_ACCESS_RULES,
  ...ELASTICACHE_RULES,
  ...ELB_RULES,
  ...IAM_RULES,
  ...S3_RULES,
  ...SQS_RULES,
  ...KMS_RULES,
  ...LOGS_RULES,
  ...ECS_RULES,
  ...VPC_RULES,
  ...TAG_RULES,
  ...SECRETS_MANAGER_RULES,
  ...ECR_RULES,
  ...EKS_CLUSTER_RULES,
  ...APP_AUTOSCALING_RULES,
];

// ---------------------------------------------------------------------------------------------
// Applying the table
// ---------------------------------------------------------------------------------------------

/** Pulumi's RPC envelope of a secret value under mocks (`specialSigKey` → `specialSecretSig`). */
const SECRET_SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

/** The plain value of inputs, secrets unwrapped: AWS sees the value, not Pulumi's envelope. */
function unwrapSecrets(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(unwrapSecrets);
  if (v !== null && typeof v === "object") {
    const o = v as Inputs;
    if (o[SECRET_SIG_KEY] === SECRET_SIG) return unwrapSecrets(o.value);
    return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, unwrapSecrets(x)]));
  }
  return v;
}

function appliesTo(rule: AwsRefusalRule, type: string): boolean {
  return rule.types.includes(type) || (rule.types.includes("aws:*") && type.startsWith("aws:"));
}

/**
 * AWS's refusals of one resource, given what was registered before it; then records what later
 * resources may need to know (RDS instances by identifier, the provider's default tags).
 */
export function refusalsOf(type: string, name: string, rawInputs: Inputs, ctx: RefusalContext): AwsRefusal[] {
  const inputs = unwrapSecrets(rawInputs) as Inputs;
  if (type === "pulumi:providers:aws") {
    const defaults = obj(inputs.defaultTags);
    const tags = obj(defaults?.tags);
    if (tags) ctx.defaultTags = Object.fromEntries(Object.entries(tags).map(([k, v]) => [k, String(v)]));
    return [];
  }
  const refusals: AwsRefusal[] = [];
  for (const rule of AWS_REFUSALS) {
    if (!appliesTo(rule, type)) continue;
    const message = rule.check(inputs, ctx);
    if (message !== undefined) refusals.push({ rule: rule.id, type, name, message, doc: rule.doc });
  }
  if (type === RDS_INSTANCE) {
    const id = str(inputs.identifier) ?? name;
    ctx.rdsInstances.set(id, inputs);
  }
  return refusals;
}

/** Records what the cloud answered for a created resource, so later resources can refer to it by ARN. */
export function recordCreated(ctx: RefusalContext, type: string, inputs: Inputs, state: Record<string, unknown>): void {
  const arn = str(state.arn);
  if (arn) ctx.byArn.set(arn, { type, inputs: unwrapSecrets(inputs) as Inputs });
}

/**
 * Every refusal of a graph's resources, checked in registration order; `answer` gives each resource's
 * outputs (the mock cloud's), for references by ARN.
 */
export function refusalsOfGraph(
  resources: readonly { type: string; name: string; inputs: Inputs }[],
  answer?: (r: { type: string; name: string; inputs: Inputs }) => Record<string, unknown>,
): AwsRefusal[] {
  const ctx = newRefusalContext();
  return resources.flatMap((r) => {
    const refusals = refusalsOf(r.type, r.name, r.inputs, ctx);
    if (answer) recordCreated(ctx, r.type, r.inputs, answer(r));
    return refusals;
  });
}
