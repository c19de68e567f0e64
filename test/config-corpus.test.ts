/**
 * Hostile config corpus (issue 13): each case is refused with EXACTLY the text `pulumi up` prints for
 * it (test/support/cli-format.ts runs the refusal through @pulumi/pulumi's own cmd/run formatting).
 * Categories: CIDR semantics, empty-means-open lists, VPC bounds, image references, ARNs, prod
 * naming, prod weakenings, AWS limits (tasks, tags, budget, memory units, zones), secrets.
 */
import { describe, expect, it } from "vitest";
import { parsePlatformConfig } from "../src/config";
import { cliPrints } from "./support/cli-format";

const CERT = "arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-0000-4000-8000-1234567890ab";
const o = (v: unknown) => JSON.stringify(v);
/** How a refusal shows a long value: JSON, cut at 77 characters plus "...". */
const trunc = (v: unknown) => {
  const j = JSON.stringify(v);
  return j.length > 80 ? `${j.slice(0, 77)}...` : j;
};
const dev = { project: "inference-platform", stack: "dev", region: "us-east-1" };
const prod = { ...dev, stack: "prod" };
const prodBase = { tier: "10k", certificateArn: CERT, eksPublicAccessCidrs: o(["203.0.113.0/24"]) };

function printed(raw: Record<string, string>, ctx: Parameters<typeof parsePlatformConfig>[1] = dev): string {
  try {
    parsePlatformConfig(raw, ctx);
  } catch (e) {
    return cliPrints(e);
  }
  return "(accepted)";
}

/** One refusal: the config, the context, and the problem lines `pulumi up` prints (after the header). */
interface Case {
  name: string;
  raw: Record<string, string>;
  ctx?: Parameters<typeof parsePlatformConfig>[1];
  lines: string[];
}

const C = (name: string, raw: Record<string, string>, lines: string[], ctx?: Case["ctx"]): Case => ({ name, raw, ctx, lines });

