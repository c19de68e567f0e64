/**
 * Hostile and mistaken stack configuration, rendered the way the CLI would (`renderStack`): every case
 * is refused with a ConfigError naming the key, the bad value and what is allowed, and the refusal
 * happens before a single resource reaches the (mock) cloud. Weakening prod safety needs its named
 * acknowledgement, and an acknowledged weakening is reported as a warning.
 */
import { beforeEach, describe, expect, it, vi } from "vitest";

// Count what reaches the mock cloud: the harness registers every resource through mockResource.
const registered = vi.hoisted(() => ({ count: 0 }));
vi.mock("../src/plan/mocks", async (importOriginal) => {
  const original = await importOriginal<typeof import("../src/plan/mocks")>();
  return {
    ...original,
    mockResource: (args: Parameters<typeof original.mockResource>[0]) => {
      registered.count++;
      return original.mockResource(args);
    },
  };
});

import { ConfigError, WEAKENING_ACKNOWLEDGEMENTS } from "../src/config";
import { renderStack } from "../src/plan/harness";
import { cliPrints } from "./support/cli-format";
import { WEAKENING } from "./support/weakenings";

interface HostileCase {
  name: string;
  stack?: "dev" | "prod";
  config: Record<string, string>;
  /** `key = value` as the message prints it. */
  names: string;
  /** What the message must say is allowed. */
  allowed: RegExp;
}

