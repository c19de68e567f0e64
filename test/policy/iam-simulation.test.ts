/**
 * IAM least privilege, proven by simulation: every role in the graph gets its policies collected
 * (inline RolePolicy, customer managed Policy + attachments, AWS managed attachments) and evaluated
 * with @cloud-copilot/iam-simulate against the exact ARNs of the rendered stack: what a role needs is
 * Allowed, dangerous requests are denied. Runs on every shipped stack x tier.
 */
import { runSimulation } from "@cloud-copilot/iam-simulate";
import { describe, expect, it } from "vitest";
import { refersTo, statementsOf } from "../../policy/index";
import { MOCK_ACCOUNT_ID, mockResource } from "../../src/plan/mocks";
import { PRIORITIES } from "../../src/tiers";
import { type RenderedGraph, type RenderedResource, ofType, rendered, stackTierMatrix } from "../support/graph";

type Decision = "Allowed" | "ExplicitlyDenied" | "ImplicitlyDenied";
interface Doc {
  name: string;
  policy: unknown;
}

/** What the mock cloud answers for a resource: its ARN, name, url... exactly what policies reference. */
function outputsOf(r: RenderedResource): Record<string, unknown> {
  return mockResource({ type: r.type, name: r.name, inputs: r.inputs, custom: true } as never).state as Record<string, unknown>;
}
const arnOf = (r: RenderedResource) => String(outputsOf(r).arn);

/**
 * AWS managed policies the platform attaches, abbreviated to the statements that matter here (the
 * simulator cannot fetch them). None of them grants S3, SQS, Secrets Manager or iam:PassRole, which is
 * what the denials below rely on; an attachment not listed here fails the test.
 */