const CASES: Case[] = [
  // CIDRs.
  C("EKS CIDR with host bits", { tier: "1k", eksPublicAccessCidrs: o(["203.0.113.7/24"]) }, ['  - eksPublicAccessCidrs.0 = "203.0.113.7/24": expected the network address 203.0.113.0/24 (host bits are set below the /24 prefix)']),
  C("EKS CIDR 1.2.3.4/0 (host bits on a /0)", { tier: "1k", eksPublicAccessCidrs: o(["1.2.3.4/0"]) }, ['  - eksPublicAccessCidrs.0 = "1.2.3.4/0": expected the network address 0.0.0.0/0 (host bits are set below the /0 prefix)']),
  C("EKS CIDR in IPv6 on an IPv4 cluster", { tier: "1k", eksPublicAccessCidrs: o(["::/0"]) }, ['  - eksPublicAccessCidrs.0 = "::/0": expected an IPv4 CIDR block (the cluster is IPv4; EKS accepts IPv6 blocks only on IPv6 clusters)']),
  C("EKS CIDR without a prefix", { tier: "1k", eksPublicAccessCidrs: o(["203.0.113.7"]) }, ['  - eksPublicAccessCidrs.0 = "203.0.113.7": expected a CIDR block such as 203.0.113.0/24 (address/prefix)']),
  C("EKS CIDR with an octal-looking octet", { tier: "1k", eksPublicAccessCidrs: o(["010.0.0.0/8"]) }, ['  - eksPublicAccessCidrs.0 = "010.0.0.0/8": expected an IPv4 address of four decimal octets 0-255']),
  C("EKS CIDR list empty (EKS default 0.0.0.0/0)", { tier: "1k", eksPublicAccessCidrs: o([]) }, ["  - eksPublicAccessCidrs = []: expected at least one block: an empty list makes EKS apply its default, 0.0.0.0/0 (open to the internet)"]),
  C("prod EKS CIDR list empty", prodBaseWith({ eksPublicAccessCidrs: o([]) }), ["  - eksPublicAccessCidrs = []: expected at least one block: an empty list makes EKS apply its default, 0.0.0.0/0 (open to the internet)"], prod),
  C("prod EKS open through two /1 blocks", prodBaseWith({ eksPublicAccessCidrs: o(["0.0.0.0/1", "128.0.0.0/1"]) }), ['  - eksPublicAccessCidrs = ["0.0.0.0/1","128.0.0.0/1"]: weakens prod safety; add "prod-public-eks-endpoint" to the acknowledge list if this is intended'], prod),
  C("prod EKS open through four /2 blocks", prodBaseWith({ eksPublicAccessCidrs: o(["0.0.0.0/2", "64.0.0.0/2", "128.0.0.0/2", "192.0.0.0/2"]) }), ['  - eksPublicAccessCidrs = ["0.0.0.0/2","64.0.0.0/2","128.0.0.0/2","192.0.0.0/2"]: weakens prod safety; add "prod-public-eks-endpoint" to the acknowledge list if this is intended'], prod),
  C("prod EKS open through a /7 of public space", prodBaseWith({ eksPublicAccessCidrs: o(["8.0.0.0/7"]) }), ['  - eksPublicAccessCidrs = ["8.0.0.0/7"]: weakens prod safety; add "prod-public-eks-endpoint" to the acknowledge list if this is intended'], prod),
  C("VPC block larger than AWS allows", { tier: "1k", overrides: o({ network: { vpcCidr: "10.0.0.0/8" } }) }, ['  - overrides.network.vpcCidr = "10.0.0.0/8": expected a prefix length between /16 and /28 (AWS VPC blocks are /16 to /28)']),
  C("VPC block smaller than AWS allows", { tier: "1k", overrides: o({ network: { vpcCidr: "10.0.0.0/29" } }) }, ['  - overrides.network.vpcCidr = "10.0.0.0/29": expected a prefix length between /16 and /28 (AWS VPC blocks are /16 to /28)']),
  C("VPC block with host bits", { tier: "1k", overrides: o({ network: { vpcCidr: "10.0.1.0/16" } }) }, ['  - overrides.network.vpcCidr = "10.0.1.0/16": expected the network address 10.0.0.0/16 (host bits are set below the /16 prefix)']),
  C("VPC block in IPv6", { tier: "1k", overrides: o({ network: { vpcCidr: "fd00::/56" } }) }, ['  - overrides.network.vpcCidr = "fd00::/56": expected an IPv4 CIDR block (AWS VPC blocks are /16 to /28)']),
  C("VPC block AWS allows but the AZ layout cannot hold", { tier: "1k", overrides: o({ network: { vpcCidr: "10.0.0.0/20" } }) }, ["  - overrides.network.vpcCidr = \"10.0.0.0/20\": `sizing.vpcCidr` 10.0.0.0/20 is too small: each AZ's /22 slice cannot hold a /19 private and a /24 public subnet."]),
  // Image references (OCI grammar).
  C("image tag LATEST in capitals", { tier: "1k", gatewayImage: "ghcr.io/acme/gateway:LATEST" }, ['  - gatewayImage = "ghcr.io/acme/gateway:LATEST": expected a pinned tag, not latest']),
  C("image tag Latest with a digest", { tier: "1k", workerImage: `ghcr.io/acme/worker:Latest@sha256:${"a".repeat(64)}` }, [`  - workerImage = ${trunc(`ghcr.io/acme/worker:Latest@sha256:${"a".repeat(64)}`)}: expected a pinned tag, not latest (drop :latest and keep the digest)`]),
  C("image with a glob", { tier: "1k", tritonImage: "nvcr.io/nvidia/tritonserver:*" }, ['  - tritonImage = "nvcr.io/nvidia/tritonserver:*": expected an image reference such as registry.example.com:5000/team/app:1.2.3 or ...@sha256:<64 hex> (OCI distribution grammar)']),
  C("image with a question mark", { tier: "1k", tritonImage: "nvcr.io/nvidia/tritonserver:25.?0-py3" }, ['  - tritonImage = "nvcr.io/nvidia/tritonserver:25.?0-py3": expected an image reference such as registry.example.com:5000/team/app:1.2.3 or ...@sha256:<64 hex> (OCI distribution grammar)']),
  C("image with a shell separator", { tier: "1k", gatewayImage: "ghcr.io/acme/gateway:1.0;rm" }, ['  - gatewayImage = "ghcr.io/acme/gateway:1.0;rm": expected an image reference such as registry.example.com:5000/team/app:1.2.3 or ...@sha256:<64 hex> (OCI distribution grammar)']),
  C("image with quotes", { tier: "1k", gatewayImage: '"ghcr.io/acme/gateway:1.0"' }, ['  - gatewayImage = "\\"ghcr.io/acme/gateway:1.0\\"": expected an image reference such as registry.example.com:5000/team/app:1.2.3 or ...@sha256:<64 hex> (OCI distribution grammar)']),
  C("image with an upper-case repository", { tier: "1k", gatewayImage: "acme/Gateway:1.0" }, ['  - gatewayImage = "acme/Gateway:1.0": expected an image reference such as registry.example.com:5000/team/app:1.2.3 or ...@sha256:<64 hex> (OCI distribution grammar)']),
  C("image digest too short", { tier: "1k", gatewayImage: "ghcr.io/acme/gateway@sha256:abc" }, ['  - gatewayImage = "ghcr.io/acme/gateway@sha256:abc": expected an image reference such as registry.example.com:5000/team/app:1.2.3 or ...@sha256:<64 hex> (OCI distribution grammar)']),
  C("image tag `latest` for the app images", { tier: "1k", imageTag: "LATEST" }, ['  - imageTag = "LATEST": expected a pinned tag, not latest']),
  // ARNs.
  C("admin role ARN with a wildcard", { tier: "1k", eksAdminRoleArn: "arn:aws:iam::123456789012:role/*" }, ['  - eksAdminRoleArn = "arn:aws:iam::123456789012:role/*": expected an IAM role ARN without wildcards, such as arn:aws:iam::123456789012:role/platform-admin']),
  C("admin role ARN with a ? wildcard", { tier: "1k", eksAdminRoleArn: "arn:aws:iam::123456789012:role/admin?" }, ['  - eksAdminRoleArn = "arn:aws:iam::123456789012:role/admin?": expected an IAM role ARN without wildcards, such as arn:aws:iam::123456789012:role/platform-admin']),
  C("admin role ARN with a wildcard account", { tier: "1k", eksAdminRoleArn: "arn:aws:iam::*:role/admin" }, ['  - eksAdminRoleArn = "arn:aws:iam::*:role/admin": expected an IAM role ARN without wildcards, such as arn:aws:iam::123456789012:role/platform-admin']),
  C("admin role ARN in another partition", { tier: "1k", eksAdminRoleArn: "arn:aws-us-gov:iam::123456789012:role/admin" }, ['  - eksAdminRoleArn = "arn:aws-us-gov:iam::123456789012:role/admin": the ARN\'s partition is aws-us-gov; us-east-1 is in the aws partition']),
  C("certificate in another region", { tier: "1k", certificateArn: CERT.replace("us-east-1", "eu-west-1") }, [`  - certificateArn = ${trunc(CERT.replace("us-east-1", "eu-west-1"))}: an ALB needs a certificate in its own region (us-east-1)`]),
  C("certificate in another partition", { tier: "1k", certificateArn: CERT.replace("arn:aws:", "arn:aws-cn:") }, [`  - certificateArn = ${trunc(CERT.replace("arn:aws:", "arn:aws-cn:"))}: the ARN's partition is aws-cn; us-east-1 is in the aws partition`]),
  // Prod naming.
  C("Prod-eu set to dev without acknowledgement", { ...prodBase, environment: "dev" }, ['  - environment = "dev": stack "Prod-eu" is named like prod; running it with the dev profile drops every prod safety: add "prod-as-dev" to the acknowledge list if this is intended, or rename the stack'], { ...dev, stack: "Prod-eu" }),
  C("Production set to dev without acknowledgement", { ...prodBase, environment: "dev" }, ['  - environment = "dev": stack "Production" is named like prod; running it with the dev profile drops every prod safety: add "prod-as-dev" to the acknowledge list if this is intended, or rename the stack'], { ...dev, stack: "Production" }),
  C("PROD-us gets the prod profile (TLS required)", { tier: "10k", eksPublicAccessCidrs: o(["203.0.113.0/24"]) }, ["  - certificateArn = (unset): prod serves HTTPS only: set certificateArn (an ACM certificate) or domain (+ hostedZoneId) so the stack requests one"], { ...dev, stack: "PROD-us" }),
  C("eu-prod gets the prod profile (CIDRs required)", { tier: "10k", certificateArn: CERT }, ["  - eksPublicAccessCidrs = (unset): required in prod: the CIDRs (office, VPN, CI runners) allowed to reach the Kubernetes API"], { ...dev, stack: "eu-prod" }),
  C("Production keeps the prod table (single-AZ database refused)", { ...prodBase, overrides: o({ database: { multiAz: false } }) }, ['  - overrides.database.multiAz = false: weakens prod safety; add "prod-single-az-database" to the acknowledge list if this is intended'], { ...dev, stack: "Production" }),
  // Prod weakenings not listed in the original table.
  C("prod single NAT", prodBaseWith({ overrides: o({ network: { natGateways: "single" } }) }), ['  - overrides.network.natGateways = "single": weakens prod safety; add "prod-single-nat" to the acknowledge list if this is intended'], prod),
  C("prod spot gateway", prodBaseWith({ overrides: o({ gateway: { spot: true } }) }), ['  - overrides.gateway.spot = true: weakens prod safety; add "prod-spot-capacity" to the acknowledge list if this is intended'], prod),
  C("prod 100k spot paid workers", prodBaseWith({ tier: "100k", overrides: o({ workers: { priorities: { paid: { spot: true } } } }) }), ['  - overrides.workers.priorities.paid.spot = true: weakens prod safety; add "prod-spot-capacity" to the acknowledge list if this is intended'], prod),
  C("prod GPU spot without its on-demand fallback", prodBaseWith({ overrides: o({ gpu: { onDemandFallback: false } }) }), ['  - overrides.gpu.onDemandFallback = false: weakens prod safety; add "prod-spot-capacity" to the acknowledge list if this is intended'], prod),
  C("prod log retention under the table", prodBaseWith({ overrides: o({ observability: { logRetentionDays: 7 } }) }), ['  - overrides.observability.logRetentionDays = 7: weakens prod safety; add "prod-short-log-retention" to the acknowledge list if this is intended'], prod),
  C("prod single cache node", prodBaseWith({ overrides: o({ cache: { nodes: 1 } }) }), ['  - overrides.cache.nodes = 1: weakens prod safety; add "prod-single-cache-node" to the acknowledge list if this is intended'], prod),
  C("prod no cache snapshots", prodBaseWith({ overrides: o({ cache: { snapshotRetentionDays: 0 } }) }), ['  - overrides.cache.snapshotRetentionDays = 0: weakens prod safety; add "prod-short-cache-snapshots" to the acknowledge list if this is intended'], prod),
  C("prod WAF rate limit raised beyond the table", prodBaseWith({ overrides: o({ gateway: { wafRateLimitPer5Min: 2_000_000_000 } }) }), ['  - overrides.gateway.wafRateLimitPer5Min = 2000000000: weakens prod safety; add "prod-raised-waf-rate-limit" to the acknowledge list if this is intended'], prod),
  C("prod wildcard CORS origin", prodBaseWith({ corsAllowedOrigins: o(["*"]) }), ['  - corsAllowedOrigins.0 = "*": expected an origin such as https://app.example.com'], prod),
  C("prod wildcard-subdomain CORS origin", prodBaseWith({ corsAllowedOrigins: o(["https://*.example.com"]) }), ['  - corsAllowedOrigins = ["https://*.example.com"]: weakens prod safety; add "prod-wildcard-cors" to the acknowledge list if this is intended'], prod),
  C("prod plain-http CORS origin", prodBaseWith({ corsAllowedOrigins: o(["http://app.example.com"]) }), ['  - corsAllowedOrigins = ["http://app.example.com"]: weakens prod safety; add "prod-wildcard-cors" to the acknowledge list if this is intended'], prod),
  C("prod fewer zones than the 100k table", prodBaseWith({ tier: "100k", overrides: o({ network: { availabilityZones: 2 } }) }), ['  - overrides.network.availabilityZones = 2: weakens prod safety; add "prod-fewer-availability-zones" to the acknowledge list if this is intended'], prod),
  C("prod gateway floor lowered", prodBaseWith({ overrides: o({ gateway: { minTasks: 1 } }) }), ['  - overrides.gateway.minTasks = 1: weakens prod safety; add "prod-reduced-min-capacity" to the acknowledge list if this is intended'], prod),
  C("prod without enhanced monitoring", prodBaseWith({ overrides: o({ database: { monitoringIntervalSeconds: 0 } }) }), ['  - overrides.database.monitoringIntervalSeconds = 0: weakens prod safety; add "prod-reduced-database-monitoring" to the acknowledge list if this is intended'], prod),
  C("prod system node floor lowered", prodBaseWith({ overrides: o({ systemNodes: { minNodes: 1, desiredNodes: 1 } }) }), ['  - overrides.systemNodes.minNodes = 1: weakens prod safety; add "prod-reduced-min-capacity" to the acknowledge list if this is intended'], prod),
  C("prod system nodes on spot at 10k", prodBaseWith({ tier: "10k", overrides: o({ systemNodes: { capacityType: "SPOT" } }) }), ['  - overrides.systemNodes.capacityType = "SPOT": weakens prod safety; add "prod-spot-capacity" to the acknowledge list if this is intended'], prod),
  C("prod 100k GPU floor on spot (no on-demand base)", prodBaseWith({ tier: "100k", overrides: o({ gpu: { onDemandBaseNodes: 0 } }) }), ['  - overrides.gpu.onDemandBaseNodes = 0: weakens prod safety; add "prod-spot-capacity" to the acknowledge list if this is intended'], prod),
  C("prod without Performance Insights", prodBaseWith({ overrides: o({ database: { performanceInsights: false } }) }), ['  - overrides.database.performanceInsights = false: weakens prod safety; add "prod-reduced-database-monitoring" to the acknowledge list if this is intended'], prod),
  C("prod acknowledgement tag forged through tags", prodBaseWith({ tags: o({ "guardrails:acknowledged:prod-public-eks-endpoint": "x" }) }), ['  - tags.guardrails:acknowledged:prod-public-eks-endpoint = "x": tag keys starting with guardrails: are the program\'s own (acknowledgements); use the acknowledge key'], prod),
  // AWS limits before any resource.
  C("gateway beyond ECS's tasks per service", { tier: "1k", overrides: o({ gateway: { maxTasks: 5001 } }) }, ["  - overrides.gateway.maxTasks = 5001: expected at most 5000: Amazon ECS runs at most 5000 tasks per service"]),
  C("worker floor beyond ECS's tasks per service", { tier: "1k", overrides: o({ workers: { priorities: { free: { minTasks: 9000, maxTasks: 9000 } } } }) }, ["  - overrides.workers.priorities.free.minTasks = 9000: expected at most 5000: Amazon ECS runs at most 5000 tasks per service", "  - overrides.workers.priorities.free.maxTasks = 9000: expected at most 5000: Amazon ECS runs at most 5000 tasks per service"]),
  C("too many tags", { tier: "1k", tags: o(Object.fromEntries(Array.from({ length: 42 }, (_, i) => [`team${i}`, "x"]))) }, ['  - tags = "42 tags": at most 41 tags: AWS allows 50 per resource and the program adds up to 9 of its own']),
  C("tag value with characters AWS refuses", { tier: "1k", tags: o({ owner: "a;b" }) }, ['  - tags.owner = "a;b": expected a tag value of at most 256 letters, numbers, spaces and _ . : / = + - @']),
  C("tag key with characters AWS refuses", { tier: "1k", tags: o({ "own*er": "a" }) }, ['  - tags.own*er = "a": expected a tag key of 1-128 letters, numbers, spaces and _ . : / = + - @']),
  C("tag value too long", { tier: "1k", tags: o({ owner: "a".repeat(257) }) }, [`  - tags.owner = ${trunc("a".repeat(257))}: expected a tag value of at most 256 letters, numbers, spaces and _ . : / = + - @`]),
  C("budget of zero", { tier: "1k", overrides: o({ budgetUsd: 0.5 }) }, ["  - overrides.budgetUsd = 0.5: expected at least 1 USD: a budget below a dollar alerts every month"]),
  C("budget absurdly high", { tier: "1k", overrides: o({ budgetUsd: 1e12 }) }, ["  - overrides.budgetUsd = 1000000000000: expected at most 1,000,000,000 USD (a typo guard)"]),
  C("memory in milli-units (100m = 0.1 byte)", { tier: "1k", overrides: o({ triton: { memoryRequest: "100m" } }) }, ['  - overrides.triton.memoryRequest = "100m": expected a memory quantity in binary units such as 512Mi or 8Gi (`m` is milli: 100m is 0.1 byte)']),
  C("shared memory of 512 bytes", { tier: "1k", overrides: o({ triton: { shmSize: "512" } }) }, ['  - overrides.triton.shmSize = "512": expected at least 1Mi: a container cannot start with less memory']),
  C("three zones in a two-zone region", { tier: "100k" }, ["  - overrides.network.availabilityZones = 3: us-west-1 offers 2 availability zones to new accounts; the 100k layout needs 3 (choose another region or fewer zones)"], { ...dev, region: "us-west-1" }),
];

