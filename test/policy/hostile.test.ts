/**
 * Hostile edits of a graph the pack must not wave through (issue 13, "Semantics, not strings"): each
 * case mutates a compliant graph (the fixture graph, or the real rendered prod graph) the way an
 * attacker or a careless edit would, and asserts the EXACT set of mandatory rules that fire. Cases
 * marked `[]` are the semantic near-misses that must stay quiet (a scoped public principal, a narrow
 * CIDR), so the rules are not simply "anything unusual fails".
 */
import { describe, expect, it } from "vitest";
import { evaluatePolicies, type PolicyGraph, type PolicyResource } from "../../policy/index";
import { rendered, type RenderedGraph } from "../support/graph";
import { goodGraph, identityPolicy, json, res } from "./fixtures";

type Graph = PolicyGraph;
const find = (g: Graph, name: string): PolicyResource => {
  const r = g.resources.find((x) => x.name === name);
  if (!r) throw new Error(`no ${name}`);
  return r;
};
const mandatoryIds = (g: Graph) => [...new Set(evaluatePolicies(g).filter((v) => v.enforcement === "mandatory").map((v) => v.ruleId))].sort();

const identity = (statements: Record<string, unknown>[]) => (g: Graph) => {
  find(g, "gateway-task-policy").inputs.policy = identityPolicy(statements);
};
const resourcePolicy = (name: string, statements: Record<string, unknown>[]) => (g: Graph) => {
  find(g, name).inputs.policy = identityPolicy(statements);
};
const trust = (statement: Record<string, unknown>) => (g: Graph) => {
  find(g, "gateway-task-role").inputs.assumeRolePolicy = json({ Version: "2012-10-17", Statement: [{ Action: "sts:AssumeRole", Effect: "Allow", ...statement }] });
};
const ingress = (name: string, inputs: Record<string, unknown>) => (g: Graph) => {
  g.resources.push(res("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", name, { ipProtocol: "tcp", description: "x", ...inputs }));
};
const eksCidrs = (cidrs: string[]) => (g: Graph) => {
  (find(g, "eks").inputs.vpcConfig as Record<string, unknown>).publicAccessCidrs = cidrs;
};
const BUCKET = "arn:aws:s3:::proj-prod-models-abc";
const get = (extra: Record<string, unknown> = {}) => ({ Sid: "Open", Effect: "Allow", Action: "s3:GetObject", Resource: `${BUCKET}/*`, ...extra });

