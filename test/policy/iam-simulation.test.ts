/**
 * IAM least privilege, proven by simulation: every role in the graph gets its policies collected
 * (inline RolePolicy, customer managed Policy + attachments, AWS managed attachments) and evaluated
 * with @cloud-copilot/iam-simulate against the exact ARNs of the rendered stack: what a role needs is
 * Allowed, dangerous requests are denied. Runs on every shipped stack x tier.
 */
import { describe, expect, it } from "vitest";
import { statementsOf } from "../../policy/index";
import { MOCK_ACCOUNT_ID } from "../../src/plan/mocks";
import { PRIORITIES } from "../../sizing";
import { type RenderedGraph, ofType, rendered, stackTierMatrix } from "../support/graph";
import { type Arns, AWS_MANAGED, arns, decide, policiesOf } from "../support/iam";

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
    // triton-inference-server/core src/filesystem/implementations/s3.h: CheckClient() and IsDirectory()
    // call HeadBucket, which S3 authorises as s3:ListBucket with no s3:prefix in the request.
    allow("s3:ListBucket", (a) => a.models, "HeadBucket when Triton opens the model repository (no s3:prefix)"),
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
