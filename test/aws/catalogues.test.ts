/**
 * Every AWS call each workload makes (test/aws/catalogue.ts, from the workloads' upstream sources)
 * is simulated against the rendered identity policies and the resource policies AWS would evaluate
 * (KMS key policy, bucket policies), on every shipped stack × tier: all must be Allowed. The
 * requests come from the workloads' configuration in the graph (workloads.ts), not from the policies.
 */
import { runSimulation } from "@cloud-copilot/iam-simulate";
import { describe, expect, it } from "vitest";
import { ofType, type RenderedGraph, rendered, stackTierMatrix } from "../support/graph";
import { arnOf, decide, decideByStatements, SIMULATOR_GAPS } from "../support/iam";
import { catalogues, externalDnsCatalogue, flowLogsCatalogue, type WorkloadCatalogue } from "./catalogue";
import { PRIORITIES } from "../../sizing";
import { workloadFacts } from "./workloads";

describe.each(stackTierMatrix())("workload call catalogues on $stack at $tier", ({ stack, tier }) => {
  it("every role in the graph has a catalogue, and every catalogue a role", async () => {
    const g = await rendered(stack, tier);
    const roles = ofType(g, "aws:iam/role:Role").map((r) => r.name).sort();
    const f = workloadFacts(g);
    const all = [...catalogues(f), ...(f.flowLogGroupArn ? [flowLogsCatalogue] : [])];
    const listed = all.map((c) => c.role);
    const stale = all.filter((c) => !c.onlyWhere && !roles.includes(c.role)).map((c) => c.role);
    expect({ missing: roles.filter((r) => !listed.includes(r)), stale }).toEqual({ missing: [], stale: [] });
  });

  it("AWS allows every catalogued call of every workload", async () => {
    const g = await rendered(stack, tier);
    const f = workloadFacts(g);
    const all: WorkloadCatalogue[] = [...catalogues(f), ...(f.flowLogGroupArn ? [flowLogsCatalogue] : [])];
    const refused: string[] = [];
    const unasked: string[] = [];
    let simulated = 0;
    for (const c of all) {
      const role = ofType(g, "aws:iam/role:Role").find((r) => r.name === c.role);
      if (!role && c.onlyWhere) continue;
      if (!role) throw new Error(`no role ${c.role}`);
      for (const call of c.calls) {
        const requests = ([] as string[]).concat(call.resource(f));
        if (requests.length === 0) unasked.push(`${c.role}: ${call.api}`);
        for (const requested of requests) {
          expect(requested, `${c.role}: ${call.api} has no resource`).not.toBe("");
          // `key#secret`: a KMS request on the key whose context names the secret.
          const resource = requested.split("#")[0];
          const context = call.context?.(f, requested) ?? {};
          const decision =
            SIMULATOR_GAPS.has(call.action) && !/:loadbalancer\//.test(resource)
              ? decideByStatements(g, role, call.action, resource, context)
              : await decide(g, role, call.action, resource, context).catch((e: Error) => `error: ${e.message.slice(0, 120)}`);
          simulated++;
          if (decision !== "Allowed") refused.push(`${c.role} (${c.workload}): ${call.api} as ${call.action} on ${resource} → ${decision} [${call.source}]`);
        }
      }
    }
    expect(refused).toEqual([]);
    // Every catalogued call makes at least one request (the wake queue's too: it exists at every tier).
    expect(f.tritonWake).toBeDefined();
    expect(unasked).toEqual([]);
    expect(simulated).toBeGreaterThan(150);
  });

  it("KEDA watches every job queue and the wake queue (the one the gateway signals), at every tier", async () => {
    const g = await rendered(stack, tier);
    const f = workloadFacts(g);
    const wakeQueues = ofType(g, "aws:sqs/queue:Queue").filter((q) => /-triton-wake$/.test(String(q.inputs.name)));
    expect(f.tritonWake).toBeDefined();
    expect(wakeQueues.map(arnOf)).toEqual([f.tritonWake?.arn]);
    expect([...f.keda.queueArns].sort()).toEqual([...Object.values(f.queues).map((q) => q.arn), f.tritonWake?.arn].sort());
  });
});

