/**
 * Stack config validation: valid stacks parse into the expected profile; every bad input fails with
 * one message naming the key, the bad value and what is allowed, before any resource exists.
 */
import { describe, expect, it } from "vitest";
import { ConfigError, environmentFromStackName, parsePlatformConfig } from "../src/config";
import { renderStack } from "../src/plan/harness";

const ctx = { project: "inference-platform", stack: "dev", region: "us-east-1" };
const prodCtx = { ...ctx, stack: "prod" };
const prodBase = {
  tier: "10k",
  certificateArn: "arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-0000-4000-8000-1234567890ab",
  eksPublicAccessCidrs: '["203.0.113.0/24"]',
};

function problemsOf(raw: Record<string, string>, context = ctx): string {
  try {
    parsePlatformConfig(raw, context);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as Error).message;
  }
  throw new Error("expected the config to be refused");
}

describe("valid config", () => {
  it("parses a minimal dev stack with defaults", () => {
    const c = parsePlatformConfig({ tier: "1k" }, ctx);
    expect(c.environment).toBe("dev");
    expect(c.gpuType).toBe("l4");
    expect(c.kubernetesVersion).toBe("1.34");
    expect(c.images.triton).toBe("nvcr.io/nvidia/tritonserver:25.10-py3");
    expect(c.sizing.database.multiAz).toBe(false);
    expect(c.eks.publicAccessCidrs).toEqual(["0.0.0.0/0"]);
    expect(c.warnings.join("\n")).toMatch(/plain HTTP/);
    expect(Object.isFrozen(c.sizing.gateway)).toBe(true);
  });

  it("derives the environment from the stack name unless set", () => {
    expect(environmentFromStackName("prod")).toBe("prod");
    expect(environmentFromStackName("prod-eu")).toBe("prod");
    expect(environmentFromStackName("staging")).toBe("dev");
    // Named like prod in any case, as any word of the name (issue 13).
    for (const name of ["Prod-eu", "Production", "prod-us", "PROD", "eu-prod-2", "team_prod"]) expect(environmentFromStackName(name), name).toBe("prod");
    for (const name of ["preprod", "nonprod", "staging", "dev-eu"]) expect(environmentFromStackName(name), name).toBe("dev");
    // `environment: dev` on a prod-named stack needs its acknowledgement.
    expect(problemsOf({ ...prodBase, environment: "dev" }, prodCtx)).toContain('  - environment = "dev": stack "prod" is named like prod');
    expect(parsePlatformConfig({ ...prodBase, environment: "dev", acknowledge: '["prod-as-dev"]' }, prodCtx).environment).toBe("dev");
  });

  it("applies overrides over the tier table", () => {
    const c = parsePlatformConfig({ tier: "10k", overrides: JSON.stringify({ gateway: { maxTasks: 20 } }) }, ctx);
    expect(c.sizing.gateway.maxTasks).toBe(20);
    expect(c.sizing.gateway.minTasks).toBe(1); // dev adjustment kept
  });

  it("accepts a weakening override in prod only with its acknowledgement, and warns", () => {
    const c = parsePlatformConfig(
      {
        ...prodBase,
        overrides: JSON.stringify({ database: { multiAz: false } }),
        acknowledge: JSON.stringify(["prod-single-az-database"]),
      },
      prodCtx,
    );
    expect(c.sizing.database.multiAz).toBe(false);
    expect(c.warnings.join("\n")).toMatch(/prod-single-az-database/);
  });
});