function prodBaseWith(extra: Record<string, string>): Record<string, string> {
  return { ...prodBase, ...extra };
}

describe("hostile config: the exact refusal as `pulumi up` prints it", () => {
  it("has at least 60 cases", () => expect(CASES.length).toBeGreaterThanOrEqual(60));
  it.each(CASES)("$name", ({ raw, ctx, lines }) => {
    const c = ctx ?? dev;
    expect(printed(raw, c)).toBe([`Invalid configuration for stack "${c.stack}" (${lines.length} problem${lines.length === 1 ? "" : "s"}):`, ...lines].join("\n"));
  });
});

describe("secrets stay secret", () => {
  it("a bad value of a key set with --secret is named but never printed", () => {
    const out = printed({ tier: "1k", alertEmail: "not-an-email-s3cr3t" }, { ...dev, secretKeys: ["alertEmail"] });
    expect(out).toBe('Invalid configuration for stack "dev" (1 problem):\n  - alertEmail = [secret]: expected an e-mail address');
    expect(out).not.toContain("s3cr3t");
  });
  it("a secret CIDR list is not echoed either, while the same value unmarked is", () => {
    const raw = { tier: "1k", eksPublicAccessCidrs: o(["10.9.8.7/8"]) };
    expect(printed(raw, { ...dev, secretKeys: ["eksPublicAccessCidrs"] })).not.toContain("10.9.8.7");
    expect(printed(raw)).toContain("10.9.8.7");
  });
  it("a secret domain is not echoed in warnings", () => {
    const c = parsePlatformConfig({ tier: "1k", domain: "hidden.example.com" }, { ...dev, secretKeys: ["domain"] });
    expect(c.warnings.join("\n")).not.toContain("hidden.example.com");
    expect(c.secretKeys).toEqual(["domain"]);
  });
});