const o = (v: unknown) => JSON.stringify(v);
const HOSTILE: HostileCase[] = [
  // wrong types
  { name: "tier as an unknown value", config: { tier: "2k" }, names: 'tier = "2k"', allowed: /one of 1k, 10k, 100k/ },
  { name: "override of the wrong type", config: { overrides: o({ gateway: { maxTasks: "ten" } }) }, names: 'overrides.gateway.maxTasks = "ten"', allowed: /number/ },
  { name: "overrides not an object", config: { overrides: '"bigger"' }, names: 'overrides = "bigger"', allowed: /record/ },
  { name: "CIDR list given as a string", config: { eksPublicAccessCidrs: "10.0.0.0/8" }, names: 'eksPublicAccessCidrs = "10.0.0.0/8"', allowed: /array/ },
  { name: "boolean switch given as a string", config: { overrides: o({ safety: { waf: "yes" } }) }, names: 'overrides.safety.waf = "yes"', allowed: /boolean/ },
  { name: "fractional task count", config: { overrides: o({ gateway: { maxTasks: 2.5 } }) }, names: "overrides.gateway.maxTasks = 2.5", allowed: /int/ },
  // unknown keys and paths
  { name: "misspelt top-level key", config: { teir: "10k" }, names: 'teir = "10k"', allowed: /unknown key \(allowed here: tier, /},
  { name: "unknown override path", config: { overrides: o({ gateway: { maxTask: 5 } }) }, names: "overrides.gateway.maxTask = 5", allowed: /unknown key \(allowed here: .*maxTasks/ },
  { name: "unknown override section", config: { overrides: o({ gatewy: { maxTasks: 5 } }) }, names: "overrides.gatewy", allowed: /unknown key \(allowed here: network, safety/ },
  { name: "prototype key in overrides", config: { overrides: '{"__proto__":{"polluted":true}}' }, names: 'overrides.__proto__ = {"polluted":true}', allowed: /reserved JavaScript property name/ },
  { name: "nested prototype key in overrides", config: { overrides: '{"gateway":{"constructor":{"x":1}}}' }, names: 'overrides.gateway.constructor = {"x":1}', allowed: /reserved JavaScript property name/ },
  { name: "unknown acknowledgement", config: { acknowledge: o(["yolo"]) }, names: 'acknowledge.0 = "yolo"', allowed: /one of prod-as-dev, prod-without-deletion-protection/ },
  // out-of-range sizes
  { name: "too many availability zones", config: { overrides: o({ network: { availabilityZones: 9 } }) }, names: "overrides.network.availabilityZones = 9", allowed: /at most 4: the VPC is split into four fixed AZ slices/ },
  { name: "invalid Fargate CPU", config: { overrides: o({ gateway: { cpu: 300 } }) }, names: "overrides.gateway.cpu = 300", allowed: /256, 512, 1024/ },
  { name: "Fargate memory not valid for the CPU", config: { overrides: o({ gateway: { memoryMiB: 4096 } }) }, names: "overrides.gateway.memoryMiB = 4096", allowed: /256 CPU units allows 512/ },
  { name: "database smaller than gp3 allows", config: { overrides: o({ database: { allocatedStorageGiB: 10 } }) }, names: "overrides.database.allocatedStorageGiB = 10", allowed: /20 GiB/ },
  { name: "log retention CloudWatch does not offer", config: { overrides: o({ observability: { logRetentionDays: 42 } }) }, names: "overrides.observability.logRetentionDays = 42", allowed: /1, 3, 5, 7, 14, 30/ },
  { name: "long polling beyond SQS's 20 s", config: { overrides: o({ workers: { receiveWaitSeconds: 30 } }) }, names: "overrides.workers.receiveWaitSeconds = 30", allowed: /at most 20 s/ },
  { name: "DLQ retention beyond SQS's 14 days", config: { overrides: o({ workers: { dlqRetentionDays: 30 } }) }, names: "overrides.workers.dlqRetentionDays = 30", allowed: /at most 14 days/ },
  { name: "GPU disk too small for the Triton image", config: { overrides: o({ gpu: { diskGiB: 20 } }) }, names: "overrides.gpu.diskGiB = 20", allowed: /at least 50 GiB/ },
  { name: "negative task count", config: { overrides: o({ gateway: { minTasks: -1 } }) }, names: "overrides.gateway.minTasks = -1", allowed: />=/ },
  { name: "bad Kubernetes quantity", config: { overrides: o({ triton: { memoryLimit: "lots" } }) }, names: 'overrides.triton.memoryLimit = "lots"', allowed: /a memory quantity in binary units such as 512Mi or 8Gi/ },
  // min > max and impossible combinations
  { name: "gateway min above max", config: { tier: "10k", overrides: o({ gateway: { minTasks: 12, maxTasks: 10 } }) }, names: "overrides.gateway.minTasks/maxTasks", allowed: /minimum \(12\) must not exceed maximum \(10\)/ },
  { name: "GPU min nodes above max", config: { overrides: o({ gpu: { minNodes: 5, maxNodes: 2 } }) }, names: "overrides.gpu.minNodes/maxNodes", allowed: /minimum \(5\) must not exceed maximum \(2\)/ },
  { name: "worker min above max", config: { overrides: o({ workers: { priorities: { paid: { minTasks: 9, maxTasks: 3 } } } }) }, names: "overrides.workers.priorities.paid.minTasks/maxTasks", allowed: /minimum \(9\) must not exceed maximum \(3\)/ },
  { name: "Triton request above its limit", config: { overrides: o({ triton: { memoryRequest: "64Gi", memoryLimit: "8Gi" } }) }, names: 'overrides.triton.memoryRequest = "64Gi"', allowed: /must not exceed triton.memoryLimit \(8Gi\)/ },
  { name: "storage autoscaling ceiling below the allocation", config: { overrides: o({ database: { allocatedStorageGiB: 100, maxAllocatedStorageGiB: 50 } }) }, names: "overrides.database.maxAllocatedStorageGiB = 50", allowed: /at least allocatedStorageGiB \(100\)/ },
  { name: "visibility timeout equal to the task timeout", config: { overrides: o({ workers: { priorities: { free: { taskTimeoutSeconds: 3600, visibilityTimeoutSeconds: 3600 } } } }) }, names: "overrides.workers.priorities.free.visibilityTimeoutSeconds = 3600", allowed: /must exceed taskTimeoutSeconds \(3600\)/ },
  { name: "visibility timeout beyond SQS's 12 h", config: { overrides: o({ workers: { priorities: { sprint: { visibilityTimeoutSeconds: 50000 } } } }) }, names: "overrides.workers.priorities.sprint.visibilityTimeoutSeconds = 50000", allowed: /at most 43200 s/ },
  { name: "GPU type whose instance family does not match", config: { gpuType: "a10g", overrides: o({ gpu: { instanceTypes: { a10g: ["g6.xlarge"] } } }) }, names: 'overrides.gpu.instanceTypes.a10g = ["g6.xlarge"]', allowed: /a10g runs on the g5\. instance family/ },
  { name: "GPU type that does not exist", config: { gpuType: "h100" }, names: 'gpuType = "h100"', allowed: /l4, a10g/ },
  { name: "100k tier with a micro database", config: { tier: "100k", overrides: o({ database: { instanceClass: "db.t4g.micro" } }) }, names: 'overrides.database.instanceClass = "db.t4g.micro"', allowed: /non-burstable class \(db\.m\*\/db\.r\*\)/ },
  { name: "100k tier with a micro cache", config: { tier: "100k", overrides: o({ cache: { nodeType: "cache.t4g.micro" } }) }, names: 'overrides.cache.nodeType = "cache.t4g.micro"', allowed: /non-burstable node type/ },
  { name: "capacity below the modeled peak", config: { tier: "100k", overrides: o({ gateway: { maxTasks: 4, minTasks: 1 } }) }, names: "overrides.gateway.maxTasks = 4", allowed: /needs 370\.4/ },
  { name: "more Triton replicas than GPU nodes", config: { overrides: o({ triton: { maxReplicas: 9 } }) }, names: "overrides.triton.maxReplicas = 9", allowed: /at most gpu.maxNodes/ },
  { name: "warm window on a day that does not exist", config: { overrides: o({ triton: { warmWindows: [{ ...{ days: ["Mon"], from: "08:00", to: "18:00", timezone: "Europe/Berlin" }, days: ["Monday"] }] } }) }, names: 'overrides.triton.warmWindows.0.days.0 = "Monday"', allowed: /Sun.*Mon.*Sat/ },
  { name: "warm window in a lower-case time zone KEDA would not load", config: { overrides: o({ triton: { warmWindows: [{ ...{ days: ["Mon"], from: "08:00", to: "18:00", timezone: "Europe/Berlin" }, timezone: "europe/berlin" }] } }) }, names: 'overrides.triton.warmWindows.0.timezone = "europe/berlin"', allowed: /current IANA time zone name, spelled as in the tz database \(case matters; legacy aliases such as US\/Eastern are refused\)/ },
  { name: "warm window with a time that is not HH:MM", config: { overrides: o({ triton: { warmWindows: [{ ...{ days: ["Mon"], from: "08:00", to: "18:00", timezone: "Europe/Berlin" }, from: "8:00" }] } }) }, names: 'overrides.triton.warmWindows.0.from = "8:00"', allowed: /a 24-hour time HH:MM/ },
  { name: "warm window across midnight", config: { overrides: o({ triton: { warmWindows: [{ ...{ days: ["Mon"], from: "08:00", to: "18:00", timezone: "Europe/Berlin" }, from: "22:00", to: "06:00" }] } }) }, names: 'overrides.triton.warmWindows.0.to = "06:00"', allowed: /later the same day than from \(22:00\); split a window that crosses midnight in two/ },
  { name: "warm window where Triton never scales to zero", config: { overrides: o({ triton: { minReplicas: 1, warmWindows: [{ days: ["Mon"], from: "08:00", to: "18:00", timezone: "Europe/Berlin" }] } }) }, names: 'overrides.triton.warmWindows = "1 window(s)"', allowed: /only apply with triton.minReplicas 0/ },
  { name: "on-demand base under on-demand GPUs", config: { tier: "100k", overrides: o({ gpu: { capacityType: "ON_DEMAND", onDemandFallback: false, onDemandBaseNodes: 2 } }) }, names: "overrides.gpu.onDemandBaseNodes = 2", allowed: /only makes sense under a spot fleet/ },
  { name: "on-demand base above the GPU minimum", config: { tier: "100k", overrides: o({ gpu: { minNodes: 1, onDemandBaseNodes: 2 } }) }, names: "overrides.gpu.onDemandBaseNodes = 2", allowed: /at most gpu\.minNodes \(1\)/ },
  { name: "on-demand base above Triton's minimum replicas", config: { tier: "100k", overrides: o({ gpu: { minNodes: 3, onDemandBaseNodes: 3 } }) }, names: "overrides.gpu.onDemandBaseNodes = 3", allowed: /at most triton\.minReplicas \(0\)/ },
  { name: "on-demand base leaving the spot group no node", config: { tier: "100k", overrides: o({ gpu: { minNodes: 9, onDemandBaseNodes: 9 } }) }, names: "overrides.gpu.onDemandBaseNodes = 9", allowed: /fewer than gpu\.maxNodes \(9\).*maxSize ≥ 1/ },
  { name: "on-demand fallback without spot", config: { overrides: o({ gpu: { capacityType: "ON_DEMAND", onDemandFallback: true } }) }, names: "overrides.gpu.onDemandFallback = true", allowed: /only makes sense when gpu.capacityType is SPOT/ },
  // network, images, identity
  { name: "CIDR with an octet above 255", config: { eksPublicAccessCidrs: o(["300.1.1.1/24"]) }, names: 'eksPublicAccessCidrs.0 = "300.1.1.1/24"', allowed: /expected an IPv4 address of four decimal octets 0-255/ },
  { name: "VPC CIDR with a bad prefix", config: { overrides: o({ network: { vpcCidr: "10.0.0.0/33" } }) }, names: 'overrides.network.vpcCidr = "10.0.0.0/33"', allowed: /expected an IPv4 prefix length of 0-32/ },
  { name: "latest app image tag", config: { imageTag: "latest" }, names: 'imageTag = "latest"', allowed: /a pinned tag, not latest/ },
  { name: "latest Triton image", config: { tritonImage: "nvcr.io/nvidia/tritonserver:latest" }, names: 'tritonImage = "nvcr.io/nvidia/tritonserver:latest"', allowed: /a pinned tag, not latest/ },
  { name: "latest gateway image", config: { gatewayImage: "ghcr.io/acme/gateway:latest" }, names: 'gatewayImage = "ghcr.io/acme/gateway:latest"', allowed: /a pinned tag, not latest/ },
  { name: "untagged worker image", config: { workerImage: "ghcr.io/acme/worker" }, names: 'workerImage = "ghcr.io/acme/worker"', allowed: /an image reference with a tag or digest/ },
  { name: "unsupported Kubernetes version", config: { kubernetesVersion: "1.24" }, names: 'kubernetesVersion = "1.24"', allowed: /standard support: 1\.32/ },
  { name: "malformed admin role ARN", config: { eksAdminRoleArn: "admin" }, names: 'eksAdminRoleArn = "admin"', allowed: /an IAM role ARN/ },
  { name: "reserved tag key", config: { tags: o({ "aws:owner": "me" }) }, names: 'tags.aws:owner = "me"', allowed: /reserved by AWS/ },
  { name: "model prefix with a leading slash", config: { modelRepositoryPrefix: "/triton" }, names: 'modelRepositoryPrefix = "/triton"', allowed: /without leading or trailing slash/ },
  // prod safety
  { name: "prod without TLS", config: { environment: "prod", eksPublicAccessCidrs: o(["203.0.113.0/24"]) }, names: "certificateArn = (unset)", allowed: /prod serves HTTPS only: set certificateArn/ },
  { name: "prod without Kubernetes API CIDRs", config: { environment: "prod", certificateArn: "arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-0000-4000-8000-1234567890ab" }, names: "eksPublicAccessCidrs = (unset)", allowed: /required in prod/ },
  { name: "prod API open to the world without acknowledgement", stack: "prod", config: { eksPublicAccessCidrs: o(["0.0.0.0/0"]) }, names: 'eksPublicAccessCidrs = ["0.0.0.0/0"]', allowed: /add "prod-public-eks-endpoint" to the acknowledge list/ },
];

beforeEach(() => {
  registered.count = 0;
});

describe("hostile configuration is refused before any resource exists", () => {
  it("has at least 30 cases", () => {
    expect(HOSTILE.length).toBeGreaterThanOrEqual(30);
  });

  it.each(HOSTILE)("$name", async ({ stack, config, names, allowed }) => {
    const error = await renderStack({ stack: stack ?? "dev", config }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error, "the configuration was accepted").toBeInstanceOf(ConfigError);
    // What `pulumi up` prints for it (the CLI's own formatting path), not just `e.message`.
    const message = cliPrints(error);
    expect(message.split("\n")[0]).toMatch(/^Invalid configuration for stack "(dev|prod)" \(\d+ problems?\):$/);
    expect(message).toContain(names);
    expect(message).toMatch(allowed);
    expect(registered.count, "a resource was registered before the refusal").toBe(0);
  });

  it("the counter sees registrations when config is valid (so zero above means zero)", async () => {
    const g = await renderStack({ stack: "dev" });
    expect(registered.count).toBeGreaterThan(100);
    expect(registered.count).toBeGreaterThanOrEqual(g.resources.filter((r) => r.custom).length);
  });
});

describe("weakening prod through one of several settings", () => {
  it("names the weak setting in the warning: the 100k GPU floor on spot, acknowledged as spot capacity", async () => {
    const g = await renderStack({ stack: "prod", config: { tier: "100k", overrides: o({ gpu: { onDemandBaseNodes: 0 } }), acknowledge: o(["prod-spot-capacity"]) } });
    expect(g.config.warnings).toContain('prod safety weakened (gpu.onDemandBaseNodes), acknowledged by "prod-spot-capacity"');
    // The provider's acknowledgement tag names the same setting (its value is informational; the key is what the pack reads).
    const provider = g.resources.find((r) => r.type === "pulumi:providers:aws")!;
    const tags = (JSON.parse(String(provider.inputs.defaultTags)) as { tags: Record<string, string> }).tags;
    expect(tags["guardrails:acknowledged:prod-spot-capacity"]).toBe("gpu.onDemandBaseNodes");
    const gpuGroups = g.resources.filter((r) => r.type === "aws:eks/nodeGroup:NodeGroup" && r.name.startsWith("inference-gpu-"));
    expect(gpuGroups.map((r) => r.name).sort()).toEqual(["inference-gpu-fallback", "inference-gpu-primary"]);
  });
});

describe.each(Object.entries(WEAKENING))("weakening prod: %s", (ack, config) => {
  const rule = WEAKENING_ACKNOWLEDGEMENTS[ack as keyof typeof WEAKENING_ACKNOWLEDGEMENTS];

  it("is refused without the named acknowledgement, before any resource", async () => {
    const e = await renderStack({ stack: "prod", config }).then(() => undefined, (x: unknown) => x);
    expect(cliPrints(e)).toMatch(new RegExp(`^  - (overrides\\.)?${rule.path.replace(".", "\\.")} = .*add "${ack}" to the acknowledge list`, "m"));
    expect(registered.count).toBe(0);
  });

  it("is accepted with it, and reported as a warning", async () => {
    const g = await renderStack({ stack: "prod", config: { ...config, acknowledge: o([ack]) } });
    expect(g.config.acknowledgements).toEqual([ack]);
    expect(g.config.warnings).toContain(`prod safety weakened (${rule.path}), acknowledged by "${ack}"`);
  });

  it("another acknowledgement does not cover it", async () => {
    const other = Object.keys(WEAKENING).find((k) => k !== ack)!;
    await expect(renderStack({ stack: "prod", config: { ...config, acknowledge: o([other]) } })).rejects.toThrow(ack);
  });
});

describe("the same overrides in dev need no acknowledgement", () => {
  it("dev may turn off deletion protection and WAF without a warning about prod safety", async () => {
    const g = await renderStack({ stack: "dev", config: { overrides: o({ safety: { deletionProtection: false, waf: false } }) } });
    expect(g.config.warnings.join("\n")).not.toMatch(/prod safety weakened/);
  });
});