/** Whether an IRSA trust policy admits `system:serviceaccount:<ns>:<sa>` of this cluster's issuer (StringEquals/StringLike on sub and aud). */
function irsaTrustAdmits(trust: string, f: ReturnType<typeof workloadFacts>, namespace: string, serviceAccount: string): boolean {
  type S = { Effect: string; Action: string | string[]; Principal?: { Federated?: string }; Condition?: Record<string, Record<string, string | string[]>> };
  const request: Record<string, string> = { [`${f.irsa.issuerHost}:sub`]: `system:serviceaccount:${namespace}:${serviceAccount}`, [`${f.irsa.issuerHost}:aud`]: "sts.amazonaws.com" };
  return (JSON.parse(trust) as { Statement: S[] }).Statement.some(
    (s) =>
      s.Effect === "Allow" &&
      ([] as string[]).concat(s.Action).includes("sts:AssumeRoleWithWebIdentity") &&
      s.Principal?.Federated === f.irsa.providerArn &&
      Object.entries(s.Condition ?? {}).every(([op, keys]) =>
        Object.entries(keys).every(([k, v]) => {
          if (op !== "StringEquals" && op !== "StringLike") throw new Error(`IRSA trust uses ${op}; extend this check`);
          const want = ([] as string[]).concat(v);
          return request[k] !== undefined && want.some((w) => (op === "StringEquals" ? w === request[k] : new RegExp(`^${w.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*")}$`).test(request[k])));
        }),
      ),
  );
}

describe.each(stackTierMatrix())("who assumes each role on $stack at $tier", ({ stack, tier }) => {
  it("each service role trusts the service that runs it (with the aws:SourceAccount it sends), and no other account", async () => {
    const g = await rendered(stack, tier);
    const f = workloadFacts(g);
    const refused: string[] = [];
    for (const c of [...catalogues(f), flowLogsCatalogue].filter((x) => x.assumedBy !== "irsa")) {
      const role = ofType(g, "aws:iam/role:Role").find((r) => r.name === c.role);
      if (!role) continue;
      const trust = JSON.parse(String(role.inputs.assumeRolePolicy)) as unknown;
      const ask = async (account: string) => {
        const r = await runSimulation(
          {
            request: { principal: c.assumedBy, action: "sts:AssumeRole", resource: { resource: arnOf(role), accountId: f.account }, contextVariables: { "aws:SourceAccount": account } },
            identityPolicies: [],
            resourcePolicy: trust as never,
            serviceControlPolicies: [],
            resourceControlPolicies: [],
          },
          {},
        );
        return r.resultType === "error" ? `error ${JSON.stringify(r.errors).slice(0, 200)}` : r.overallResult;
      };
      const own = await ask(f.account);
      if (own !== "Allowed") refused.push(`${c.role}: ${c.assumedBy} → ${own}`);
      // EC2 and EKS do not send aws:SourceAccount for node and cluster roles; the others must pin it.
      if (!["ec2.amazonaws.com", "eks.amazonaws.com"].includes(c.assumedBy) && (await ask("999999999999")) === "Allowed") refused.push(`${c.role}: another account's ${c.assumedBy} is trusted`);
    }
    expect(refused).toEqual([]);
  });

  it("each IRSA role is annotated on exactly one service account, and its trust admits exactly that one", async () => {
    const g = await rendered(stack, tier);
    const f = workloadFacts(g);
    const problems: string[] = [];
    for (const c of catalogues(f).filter((x) => x.assumedBy === "irsa")) {
      const role = ofType(g, "aws:iam/role:Role").find((r) => r.name === c.role)!;
      const bound = f.irsa.bindings.filter((b) => b.roleArn === arnOf(role));
      if (bound.length !== 1) {
        problems.push(`${c.role}: annotated on ${bound.length} service accounts`);
        continue;
      }
      const trust = String(role.inputs.assumeRolePolicy);
      if (!irsaTrustAdmits(trust, f, bound[0].namespace, bound[0].serviceAccount)) problems.push(`${c.role}: trust refuses ${bound[0].namespace}/${bound[0].serviceAccount}`);
      if (irsaTrustAdmits(trust, f, bound[0].namespace, "default")) problems.push(`${c.role}: trust admits ${bound[0].namespace}/default`);
    }
    expect(problems).toEqual([]);
    expect(f.irsa.bindings.length).toBe(catalogues(f).filter((x) => x.assumedBy === "irsa").length);
    // IAM names the provider after its URL, so the trust's Federated principal and its `<issuer>:sub`
    // keys agree in AWS exactly when the provider is registered for the cluster's own issuer.
    expect(ofType(g, "aws:iam/openIdConnectProvider:OpenIdConnectProvider")[0].inputs.url).toBe(`https://${f.irsa.issuerHost}`);
  });
});

