/**
 * Every rule over every shipped stack x tier: prod violates no mandatory rule; dev violates exactly
 * the documented exceptions (policy/exceptions.ts), so a new violation fails here until it is fixed
 * or explained.
 */
import { describe, expect, it } from "vitest";
import { DEV_EXCEPTIONS } from "../../policy/exceptions";
import { ACKNOWLEDGEMENT_RULES, ACKNOWLEDGEMENT_TAG_PREFIX, evaluatePolicies, type PolicyResource, RULES, type Violation } from "../../policy/index";
import { WEAKENING } from "../support/weakenings";
import { type RenderedGraph, rendered, stackTierMatrix } from "../support/graph";

const nameOf = (g: RenderedGraph, v: Violation) => g.resources.find((r) => r.urn === v.resourceUrn)?.name ?? v.resourceUrn;
const mandatory = (g: RenderedGraph) => evaluatePolicies(g).filter((v) => v.enforcement === "mandatory");
const keyed = (g: RenderedGraph, vs: Violation[]) => vs.map((v) => `${v.ruleId} @ ${nameOf(g, v)}`).sort();

/** Rules with nothing to judge in the shipped stacks, and why (everything else must see a resource). */
const NOT_EXERCISED: Record<string, string> = {
  "sqs-policy-not-public": "no queue policy: producers get access through their IAM roles",
  "secret-rotation-interval": "no SecretRotation resources (generated credentials; see secret-rotation-enabled)",
  "subnet-no-auto-public-ip": "subnets live inside the awsx VPC component, opaque under mocks",
  "ebs-volume-encrypted": "no standalone EBS volumes (node disks are launch-template devices)",
  "efs-encrypted": "no EFS (models come from S3)",
  "rds-cluster-encrypted": "PostgreSQL runs on RDS instances, not Aurora",
  "rds-cluster-deletion-protection": "PostgreSQL runs on RDS instances, not Aurora",
  "rds-cluster-backups": "PostgreSQL runs on RDS instances, not Aurora",
};

describe.each(stackTierMatrix())("policy on $stack at $tier", ({ stack, tier }) => {
  it(stack.startsWith("prod") ? "violates no mandatory rule" : "violates exactly the documented dev exceptions", async () => {
    const g = await rendered(stack, tier);
    const found = keyed(g, mandatory(g));
    if (g.config.environment === "prod") {
      expect(found).toEqual([]);
    } else {
      expect(found).toEqual(DEV_EXCEPTIONS.flatMap((e) => e.resources.map((r) => `${e.ruleId} @ ${r}`)).sort());
    }
  });
});

describe("the rules run on real resources", () => {
  it("every rule sees at least one resource of its types in some shipped stack, unless listed as not exercised", async () => {
    const types = new Set<string>();
    for (const { stack, tier } of stackTierMatrix()) for (const r of (await rendered(stack, tier)).resources) types.add(r.type);
    const idle = RULES.filter((r) => !r.resourceTypes.some((t) => types.has(t))).map((r) => r.id);
    expect(idle.sort()).toEqual(Object.keys(NOT_EXERCISED).sort());
  });

  it("every dev exception names a real rule, is mandatory, and carries a reason", () => {
    for (const e of DEV_EXCEPTIONS) {
      const rule = RULES.find((r) => r.id === e.ruleId);
      expect(rule?.enforcement, e.ruleId).toBe("mandatory");
      expect(e.reason.length).toBeGreaterThan(15);
    }
  });

});

/**
 * An acknowledged weakening passes the pack: config stamps `guardrails:acknowledged:<name>` through the
 * provider's default tags, and exactly the rules policy/acknowledgements.ts lists for the name turn into
 * advisory "acknowledged" findings; nothing stays mandatory (a CrossGuard preview no longer blocks what
 * config accepted). Without the tag the same graph is blocked by those rules.
 */
it("every rule an acknowledgement may downgrade is a real mandatory rule", () => {
  for (const ids of Object.values(ACKNOWLEDGEMENT_RULES)) for (const id of ids) expect(RULES.find((r) => r.id === id)?.enforcement, id).toBe("mandatory");
});