const AWS_MANAGED: Record<string, { Effect: "Allow"; Action: string[]; Resource: string }[]> = {
  AmazonEKSWorkerNodePolicy: [{ Effect: "Allow", Action: ["ec2:DescribeInstances", "ec2:DescribeRouteTables", "ec2:DescribeSecurityGroups", "ec2:DescribeSubnets", "ec2:DescribeVolumes", "ec2:DescribeVpcs", "eks:DescribeCluster", "eks-auth:AssumeRoleForPodIdentity"], Resource: "*" }],
  AmazonEC2ContainerRegistryPullOnly: [{ Effect: "Allow", Action: ["ecr:GetAuthorizationToken", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchImportUpstreamImage"], Resource: "*" }],
  AmazonEC2ContainerRegistryReadOnly: [{ Effect: "Allow", Action: ["ecr:GetAuthorizationToken", "ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage", "ecr:DescribeRepositories", "ecr:ListImages"], Resource: "*" }],
  AmazonEKS_CNI_Policy: [{ Effect: "Allow", Action: ["ec2:AssignPrivateIpAddresses", "ec2:AttachNetworkInterface", "ec2:CreateNetworkInterface", "ec2:DeleteNetworkInterface", "ec2:DescribeInstances", "ec2:DescribeNetworkInterfaces", "ec2:DetachNetworkInterface", "ec2:ModifyNetworkInterfaceAttribute", "ec2:UnassignPrivateIpAddresses"], Resource: "*" }],
  AmazonEKSClusterPolicy: [{ Effect: "Allow", Action: ["autoscaling:DescribeAutoScalingGroups", "ec2:CreateNetworkInterface", "ec2:DescribeSubnets", "ec2:DescribeVpcs", "elasticloadbalancing:DescribeLoadBalancers", "kms:DescribeKey"], Resource: "*" }],
  AmazonRDSEnhancedMonitoringRole: [{ Effect: "Allow", Action: ["logs:CreateLogGroup", "logs:PutRetentionPolicy", "logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams", "logs:GetLogEvents"], Resource: "arn:aws:logs:*:*:log-group:RDS*" }],
};

/** Every identity policy that applies to a role. */
function policiesOf(g: RenderedGraph, role: RenderedResource): Doc[] {
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
function resourcePolicyFor(g: RenderedGraph, resource: string): unknown {
  const key = ofType(g, "aws:kms/key:Key").find((k) => arnOf(k) === resource);
  if (key) return JSON.parse(String(key.inputs.policy));
  const bucket = ofType(g, "aws:s3/bucket:Bucket").find((b) => resource === arnOf(b) || resource.startsWith(`${arnOf(b)}/`));
  const policy = bucket && ofType(g, "aws:s3/bucketPolicy:BucketPolicy").find((p) => refersTo(p.inputs.bucket, bucket));
  return policy ? JSON.parse(String(policy.inputs.policy)) : undefined;
}

async function decide(g: RenderedGraph, role: RenderedResource, action: string, resource: string, context: Record<string, string> = {}): Promise<Decision> {
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
function arns(g: RenderedGraph) {
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
    cacheSecret: arnOf(ofType(g, "aws:secretsmanager/secret:Secret")[0]),
    asg: `arn:aws:autoscaling:us-east-1:${MOCK_ACCOUNT_ID}:autoScalingGroup:11111111-2222-3333-4444-555555555555:autoScalingGroupName/eks-gpu-nodes`,
    otherRole: `arn:aws:iam::${MOCK_ACCOUNT_ID}:role/some-admin-role`,
  };
}

type Arns = ReturnType<typeof arns>;
interface Case {
  action: string;
  resource: (a: Arns) => string;
  context?: (a: Arns) => Record<string, string>;
  expect: "allow" | "deny";
  why: string;
}
const allow = (action: string, resource: Case["resource"], why: string, context?: Case["context"]): Case => ({ action, resource, context, expect: "allow", why });
const deny = (action: string, resource: Case["resource"], why: string, context?: Case["context"]): Case => ({ action, resource, context, expect: "deny", why });

const obj = (bucket: string, key: string) => `${bucket}/${key}`;
const otherQueues = (mine: string) => PRIORITIES.filter((p) => p !== mine);

/** Per role (logical name): what it must be able to do, and what it must not. */
const ROLE_CASES: Record<string, Case[]> = {
  "gateway-api-task-role": [
    ...PRIORITIES.map((p) => allow("sqs:SendMessage", (a) => a.jobs[p], `enqueue ${p} jobs`)),
    allow("s3:PutObject", (a) => obj(a.artifacts, "users/u1/sha256/ab"), "upload artifacts"),
    allow("kms:GenerateDataKey", (a) => a.key, "encrypt jobs"),
    deny("s3:DeleteBucket", (a) => a.artifacts, "never delete buckets"),
    deny("s3:DeleteBucket", (a) => a.models, "never delete buckets"),
    deny("s3:PutObject", (a) => obj(a.models, "triton/model/1/model.onnx"), "cannot write the model repository"),
    deny("sqs:ReceiveMessage", (a) => a.jobs.sprint, "the gateway only enqueues"),
    deny("sqs:PurgeQueue", (a) => a.jobs.free, "no purging"),
  ],
  "gateway-api-execution-role": [
    allow("ecr:GetAuthorizationToken", () => "*", "pull images"),
    allow("secretsmanager:GetSecretValue", (a) => a.cacheSecret, "inject the cache auth token"),
    deny("secretsmanager:GetSecretValue", () => `arn:aws:secretsmanager:us-east-1:${MOCK_ACCOUNT_ID}:secret:someone-elses-abcdef`, "only its own secrets"),
    deny("s3:GetObject", (a) => obj(a.artifacts, "x"), "the execution role reads no data"),
  ],
  "inference-triton-role": [
    allow("s3:GetObject", (a) => obj(a.models, `${a.modelPrefix}/resnet/1/model.onnx`), "load the model repository"),
    allow("s3:ListBucket", (a) => a.models, "list the model repository", (a) => ({ "s3:prefix": `${a.modelPrefix}/` })),
    deny("s3:ListBucket", (a) => a.models, "list only its prefix", () => ({ "s3:prefix": "users/" })),
    deny("s3:PutObject", (a) => obj(a.models, "triton/x"), "Triton never writes"),
    deny("s3:PutObject", (a) => obj(a.artifacts, "x"), "Triton never writes"),
    deny("s3:PutObject", (a) => obj(a.datasets, "x"), "Triton never writes"),
    deny("s3:GetObject", (a) => obj(a.artifacts, "users/u1/x"), "no user data"),
    deny("s3:DeleteObject", (a) => obj(a.models, "triton/x"), "Triton never deletes"),
  ],
  "inference-cluster-autoscaler-role": [
    allow("autoscaling:SetDesiredCapacity", (a) => a.asg, "scale this cluster's node groups", (a) => ({ [`aws:ResourceTag/k8s.io/cluster-autoscaler/${a.clusterName}`]: "owned" })),
    allow("autoscaling:DescribeAutoScalingGroups", () => "*", "discover node groups"),
    deny("autoscaling:SetDesiredCapacity", (a) => a.asg, "not another cluster's groups"),
    deny("autoscaling:DeleteAutoScalingGroup", (a) => a.asg, "never delete groups"),
    deny("ec2:TerminateInstances", () => `arn:aws:ec2:us-east-1:${MOCK_ACCOUNT_ID}:instance/i-0123456789abcdef0`, "only through the ASG"),
  ],
  "inference-lb-controller-role": [
    allow("elasticloadbalancing:CreateLoadBalancer", () => `arn:aws:elasticloadbalancing:us-east-1:${MOCK_ACCOUNT_ID}:loadbalancer/net/k8s-triton/0123456789abcdef`, "create Triton's NLB", (a) => ({ "aws:RequestTag/elbv2.k8s.aws/cluster": a.clusterName })),
    allow("elasticloadbalancing:DescribeLoadBalancers", () => "*", "discover load balancers"),
    deny("elasticloadbalancing:DeleteLoadBalancer", (g) => `arn:aws:elasticloadbalancing:us-east-1:${MOCK_ACCOUNT_ID}:loadbalancer/app/public-api/${g.clusterName.length}`, "cannot delete load balancers it did not create"),
    deny("ec2:AuthorizeSecurityGroupIngress", () => `arn:aws:ec2:us-east-1:${MOCK_ACCOUNT_ID}:security-group/sg-0123456789abcdef0`, "cannot open the platform's own security groups"),
  ],
  "inference-keda-role": [
    ...PRIORITIES.map((p) => allow("sqs:GetQueueAttributes", (a) => a.jobs[p], `read ${p} backlog`)),
    deny("sqs:ReceiveMessage", (a) => a.jobs.free, "KEDA reads depth, never messages"),
  ],
  "inference-otel-collector-role": [
    allow("logs:DescribeLogGroups", () => "*", "find its log group"),
    deny("logs:DeleteLogGroup", () => `arn:aws:logs:us-east-1:${MOCK_ACCOUNT_ID}:log-group:/inference-platform/prod/ecs/gateway`, "never delete logs"),
  ],
  "network-flow-logs-role": [deny("logs:DeleteLogGroup", () => `arn:aws:logs:us-east-1:${MOCK_ACCOUNT_ID}:log-group:/x`, "write only")],
  "database-monitoring-role": [deny("rds:DeleteDBInstance", () => `arn:aws:rds:us-east-1:${MOCK_ACCOUNT_ID}:db:inference-platform-db`, "monitoring only")],
  "inference-cluster-role": [deny("s3:GetObject", (a) => obj(a.models, "triton/x"), "the control plane reads no data")],
  "inference-system-node-role": [
    allow("ecr:GetAuthorizationToken", () => "*", "pull images"),
    deny("s3:PutObject", (a) => obj(a.models, "triton/x"), "nodes carry no data access (pods use IRSA)"),
    deny("s3:GetObject", (a) => obj(a.models, "triton/x"), "nodes carry no data access (pods use IRSA)"),
  ],
  "inference-gpu-node-role": [
    allow("ecr:GetAuthorizationToken", () => "*", "pull images"),
    deny("s3:GetObject", (a) => obj(a.models, "triton/x"), "nodes carry no data access (Triton uses IRSA)"),
  ],
};
for (const p of PRIORITIES) {
  ROLE_CASES[`workers-${p}-task-role`] = [
    allow("sqs:ReceiveMessage", (a) => a.jobs[p], `consume ${p} jobs`),
    allow("sqs:DeleteMessage", (a) => a.jobs[p], `ack ${p} jobs`),
    allow("s3:PutObject", (a) => obj(a.artifacts, "users/u1/sha256/ab"), "write results"),
    allow("sqs:SendMessage", (a) => a.jobs[p], `re-queue a retried ${p} job (Celery Task.retry)`),
    ...otherQueues(p).map((o) => deny("sqs:ReceiveMessage", (a) => a.jobs[o], `a ${p} worker cannot take ${o} jobs`)),
    ...otherQueues(p).map((o) => deny("sqs:SendMessage", (a) => a.jobs[o], `a ${p} worker cannot enqueue ${o} jobs`)),
    deny("sqs:ReceiveMessage", (a) => a.dlq(p), "the DLQ is for humans"),
    deny("s3:PutObject", (a) => obj(a.models, "triton/x"), "workers cannot change the models"),
    deny("s3:DeleteBucket", (a) => a.artifacts, "never delete buckets"),
  ];
  ROLE_CASES[`workers-${p}-execution-role`] = [
    allow("ecr:GetAuthorizationToken", () => "*", "pull images"),
    deny("sqs:ReceiveMessage", (a) => a.jobs[p], "the execution role reads no jobs"),
  ];
}

// The shared worker (workers.shared, 1k) consumes every priority's queue, and nothing else.
ROLE_CASES["workers-shared-task-role"] = [
  ...PRIORITIES.flatMap((p) => [
    allow("sqs:ReceiveMessage", (a: Arns) => a.jobs[p], `consume ${p} jobs`),
    allow("sqs:DeleteMessage", (a: Arns) => a.jobs[p], `ack ${p} jobs`),
    deny("sqs:ReceiveMessage", (a: Arns) => a.dlq(p), "the DLQ is for humans"),
  ]),
  allow("s3:PutObject", (a) => obj(a.artifacts, "users/u1/sha256/ab"), "write results"),
  deny("s3:PutObject", (a) => obj(a.models, "triton/x"), "workers cannot change the models"),
  deny("sqs:PurgeQueue", (a) => a.jobs.free, "no purging"),
];
ROLE_CASES["workers-shared-execution-role"] = [
  allow("ecr:GetAuthorizationToken", () => "*", "pull images"),
  deny("sqs:ReceiveMessage", (a) => a.jobs.free, "the execution role reads no jobs"),
];
// ExternalDNS (triton.endpoint privateDns, 1k): records of its own private zone only.
ROLE_CASES["inference-external-dns-role"] = [
  allow("route53:ListHostedZones", () => "*", "find its zone"),
  deny("route53:ChangeResourceRecordSets", () => "arn:aws:route53:::hostedzone/ZSOMEONEELSE", "only its own zone"),
  deny("route53:DeleteHostedZone", () => "arn:aws:route53:::hostedzone/ZSOMEONEELSE", "never delete zones"),
  deny("s3:GetObject", (a) => obj(a.models, "triton/x"), "no data access"),
];

/** Requests no role may make, whatever it is. */
const NOBODY: Case[] = [
  deny("iam:PassRole", (a) => a.otherRole, "no PassRole to an arbitrary role"),
  deny("iam:CreateUser", () => `arn:aws:iam::${MOCK_ACCOUNT_ID}:user/backdoor`, "no identity management"),
  deny("iam:AttachRolePolicy", (a) => a.otherRole, "no privilege escalation"),
  deny("kms:ScheduleKeyDeletion", (a) => a.key, "nobody deletes the data key"),
  deny("s3:DeleteBucket", (a) => a.models, "nobody deletes buckets"),
  deny("s3:PutBucketPolicy", (a) => a.artifacts, "nobody rewrites bucket policies"),
  deny("sqs:DeleteQueue", (a) => a.jobs.free, "nobody deletes queues"),
  deny("sts:AssumeRole", (a) => a.otherRole, "no role chaining"),
];

describe.each(stackTierMatrix())("IAM on $stack at $tier", ({ stack, tier }) => {
  it("every role in the graph has simulation cases", async () => {
    const g = await rendered(stack, tier);
    const roles = ofType(g, "aws:iam/role:Role").map((r) => r.name);
    expect(roles.filter((r) => !ROLE_CASES[r])).toEqual([]);
    // A sanity floor: 1k runs one shared worker service (two roles instead of six).
    expect(roles.length).toBeGreaterThanOrEqual(12);
  });

  it("no identity policy allows a `*` action, and iam:PassRole is never on `*`", async () => {
    const g = await rendered(stack, tier);
    for (const role of ofType(g, "aws:iam/role:Role")) {
      for (const doc of policiesOf(g, role).filter((d) => !AWS_MANAGED[d.name])) {
        for (const s of statementsOf(doc.policy).filter((x) => x.Effect === "Allow")) {
          const actions = ([] as string[]).concat(s.Action ?? []);
          expect(actions.filter((a) => a === "*" || /:\*$/.test(a)), `${role.name}/${doc.name}`).toEqual([]);
          if (actions.some((a) => /^iam:PassRole$/i.test(a))) expect(([] as string[]).concat(s.Resource ?? []), `${role.name}/${doc.name}`).not.toContain("*");
        }
      }
    }
  });

  it("each role can do what it needs on the exact resources, and nothing dangerous", async () => {
    const g = await rendered(stack, tier);
    const a = arns(g);
    const failures: string[] = [];
    let simulated = 0;
    for (const role of ofType(g, "aws:iam/role:Role")) {
      for (const c of [...(ROLE_CASES[role.name] ?? []), ...NOBODY]) {
        const resource = c.resource(a);
        const decision = await decide(g, role, c.action, resource, c.context?.(a) ?? {});
        simulated++;
        const ok = c.expect === "allow" ? decision === "Allowed" : decision !== "Allowed";
        if (!ok) failures.push(`${role.name}: ${c.action} on ${resource} was ${decision}, expected ${c.expect} (${c.why})`);
      }
    }
    expect(failures).toEqual([]);
    expect(simulated).toBeGreaterThan(150);
  });
});

describe("the simulation harness itself", () => {
  it("every role with cases exists in some shipped stack (no stale cases)", async () => {
    const seen = new Set<string>();
    for (const { stack, tier } of stackTierMatrix()) for (const r of ofType(await rendered(stack, tier), "aws:iam/role:Role")) seen.add(r.name);
    expect([...seen].sort()).toEqual(Object.keys(ROLE_CASES).sort());
  });

  it("detects a role that is too broad", async () => {
    const g = await rendered("prod", "10k");
    const triton = ofType(g, "aws:iam/role:Role").find((r) => r.name === "inference-triton-role")!;
    const broad: RenderedGraph = {
      ...g,
      resources: [
        ...g.resources,
        { ...triton, urn: `${triton.urn}-extra`, type: "aws:iam/rolePolicy:RolePolicy", name: "extra", inputs: { role: triton.id, policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "s3:PutObject", Resource: "arn:aws:s3:::*/*" }] }) } },
      ],
    };
    expect(await decide(broad, triton, "s3:PutObject", `${arns(g).models}/triton/x`)).toBe("Allowed");
    expect(await decide(g, triton, "s3:PutObject", `${arns(g).models}/triton/x`)).toBe("ImplicitlyDenied");
  });
});