/** Each case: raw config, context, and what the message must contain (the key and the allowed values). */
const INVALID: { name: string; raw: Record<string, string>; context?: typeof ctx; expect: RegExp[] }[] = [
  { name: "missing tier", raw: {}, expect: [/tier = \(unset\)/, /1k, 10k, 100k/] },
  { name: "unknown tier", raw: { tier: "5k" }, expect: [/tier = "5k"/, /one of 1k, 10k, 100k/] },
  { name: "misspelt key", raw: { tier: "1k", teir: "10k" }, expect: [/teir = "10k"/, /unknown key/, /allowed here: tier/] },
  { name: "bad environment", raw: { tier: "1k", environment: "qa" }, expect: [/environment = "qa"/, /one of dev, prod/] },
  { name: "bad gpu type", raw: { tier: "1k", gpuType: "h100" }, expect: [/gpuType = "h100"/, /l4, a10g/] },
  {
    name: "unsupported kubernetes version",
    raw: { tier: "1k", kubernetesVersion: "1.24" },
    expect: [/kubernetesVersion = "1.24"/, /standard support/],
  },
  { name: "bad domain", raw: { tier: "1k", domain: "Not A Domain" }, expect: [/domain = "Not A Domain"/, /DNS name/] },
  { name: "bad e-mail", raw: { tier: "1k", alertEmail: "oncall" }, expect: [/alertEmail = "oncall"/, /e-mail/] },
  {
    name: "latest triton tag",
    raw: { tier: "1k", tritonImage: "nvcr.io/nvidia/tritonserver:latest" },
    expect: [/tritonImage/, /not latest/],
  },
  { name: "latest app tag", raw: { tier: "1k", imageTag: "latest" }, expect: [/imageTag = "latest"/, /pinned tag/] },
  {
    name: "bad CIDR",
    raw: { tier: "1k", eksPublicAccessCidrs: '["10.0.0.0/33"]' },
    expect: [/eksPublicAccessCidrs\.0 = "10.0.0.0\/33"/, /expected an IPv4 prefix length of 0-32/],
  },
  {
    name: "CIDR list given as a string",
    raw: { tier: "1k", eksPublicAccessCidrs: "10.0.0.0/8" },
    expect: [/eksPublicAccessCidrs = "10.0.0.0\/8"/, /array/],
  },
  {
    name: "unknown override path",
    raw: { tier: "1k", overrides: '{"gateway":{"maxTask":5}}' },
    expect: [/overrides\.gateway\.maxTask = 5/, /unknown key/, /maxTasks/],
  },
  {
    name: "override of the wrong type",
    raw: { tier: "1k", overrides: '{"gateway":{"maxTasks":"ten"}}' },
    expect: [/overrides\.gateway\.maxTasks = "ten"/, /number/],
  },
  {
    name: "min above max",
    raw: { tier: "10k", overrides: '{"gateway":{"minTasks":12,"maxTasks":10}}' },
    expect: [/overrides\.gateway\.minTasks\/maxTasks/, /minimum \(12\) must not exceed maximum \(10\)/],
  },
  {
    name: "invalid Fargate memory for the CPU",
    raw: { tier: "1k", overrides: '{"gateway":{"memoryMiB":4096}}' },
    expect: [/overrides\.gateway\.memoryMiB = 4096/, /256 CPU units allows 512/],
  },
  {
    name: "visibility timeout not above task timeout",
    raw: { tier: "1k", overrides: '{"workers":{"priorities":{"sprint":{"visibilityTimeoutSeconds":3600}}}}' },
    expect: [/overrides\.workers\.priorities\.sprint\.visibilityTimeoutSeconds = 3600/, /must exceed taskTimeoutSeconds \(14400\)/],
  },
  {
    name: "GPU instance family not matching the GPU type",
    raw: { tier: "1k", gpuType: "a10g", overrides: '{"gpu":{"instanceTypes":{"a10g":["g6.xlarge"]}}}' },
    expect: [/overrides\.gpu\.instanceTypes\.a10g/, /g5\./],
  },
  {
    name: "burstable database at 100k",
    raw: { tier: "100k", overrides: '{"database":{"instanceClass":"db.t4g.micro"}}' },
    expect: [/overrides\.database\.instanceClass = "db.t4g.micro"/, /non-burstable/],
  },
  {
    name: "database pools above the connection budget",
    raw: { tier: "1k", overrides: '{"database":{"gatewayPoolMax":17}}' },
    expect: [/overrides\.database\.gatewayPoolMax = 17/, /3 gateway tasks × 17 \+ 8 worker processes .* = 59 connections exceed 50 % of db\.t4g\.micro's default max_connections 112 \(56\); at most 16 per gateway task/],
  },
  {
    name: "more max tasks than the database's connection budget",
    raw: { tier: "10k", overrides: '{"gateway":{"maxTasks":40}}' },
    expect: [/overrides\.database\.gatewayPoolMax = 6/, /40 gateway tasks × 6 \+ 60 worker processes .* = 300 connections exceed 50 % of db\.t4g\.medium's default max_connections 450 \(225\); at most 4 per gateway task/],
  },
  {
    name: "database class with no memory figure",
    raw: { tier: "1k", overrides: '{"database":{"instanceClass":"db.x2g.16xlarge"}}' },
    expect: [/overrides\.database\.instanceClass = "db.x2g.16xlarge"/, /RDS_INSTANCE_MEMORY_GIB/],
  },
  {
    name: "capacity below the modeled peak",
    raw: { tier: "100k", overrides: '{"gateway":{"maxTasks":4,"minTasks":1}}' },
    expect: [/overrides\.gateway\.maxTasks = 4/, /needs 370\.4/],
  },
  {
    name: "more AZs than the subnet layout has slices",
    raw: { tier: "100k", overrides: '{"network":{"availabilityZones":5}}' },
    expect: [/overrides\.network\.availabilityZones = 5/, /at most 4/],
  },
  {
    name: "job capacity below the modeled peak",
    raw: { tier: "100k", overrides: '{"workers":{"concurrency":1}}' },
    expect: [/overrides\.workers\.priorities\.\*\.maxTasks = \[24,24,24\]/, /finish 2\.4 jobs\/s; the 100k tier needs 18\.5/],
  },
  {
    name: "prod without certificate or domain",
    raw: { tier: "10k", eksPublicAccessCidrs: '["203.0.113.0/24"]' },
    context: prodCtx,
    expect: [/certificateArn = \(unset\)/, /HTTPS only/],
  },
  {
    name: "prod without API CIDRs",
    raw: { tier: "10k", certificateArn: prodBase.certificateArn },
    context: prodCtx,
    expect: [/eksPublicAccessCidrs = \(unset\)/, /required in prod/],
  },
  {
    name: "prod deletion protection off without acknowledgement",
    raw: { ...prodBase, overrides: '{"safety":{"deletionProtection":false}}' },
    context: prodCtx,
    expect: [/overrides\.safety\.deletionProtection = false/, /prod-without-deletion-protection/],
  },
  {
    name: "certificate in another region",
    raw: { ...prodBase, certificateArn: prodBase.certificateArn.replace("us-east-1", "eu-west-1") },
    context: prodCtx,
    expect: [/certificateArn = .*eu-west-1/, /own region \(us-east-1\)/],
  },
  { name: "missing region", raw: { tier: "1k" }, context: { ...ctx, region: "" }, expect: [/aws:region = ""/, /us-east-1/] },
  {
    name: "unknown acknowledgement",
    raw: { tier: "1k", acknowledge: '["yolo"]' },
    expect: [/acknowledge\.0 = "yolo"/, /prod-without-deletion-protection/],
  },
];

describe("invalid config is refused with a message naming key, value and what is allowed", () => {
  it.each(INVALID)("$name", ({ raw, context, expect: patterns }) => {
    const message = problemsOf(raw, context ?? ctx);
    for (const p of patterns) expect(message).toMatch(p);
  });

  it("lists every problem at once", () => {
    const message = problemsOf({ tier: "1k", gpuType: "h100", alertEmail: "x", teir: "2" });
    expect(message).toMatch(/3 problems|4 problems/);
    expect(message).toMatch(/gpuType/);
    expect(message).toMatch(/alertEmail/);
    expect(message).toMatch(/teir/);
  });
});

describe("through the harness, like the CLI", () => {
  it("an invalid tier in a stack fails before any resource is registered", async () => {
    await expect(renderStack({ stack: "dev", config: { tier: "2k" } })).rejects.toThrow(
      /tier = "2k": expected one of 1k, 10k, 100k/,
    );
  });

  it("an unknown stack names the shipped stacks", async () => {
    await expect(renderStack({ stack: "nope" })).rejects.toThrow(/No stack file Pulumi\.nope\.yaml; shipped stacks: dev, prod/);
  });
});