describe.each(Object.entries(WEAKENING))("acknowledged weakening %s passes the pack", (ack, config) => {
  it("0 mandatory violations; the acknowledged findings are exactly the listed rules", async () => {
    const { tier, ...rest } = config;
    const g = await rendered("prod", (tier ?? "10k") as "10k", { ...rest, acknowledge: JSON.stringify([ack]) });
    const all = evaluatePolicies(g);
    expect(keyed(g, all.filter((v) => v.enforcement === "mandatory"))).toEqual([]);
    const acknowledged = [...new Set(all.filter((v) => v.acknowledgedBy === ack).map((v) => v.ruleId))].sort();
    const listed: string[] = ACKNOWLEDGEMENT_RULES[ack as keyof typeof ACKNOWLEDGEMENT_RULES];
    for (const id of acknowledged) expect(listed, `${id} is downgraded but not listed for ${ack}`).toContain(id);
    if (listed.length > 0) expect(acknowledged.length, "the weakening trips none of its listed rules").toBeGreaterThan(0);
    // The side door stays shut: strip the acknowledgement tag and the listed rules block again.
    const stripped = { resources: structuredClone(g.resources) as PolicyResource[] };
    for (const r of stripped.resources) {
      if (typeof r.inputs.defaultTags !== "string") continue;
      const d = JSON.parse(r.inputs.defaultTags) as { tags: Record<string, string> };
      for (const k of Object.keys(d.tags)) if (k.startsWith(ACKNOWLEDGEMENT_TAG_PREFIX)) delete d.tags[k];
      r.inputs.defaultTags = JSON.stringify(d);
    }
    const blocked = [...new Set(evaluatePolicies(stripped).filter((v) => v.enforcement === "mandatory").map((v) => v.ruleId))].sort();
    expect(blocked).toEqual(acknowledged);
  });
});

/** Mutations of the real prod graph: the joins work on the ids and names the program really produces. */
describe("graph rules bite on the real prod graph", () => {
  const clone = (g: RenderedGraph) => ({ resources: structuredClone(g.resources) as PolicyResource[] });
  const byName = (g: { resources: PolicyResource[] }, name: string) => {
    const r = g.resources.find((x) => x.name === name);
    if (!r) throw new Error(`no ${name}`);
    return r;
  };
  const fired = (g: { resources: PolicyResource[] }, id: string) =>
    evaluatePolicies(g, RULES.filter((r) => r.id === id)).map((v) => g.resources.find((r) => r.urn === v.resourceUrn)?.name);

  const CASES: { rule: string; mutate: (g: { resources: PolicyResource[] }) => void; flagged: string }[] = [
    {
      rule: "datastore-ingress-from-platform-groups",
      mutate: (g) => {
        const db = byName(g, "network-database-sg");
        g.resources.push({ ...db, urn: `${db.urn}-office`, name: "office-to-db", type: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", inputs: { securityGroupId: db.id, cidrIpv4: "10.20.0.0/16", fromPort: 5432, toPort: 5432, ipProtocol: "tcp" } });
      },
      flagged: "office-to-db",
    },
    {
      rule: "world-ingress-only-on-alb",
      mutate: (g) => {
        const sg = byName(g, "network-gateway-sg");
        g.resources.push({ ...sg, urn: `${sg.urn}-world`, name: "world-to-gateway", type: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", inputs: { securityGroupId: sg.id, cidrIpv4: "0.0.0.0/0", fromPort: 8080, toPort: 8080, ipProtocol: "tcp" } });
      },
      flagged: "world-to-gateway",
    },
    {
      rule: "only-alb-internet-facing",
      mutate: (g) => {
        const alb = byName(g, "gateway-alb");
        const svc = byName(g, "gateway-api-service");
        (svc.inputs.networkConfiguration as Record<string, unknown>).subnets = alb.inputs.subnets;
      },
      flagged: "gateway-api-service",
    },
    { rule: "s3-bucket-versioning", mutate: (g) => (g.resources = g.resources.filter((r) => r.name !== "storage-models-versioning")), flagged: "storage-models" },
    { rule: "s3-bucket-public-access-block", mutate: (g) => (g.resources = g.resources.filter((r) => r.name !== "storage-artifacts-public-access")), flagged: "storage-artifacts" },
    { rule: "sqs-has-dlq", mutate: (g) => delete byName(g, "queues-sprint-jobs").inputs.redrivePolicy, flagged: "queues-sprint-jobs" },
    { rule: "dlq-has-alarm", mutate: (g) => (g.resources = g.resources.filter((r) => r.name !== "observability-queues-paid-dlq-not-empty")), flagged: "queues-paid-dlq" },
    { rule: "log-group-rds-exports-managed", mutate: (g) => (g.resources = g.resources.filter((r) => r.name !== "database-writer-logs-iam-db-auth-error")), flagged: "database-writer" },
    { rule: "alb-has-waf", mutate: (g) => (g.resources = g.resources.filter((r) => r.type !== "aws:wafv2/webAclAssociation:WebAclAssociation")), flagged: "gateway-alb" },
    { rule: "k8s-network-policy", mutate: (g) => (g.resources = g.resources.filter((r) => r.type !== "kubernetes:networking.k8s.io/v1:NetworkPolicy")), flagged: "inference-triton" },
  ];

  it.each(CASES)("$rule flags $flagged", async ({ rule, mutate, flagged }) => {
    const real = await rendered("prod", "10k");
    const g = clone(real);
    expect(fired(g, rule)).toEqual([]);
    mutate(g);
    expect(fired(g, rule)).toEqual([flagged]);
  });
});