type Statement = { Sid?: string; Action?: unknown };

/** The graph with one inline policy's statements filtered: a grant removed, to prove its call is then refused. */
function withStatements(g: RenderedGraph, policyName: string, keep: (st: Statement) => boolean): RenderedGraph {
  const policy = ofType(g, "aws:iam/rolePolicy:RolePolicy").find((p) => p.name === policyName)!;
  const doc = JSON.parse(String(policy.inputs.policy)) as { Statement: Statement[] };
  const kept = doc.Statement.filter(keep);
  expect(kept.length, `${policyName}: the filter removes something`).toBeLessThan(doc.Statement.length);
  const edited = { ...policy, inputs: { ...policy.inputs, policy: JSON.stringify({ ...doc, Statement: kept }) } };
  return { ...g, resources: g.resources.map((r) => (r === policy ? edited : r)) };
}

describe("the catalogues themselves", () => {
  it("name an upstream source and a moment for every call", async () => {
    const all = [externalDnsCatalogue, flowLogsCatalogue];
    for (const { stack, tier } of stackTierMatrix()) all.push(...catalogues(workloadFacts(await rendered(stack, tier))));
    for (const c of all) {
      for (const call of c.calls) {
        expect(call.source, `${c.role}: ${call.api}`).toMatch(/^(https:\/\/docs\.aws\.amazon\.com\/|[\w.-]+\/[\w.-]+ |README\.md )/);
        expect(call.when.length, `${c.role}: ${call.api}`).toBeGreaterThan(3);
      }
    }
  });

  it("build requests from the workloads' configuration (Triton's repository, the workers' predefined queues, ECS secrets)", async () => {
    const f = workloadFacts(await rendered("prod", "100k"));
    expect(f.triton.prefix).toBe("triton");
    expect(f.ecs["workers-free"].secrets.length).toBeGreaterThanOrEqual(1);
    expect(f.queues.sprint.arn).toMatch(/:inference-platform-prod-jobs-sprint$/);
    expect(f.gpuAsg.tags[`k8s.io/cluster-autoscaler/${f.clusterName}`]).toBe("owned");
    // One worker service per priority, each consuming only its own queue; Triton always up, behind an NLB
    // that ExternalDNS names in the private zone (one name at every tier, the TLS certificate's), and the
    // wake queue there all the same (every tier has it, so a tier switch keeps it).
    expect(f.workers.map((w) => [w.rolePrefix, w.priorities, w.defaultQueueArn])).toEqual(PRIORITIES.map((p) => [`workers-${p}`, [p], f.queues[p].arn]));
    expect(f.tritonWake?.arn).toMatch(/:inference-platform-prod-triton-wake$/);
    expect(f.privateDns?.hostname).toBe("triton.inference-platform-prod.internal");
  });

  it("read the 1k shape from the graph: one shared worker on all three queues, the wake queue, ExternalDNS's zone and name", async () => {
    const f = workloadFacts(await rendered("prod", "1k"));
    expect(f.workers).toEqual([{ rolePrefix: "workers-shared", priorities: ["sprint", "paid", "free"], defaultQueueArn: f.queues.free.arn }]);
    expect(f.ecs["workers-shared"].secrets.length).toBeGreaterThanOrEqual(1);
    expect(f.tritonWake?.arn).toMatch(/:inference-platform-prod-triton-wake$/);
    expect(f.tritonWake?.keyArn).toBe(f.keyArn);
    expect(f.privateDns).toMatchObject({ zoneName: "inference-platform-prod.internal", hostname: "triton.inference-platform-prod.internal", registryTxtName: "a-triton.inference-platform-prod.internal" });
    expect(f.privateDns?.zoneArn).toMatch(/^arn:aws:route53:::hostedzone\//);
    const roles = catalogues(f).map((c) => c.role);
    expect(roles).toEqual(expect.arrayContaining(["workers-shared-execution-role", "workers-shared-task-role", "inference-external-dns-role"]));
    expect(roles.filter((r) => /^workers-(free|paid|sprint)-/.test(r))).toEqual([]);
  });

  it("a refused call fails the simulation (the shared worker without one queue's consume statement)", async () => {
    const g = await rendered("prod", "1k");
    const f = workloadFacts(g);
    const role = ofType(g, "aws:iam/role:Role").find((r) => r.name === "workers-shared-task-role")!;
    const statements = (graph: RenderedGraph) =>
      (JSON.parse(String(ofType(graph, "aws:iam/rolePolicy:RolePolicy").find((p) => p.name === "workers-shared-task-policy")!.inputs.policy)) as { Statement: unknown[] }).Statement.length;
    const broken = withStatements(g, "workers-shared-task-policy", (st) => st.Sid !== "ConsumeFreeJobs");
    expect(statements(g) - statements(broken)).toBe(1);
    for (const p of PRIORITIES) expect(await decide(g, role, "sqs:ReceiveMessage", f.queues[p].arn)).toBe("Allowed");
    expect(await decide(broken, role, "sqs:ReceiveMessage", f.queues.free.arn)).toBe("ImplicitlyDenied");
    expect(await decide(broken, role, "sqs:ReceiveMessage", f.queues.paid.arn)).toBe("Allowed");
  });

  it("a refused call fails the simulation (ExternalDNS's record changes with its policy on another zone)", async () => {
    const g = await rendered("prod", "1k");
    const f = workloadFacts(g);
    const role = ofType(g, "aws:iam/role:Role").find((r) => r.name === "inference-external-dns-role")!;
    const policy = ofType(g, "aws:iam/rolePolicy:RolePolicy").find((p) => p.name === "inference-external-dns-policy")!;
    const otherZone = `arn:aws:route53:::hostedzone/${String(g.config.hostedZoneId)}`;
    const broken = { ...g, resources: g.resources.map((r) => (r === policy ? { ...r, inputs: { ...r.inputs, policy: String(r.inputs.policy).split(f.privateDns!.zoneArn).join(otherZone) } } : r)) };
    expect(String(broken.resources.find((r) => r.name === policy.name)!.inputs.policy)).toContain(otherZone);
    for (const action of ["route53:ChangeResourceRecordSets", "route53:ListResourceRecordSets"]) {
      expect(await decide(g, role, action, f.privateDns!.zoneArn)).toBe("Allowed");
      expect(await decide(broken, role, action, f.privateDns!.zoneArn)).toBe("ImplicitlyDenied");
    }
  });

  it("a refused call fails the simulation (the gateway's rds-db:connect without Database.grantConnect)", async () => {
    const g = await rendered("prod", "100k");
    const f = workloadFacts(g);
    const role = ofType(g, "aws:iam/role:Role").find((r) => r.name === "gateway-api-task-role")!;
    const entries = catalogues(f).find((c) => c.role === role.name)!.calls.filter((c) => c.action === "rds-db:connect");
    expect(entries.length).toBe(2);
    const broken = withStatements(g, "gateway-api-task-policy", (st) => !JSON.stringify(st.Action).includes("rds-db:connect"));
    for (const call of entries) {
      expect(await decide(g, role, call.action, String(call.resource(f)))).toBe("Allowed");
      expect(await decide(broken, role, call.action, String(call.resource(f)))).toBe("ImplicitlyDenied");
    }
  });

  it("a refused call fails the simulation (Triton's HeadBucket without the no-prefix ListBucket)", async () => {
    const g = await rendered("prod", "10k");
    const f = workloadFacts(g);
    const triton = ofType(g, "aws:iam/role:Role").find((r) => r.name === "inference-triton-role")!;
    const broken = withStatements(g, "inference-triton-policy", (st) => !/HeadBucket$/.test(st.Sid ?? ""));
    expect(await decide(g, triton, "s3:ListBucket", f.triton.bucketArn)).toBe("Allowed");
    expect(await decide(broken, triton, "s3:ListBucket", f.triton.bucketArn)).toBe("ImplicitlyDenied");
  });
});