const FIXTURE_CASES: { name: string; mutate: (g: Graph) => void; fires: string[] }[] = [
  // CIDRs: "the internet" is coverage, not the string 0.0.0.0/0.
  { name: "two /1 blocks on a non-ALB group", mutate: (g) => { ingress("half-a", { securityGroupId: "sg-gateway", cidrIpv4: "0.0.0.0/1", fromPort: 8080, toPort: 8080 })(g); ingress("half-b", { securityGroupId: "sg-gateway", cidrIpv4: "128.0.0.0/1", fromPort: 8080, toPort: 8080 })(g); }, fires: ["world-ingress-only-on-alb"] },
  { name: "a /0 written with host bits on a non-ALB group", mutate: ingress("host-bits", { securityGroupId: "sg-gateway", cidrIpv4: "1.2.3.4/0", fromPort: 8080, toPort: 8080 }), fires: ["world-ingress-only-on-alb"] },
  { name: "::/0 on a non-ALB group", mutate: ingress("v6", { securityGroupId: "sg-gateway", cidrIpv6: "::/0", fromPort: 8080, toPort: 8080 }), fires: ["world-ingress-only-on-alb"] },
  { name: "2000::/3 (all global unicast) on a non-ALB group", mutate: ingress("v6-global", { securityGroupId: "sg-gateway", cidrIpv6: "2000::/3", fromPort: 8080, toPort: 8080 }), fires: ["world-ingress-only-on-alb"] },
  { name: "a /7 of public space on a non-ALB group", mutate: ingress("wide", { securityGroupId: "sg-gateway", cidrIpv4: "8.0.0.0/7", fromPort: 8080, toPort: 8080 }), fires: ["world-ingress-only-on-alb"] },
  { name: "SSH from 1.2.3.4/0", mutate: ingress("ssh", { securityGroupId: "sg-gateway", cidrIpv4: "1.2.3.4/0", fromPort: 22, toPort: 22 }), fires: ["sg-no-world-admin-ports", "world-ingress-only-on-alb"] },
  { name: "RDP from ::/0", mutate: ingress("rdp", { securityGroupId: "sg-gateway", cidrIpv6: "::/0", fromPort: 3389, toPort: 3389 }), fires: ["sg-no-world-admin-ports", "world-ingress-only-on-alb"] },
  { name: "the ALB open on 8443 from 0.0.0.0/1 in an inline security group rule list", mutate: (g) => g.resources.push(res("aws:ec2/securityGroupRule:SecurityGroupRule", "alb-8443", { type: "ingress", securityGroupId: "sg-alb", cidrBlocks: ["0.0.0.0/1", "128.0.0.0/1"], fromPort: 8443, toPort: 8443, protocol: "tcp", description: "x" })), fires: ["world-ingress-only-on-alb"] },
  { name: "a narrow office /24 on the gateway (not the internet)", mutate: ingress("office", { securityGroupId: "sg-gateway", cidrIpv4: "203.0.113.0/24", fromPort: 8080, toPort: 8080 }), fires: [] },
  { name: "a private 10/8 on the gateway (not the internet)", mutate: ingress("vpn", { securityGroupId: "sg-gateway", cidrIpv4: "10.0.0.0/8", fromPort: 8080, toPort: 8080 }), fires: [] },
  { name: "EKS endpoint open through two /1 blocks", mutate: eksCidrs(["0.0.0.0/1", "128.0.0.0/1"]), fires: ["eks-endpoint-restricted"] },
  { name: "EKS endpoint with an empty CIDR list (EKS default 0.0.0.0/0)", mutate: eksCidrs([]), fires: ["eks-endpoint-restricted"] },
  { name: "EKS endpoint with 1.2.3.4/0", mutate: eksCidrs(["1.2.3.4/0"]), fires: ["eks-endpoint-restricted"] },
  { name: "EKS endpoint with four /2 blocks", mutate: eksCidrs(["0.0.0.0/2", "64.0.0.0/2", "128.0.0.0/2", "192.0.0.0/2"]), fires: ["eks-endpoint-restricted"] },
  { name: "EKS endpoint with a /24 (restricted)", mutate: eksCidrs(["198.51.100.0/24"]), fires: [] },
  // IAM wildcards as globs.
  { name: "iam:?* (every IAM action)", mutate: identity([{ Effect: "Allow", Action: "iam:?*", Resource: "arn:aws:iam::123456789012:role/x" }]), fires: ["iam-no-star-action"] },
  { name: "iam:?* on every role", mutate: identity([{ Effect: "Allow", Action: "iam:?*", Resource: "arn:aws:iam::123456789012:role/*" }]), fires: ["iam-no-passrole-star", "iam-no-star-action"] },
  { name: "s3:** (every S3 action)", mutate: identity([{ Effect: "Allow", Action: "s3:**", Resource: `${BUCKET}/*` }]), fires: ["iam-no-star-action"] },
  { name: "*:GetObject (wildcard service)", mutate: identity([{ Effect: "Allow", Action: "*:GetObject", Resource: `${BUCKET}/*` }]), fires: ["iam-no-star-action"] },
  { name: "NotAction in an Allow", mutate: identity([{ Effect: "Allow", NotAction: "iam:*", Resource: `${BUCKET}/*` }]), fires: ["iam-no-star-action"] },
  { name: "s3:GetObject on arn:aws:s3:::*", mutate: identity([{ Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::*" }]), fires: ["iam-no-star-resource"] },
  { name: "s3:GetObject on every object of every bucket", mutate: identity([{ Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::*/*" }]), fires: ["iam-no-star-resource"] },
  { name: "sqs:SendMessage on arn:*:*:*:*:*", mutate: identity([{ Effect: "Allow", Action: "sqs:SendMessage", Resource: "arn:*:*:*:*:*" }]), fires: ["iam-no-star-resource"] },
  { name: "NotResource in an Allow", mutate: identity([{ Effect: "Allow", Action: "s3:GetObject", NotResource: `${BUCKET}/private/*` }]), fires: ["iam-no-star-resource"] },
  { name: "kms:Decrypt on arn:aws:kms:*:*:*", mutate: identity([{ Effect: "Allow", Action: "kms:Decrypt", Resource: "arn:aws:kms:*:*:*" }]), fires: ["iam-no-kms-decrypt-star", "iam-no-star-resource"] },
  { name: "kms:De* on every key of the account", mutate: identity([{ Effect: "Allow", Action: "kms:De*", Resource: "arn:aws:kms:us-east-1:123456789012:key/*" }]), fires: ["iam-no-kms-decrypt-star"] },
  { name: "kms:?ecrypt on every key", mutate: identity([{ Effect: "Allow", Action: "kms:?ecrypt", Resource: "arn:aws:kms:us-east-1:123456789012:key/*" }]), fires: ["iam-no-kms-decrypt-star"] },
  { name: "kms:Decrypt with NotResource", mutate: identity([{ Effect: "Allow", Action: "kms:Decrypt", NotResource: "arn:aws:kms:us-east-1:123456789012:key/none" }]), fires: ["iam-no-kms-decrypt-star", "iam-no-star-resource"] },
  { name: "iam:Pass?ole on every role", mutate: identity([{ Effect: "Allow", Action: "iam:Pass?ole", Resource: "arn:aws:iam::123456789012:role/*" }]), fires: ["iam-no-passrole-star"] },
  { name: "iam:*Role on a wildcard role path", mutate: identity([{ Effect: "Allow", Action: "iam:*Role", Resource: "arn:aws:iam::123456789012:role/service/*" }]), fires: ["iam-no-passrole-star"] },
  { name: "iam:PassRole on arn:aws:iam::*:role/x", mutate: identity([{ Effect: "Allow", Action: "iam:PassRole", Resource: "arn:aws:iam::123456789012:role/app-?" }]), fires: ["iam-no-passrole-star"] },
  { name: "kms:Decrypt on one named key (fine)", mutate: identity([{ Effect: "Allow", Action: "kms:Decrypt", Resource: "arn:aws:kms:us-east-1:123456789012:key/0a1b2c3d-0000-4000-8000-1234567890ab" }]), fires: [] },
  // Image pins, by the OCI grammar config uses.
  { name: "ECS image tagged LATEST in capitals", mutate: (g) => { find(g, "gateway-task").inputs.containerDefinitions = JSON.stringify([{ ...(JSON.parse(String(find(g, "gateway-task").inputs.containerDefinitions)) as Record<string, unknown>[])[0], image: "123456789012.dkr.ecr.us-east-1.amazonaws.com/proj-gateway:LATEST" }]); }, fires: ["ecs-task-pinned-image"] },
  { name: "ECS image with a glob tag", mutate: (g) => { find(g, "gateway-task").inputs.containerDefinitions = JSON.stringify([{ ...(JSON.parse(String(find(g, "gateway-task").inputs.containerDefinitions)) as Record<string, unknown>[])[0], image: "123456789012.dkr.ecr.us-east-1.amazonaws.com/proj-gateway:1.*" }]); }, fires: ["ecs-task-pinned-image"] },
  { name: "ECS image from a registry with a port, tag and digest (fine)", mutate: (g) => { find(g, "gateway-task").inputs.containerDefinitions = JSON.stringify([{ ...(JSON.parse(String(find(g, "gateway-task").inputs.containerDefinitions)) as Record<string, unknown>[])[0], image: `registry.example.com:5000/team/gateway:1.2.3@sha256:${"b".repeat(64)}` }]); }, fires: [] },
  { name: "s3:Get* on one bucket's objects (fine)", mutate: identity([{ Effect: "Allow", Action: "s3:Get*", Resource: `${BUCKET}/*` }]), fires: [] },
  // Public principals in every spelling; only known scoping conditions exempt.
  { name: "bucket policy Principal {AWS: [\"*\"]}", mutate: resourcePolicy("models-policy", [get({ Principal: { AWS: ["*"] } })]), fires: ["s3-bucket-tls-only", "s3-policy-no-public-principal"] },
  { name: "bucket policy Principal {AWS: \"*\"} conditioned only on TLS", mutate: resourcePolicy("models-policy", [get({ Principal: { AWS: "*" }, Condition: { Bool: { "aws:SecureTransport": "true" } } })]), fires: ["s3-bucket-tls-only", "s3-policy-no-public-principal"] },
  { name: "bucket policy NotPrincipal", mutate: resourcePolicy("models-policy", [get({ NotPrincipal: { AWS: "arn:aws:iam::123456789012:root" } })]), fires: ["s3-bucket-tls-only", "s3-policy-no-public-principal"] },
  { name: "bucket policy Principal arn:aws:iam::*:root", mutate: resourcePolicy("models-policy", [get({ Principal: { AWS: "arn:aws:iam::*:root" } })]), fires: ["s3-bucket-tls-only", "s3-policy-no-public-principal"] },
  { name: "bucket policy Principal \"*\" with aws:SourceArn \"*\"", mutate: resourcePolicy("models-policy", [get({ Principal: "*", Condition: { ArnLike: { "aws:SourceArn": "*" } } })]), fires: ["s3-bucket-tls-only", "s3-policy-no-public-principal"] },
  { name: "bucket policy Principal \"*\" with a negated aws:SourceAccount", mutate: resourcePolicy("models-policy", [get({ Principal: "*", Condition: { StringNotEquals: { "aws:SourceAccount": "123456789012" } } })]), fires: ["s3-bucket-tls-only", "s3-policy-no-public-principal"] },
  { name: "bucket policy Principal \"*\" with aws:SourceIp covering the internet", mutate: resourcePolicy("models-policy", [get({ Principal: "*", Condition: { IpAddress: { "aws:SourceIp": ["0.0.0.0/1", "128.0.0.0/1"] } } })]), fires: ["s3-bucket-tls-only", "s3-policy-no-public-principal"] },
  { name: "bucket policy Principal \"*\" with an unknown condition key", mutate: resourcePolicy("models-policy", [get({ Principal: "*", Condition: { StringEquals: { "aws:UserAgent": "curl" } } })]), fires: ["s3-bucket-tls-only", "s3-policy-no-public-principal"] },
  { name: "bucket policy Principal \"*\" pinned to the account (aws:PrincipalAccount; not public)", mutate: resourcePolicy("models-policy", [get({ Principal: "*", Condition: { StringEquals: { "aws:PrincipalAccount": "123456789012" } } })]), fires: ["s3-bucket-tls-only"] },
  { name: "bucket policy Principal \"*\" pinned to a VPC endpoint (not public)", mutate: resourcePolicy("models-policy", [get({ Principal: "*", Condition: { StringEquals: { "aws:SourceVpce": "vpce-0a1b2c3d" } } })]), fires: ["s3-bucket-tls-only"] },
  { name: "key policy Principal {AWS: [\"*\"]} via a service only", mutate: resourcePolicy("keys-key", [{ Effect: "Allow", Principal: { AWS: ["*"] }, Action: "kms:Decrypt", Resource: "*", Condition: { StringEquals: { "kms:ViaService": "s3.us-east-1.amazonaws.com" } } }]), fires: ["kms-key-policy-no-public-principal"] },
  { name: "key policy NotPrincipal", mutate: resourcePolicy("keys-key", [{ Effect: "Allow", NotPrincipal: { AWS: "arn:aws:iam::123456789012:role/x" }, Action: "kms:Decrypt", Resource: "*" }]), fires: ["kms-key-policy-no-public-principal"] },
  { name: "key policy Principal \"*\" pinned by kms:CallerAccount (not public)", mutate: resourcePolicy("keys-key", [{ Effect: "Allow", Principal: "*", Action: "kms:Decrypt", Resource: "*", Condition: { StringEquals: { "kms:CallerAccount": "123456789012" } } }]), fires: [] },
  { name: "topic policy Principal {AWS: [\"*\"]}", mutate: resourcePolicy("alerts-policy", [{ Effect: "Allow", Principal: { AWS: ["*"] }, Action: "sns:Publish", Resource: "*" }]), fires: ["sns-topic-policy-not-public"] },
  { name: "topic policy Principal \"*\" with aws:SourceOwner wildcard", mutate: resourcePolicy("alerts-policy", [{ Effect: "Allow", Principal: "*", Action: "sns:Publish", Resource: "*", Condition: { StringLike: { "aws:SourceOwner": "*" } } }]), fires: ["sns-topic-policy-not-public"] },
  { name: "queue policy NotPrincipal", mutate: resourcePolicy("jobs-free-policy", [{ Effect: "Allow", NotPrincipal: { Service: "events.amazonaws.com" }, Action: "sqs:SendMessage", Resource: "*" }]), fires: ["sqs-policy-not-public"] },
  { name: "queue policy sqs:?* for a named service", mutate: resourcePolicy("jobs-free-policy", [{ Effect: "Allow", Principal: { Service: "events.amazonaws.com" }, Action: "sqs:?*", Resource: "*" }]), fires: ["sqs-policy-not-public"] },
  { name: "role trust {AWS: [\"*\"]}", mutate: trust({ Principal: { AWS: ["*"] } }), fires: ["iam-trust-scoped"] },
  { name: "role trust NotPrincipal", mutate: trust({ NotPrincipal: { AWS: "arn:aws:iam::123456789012:root" } }), fires: ["iam-trust-scoped"] },
  { name: "role trust arn:aws:iam::*:root", mutate: trust({ Principal: { AWS: "arn:aws:iam::*:root" } }), fires: ["iam-trust-scoped"] },
  { name: "role trust \"*\" confined to the organisation (aws:PrincipalOrgID)", mutate: trust({ Principal: "*", Condition: { StringEquals: { "aws:PrincipalOrgID": "o-a1b2c3d4e5" } } }), fires: [] },
];

describe("hostile edits of the compliant fixture graph fire exactly the right mandatory rules", () => {
  it("the unedited fixture graph has none", () => {
    expect(mandatoryIds(goodGraph())).toEqual([]);
  });
  it.each(FIXTURE_CASES)("$name → $fires", ({ mutate, fires }) => {
    const g = goodGraph();
    mutate(g);
    expect(mandatoryIds(g)).toEqual([...fires].sort());
  });
});

/** The same tricks on the real rendered prod graph: the joins work on the ids the program produces. */
describe("hostile edits of the real prod graph", () => {
  const clone = (g: RenderedGraph): Graph => ({ resources: structuredClone(g.resources) as PolicyResource[] });
  const keyed = (g: Graph) =>
    evaluatePolicies(g)
      .filter((v) => v.enforcement === "mandatory")
      .map((v) => `${v.ruleId} @ ${g.resources.find((r) => r.urn === v.resourceUrn)?.name}`)
      .sort();
  const sgRule = (g: Graph, group: string, name: string, inputs: Record<string, unknown>) => {
    const sg = find(g, group);
    g.resources.push({ ...sg, urn: `${sg.urn}-${name}`, name, type: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", inputs: { securityGroupId: sg.id, ipProtocol: "tcp", description: "x", ...inputs } });
  };
  const CASES: { name: string; mutate: (g: Graph) => void; fires: string[] }[] = [
    { name: "database reachable from 0.0.0.0/1 + 128.0.0.0/1", mutate: (g) => { sgRule(g, "network-database-sg", "db-a", { cidrIpv4: "0.0.0.0/1", fromPort: 5432, toPort: 5432 }); sgRule(g, "network-database-sg", "db-b", { cidrIpv4: "128.0.0.0/1", fromPort: 5432, toPort: 5432 }); }, fires: ["datastore-ingress-from-platform-groups @ db-a", "datastore-ingress-from-platform-groups @ db-b", "world-ingress-only-on-alb @ db-a", "world-ingress-only-on-alb @ db-b"].sort() },
    { name: "gateway tasks reachable from 1.2.3.4/0", mutate: (g) => sgRule(g, "network-gateway-sg", "gw-world", { cidrIpv4: "1.2.3.4/0", fromPort: 8080, toPort: 8080 }), fires: ["world-ingress-only-on-alb @ gw-world"] },
    { name: "cache reachable from ::/0", mutate: (g) => sgRule(g, "network-cache-sg", "cache-world", { cidrIpv6: "::/0", fromPort: 6379, toPort: 6379 }), fires: ["datastore-ingress-from-platform-groups @ cache-world", "world-ingress-only-on-alb @ cache-world"] },
    { name: "SSH to the gateway tasks from four /2 blocks", mutate: (g) => { for (const [i, c] of ["0.0.0.0/2", "64.0.0.0/2", "128.0.0.0/2", "192.0.0.0/2"].entries()) sgRule(g, "network-gateway-sg", `ssh-${i}`, { cidrIpv4: c, fromPort: 22, toPort: 22 }); }, fires: [0, 1, 2, 3].flatMap((i) => [`sg-no-world-admin-ports @ ssh-${i}`, `world-ingress-only-on-alb @ ssh-${i}`]).sort() },
    { name: "Kubernetes API opened with two /1 blocks", mutate: (g) => { (find(g, "inference-cluster").inputs.vpcConfig as Record<string, unknown>).publicAccessCidrs = ["0.0.0.0/1", "128.0.0.0/1"]; }, fires: ["eks-endpoint-restricted @ inference-cluster"] },
    { name: "Kubernetes API with an empty CIDR list", mutate: (g) => { (find(g, "inference-cluster").inputs.vpcConfig as Record<string, unknown>).publicAccessCidrs = []; }, fires: ["eks-endpoint-restricted @ inference-cluster"] },
    // Stateful types an edit or a Transform can add.
    { name: "an unencrypted EBS volume", mutate: (g) => g.resources.push(res("aws:ebs/volume:Volume", "scratch", { availabilityZone: "us-east-1a", size: 500 })), fires: ["ebs-volume-encrypted @ scratch"] },
    { name: "an EFS file system on the AWS-managed key", mutate: (g) => g.resources.push(res("aws:efs/fileSystem:FileSystem", "shared", { encrypted: true })), fires: ["efs-encrypted @ shared"] },
    { name: "an unencrypted EFS file system", mutate: (g) => g.resources.push(res("aws:efs/fileSystem:FileSystem", "shared", {})), fires: ["efs-encrypted @ shared"] },
    { name: "an Aurora cluster with nothing set", mutate: (g) => g.resources.push(res("aws:rds/cluster:Cluster", "aurora", { engine: "aurora-postgresql" })), fires: ["rds-cluster-backups @ aurora", "rds-cluster-deletion-protection @ aurora", "rds-cluster-encrypted @ aurora"] },
    { name: "a public Aurora instance", mutate: (g) => g.resources.push(res("aws:rds/clusterInstance:ClusterInstance", "aurora-1", { clusterIdentifier: "aurora", instanceClass: "db.r6g.large", publiclyAccessible: true })), fires: ["rds-not-public @ aurora-1"] },
    { name: "an internet-facing Kubernetes Ingress", mutate: (g) => g.resources.push(res("kubernetes:networking.k8s.io/v1:Ingress", "side-door", { metadata: { annotations: { "alb.ingress.kubernetes.io/scheme": "internet-facing" } }, spec: { ingressClassName: "alb" } })), fires: ["only-alb-internet-facing @ side-door"] },
    { name: "a launch-template device without encryption", mutate: (g) => { find(g, "inference-system-lt").inputs.blockDeviceMappings = [{ deviceName: "/dev/xvdb", ebs: { volumeSize: 500 } }]; }, fires: ["launch-template-ebs-encrypted @ inference-system-lt"] },
  ];
  it.each(CASES)("$name", async ({ mutate, fires }) => {
    const g = clone(await rendered("prod", "10k"));
    expect(keyed(g)).toEqual([]);
    mutate(g);
    expect(keyed(g)).toEqual(fires);
  });
});

/**
 * A first real preview: nothing exists yet, so every id and every input computed from one is unknown
 * (the engine shows undefined/unknown). The pack must neither block the unmodified prod graph nor wave
 * the hostile edits through because it cannot join by id.
 */
describe("a first real preview (ids unknown)", () => {
  const firstPreview = (g: RenderedGraph): Graph => {
    const ids = [...new Set(g.resources.map((r) => r.id).filter((x): x is string => !!x))];
    const blank = (v: unknown): unknown => {
      if (typeof v === "string") return ids.some((id) => v.includes(id)) ? undefined : v;
      if (Array.isArray(v)) return v.map(blank);
      if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, blank(x)]));
      return v;
    };
    return { resources: g.resources.map((r) => ({ ...r, id: undefined, inputs: blank(structuredClone(r.inputs)) as Record<string, unknown> })) };
  };
  const keyed = (g: Graph) =>
    evaluatePolicies(g)
      .filter((v) => v.enforcement === "mandatory")
      .map((v) => `${v.ruleId} @ ${g.resources.find((r) => r.urn === v.resourceUrn)?.name}`)
      .sort();
  const unknownGroupRule = (name: string, inputs: Record<string, unknown>) => (g: Graph) =>
    g.resources.push(res("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", name, { securityGroupId: undefined, ipProtocol: "tcp", description: "x", ...inputs }, undefined as unknown as string));

  it("the unmodified prod graph has no mandatory violation", async () => {
    expect(keyed(firstPreview(await rendered("prod", "10k")))).toEqual([]);
  });
  it.each([
    { name: "the internet on 8080 of a group not known yet", mutate: unknownGroupRule("w8080", { cidrIpv4: "0.0.0.0/0", fromPort: 8080, toPort: 8080 }), fires: ["world-ingress-only-on-alb @ w8080"] },
    { name: "the internet on all ports (two /1) of a group not known yet", mutate: (g: Graph) => { unknownGroupRule("wa", { cidrIpv4: "0.0.0.0/1", ipProtocol: "-1" })(g); }, fires: ["datastore-ingress-from-platform-groups @ wa", "sg-no-world-admin-ports @ wa", "world-ingress-only-on-alb @ wa"] },
    { name: "an office CIDR on PostgreSQL's port of a group not known yet", mutate: unknownGroupRule("pg", { cidrIpv4: "10.20.0.0/16", fromPort: 5432, toPort: 5432 }), fires: ["datastore-ingress-from-platform-groups @ pg"] },
    { name: "the internet on Redis's port of a group not known yet", mutate: unknownGroupRule("redis", { cidrIpv6: "::/0", fromPort: 6379, toPort: 6379 }), fires: ["datastore-ingress-from-platform-groups @ redis", "world-ingress-only-on-alb @ redis"] },
    { name: "all traffic from an office range of a group not known yet (not the NAT shape)", mutate: unknownGroupRule("office", { cidrIpv4: "10.20.0.0/16", ipProtocol: "-1" }), fires: ["datastore-ingress-from-platform-groups @ office"] },
    { name: "an empty EKS CIDR list", mutate: (g: Graph) => { (find(g, "inference-cluster").inputs.vpcConfig as Record<string, unknown>).publicAccessCidrs = []; }, fires: ["eks-endpoint-restricted @ inference-cluster"] },
  ])("$name", async ({ mutate, fires }) => {
    const g = firstPreview(await rendered("prod", "10k"));
    mutate(g);
    expect(keyed(g)).toEqual(fires);
  });
});
