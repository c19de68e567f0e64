/**
 * The cache for every shipped stack × tier: Valkey replication group in the private subnets behind
 * the cache security group, TLS and at-rest encryption with the stack key, a generated AUTH token that
 * only ever travels as a secret, failover and Multi-AZ exactly when there is a replica, and no
 * plain-text secret anywhere in the graph.
 */
import { describe, expect, it } from "vitest";
import { AUTH_SECRET_KEYS, CACHE_MAXMEMORY_POLICY } from "../../components/cache";
import { DEFAULTS, PORTS } from "../../sizing";
import { named, type RenderedGraph, rendered, single, stackTierMatrix } from "../support/graph";
import { isSecretEnvelope, secretLeaks } from "../support/secrets";

const GROUP = "aws:elasticache/replicationGroup:ReplicationGroup";

function group(g: RenderedGraph): Record<string, unknown> {
  return single(g, GROUP).inputs;
}

describe.each(stackTierMatrix())("cache of $stack at $tier", ({ stack, tier }) => {
  it("runs the pinned Valkey on the tier's node type and count", async () => {
    const g = await rendered(stack, tier);
    const s = g.config.sizing.cache;
    expect(group(g)).toMatchObject({
      engine: DEFAULTS.cacheEngine,
      engineVersion: DEFAULTS.cacheEngineVersion,
      nodeType: s.nodeType,
      numCacheClusters: s.nodes,
      port: PORTS.redis,
      replicationGroupId: `inference-platform-${stack}-cache`,
    });
    expect(group(g).nodeType).toBe({ "1k": "cache.t4g.micro", "10k": "cache.t4g.small", "100k": "cache.m7g.large" }[tier]);
    expect(String(group(g).replicationGroupId).length).toBeLessThanOrEqual(40);
  });

  it("fails over automatically across AZs exactly when it has a replica", async () => {
    const g = await rendered(stack, tier);
    const nodes = g.config.sizing.cache.nodes;
    const prod = g.config.environment === "prod";
    expect(nodes).toBe(prod ? { "1k": 1, "10k": 2, "100k": 3 }[tier] : 1);
    expect(group(g).automaticFailoverEnabled).toBe(nodes > 1);
    expect(group(g).multiAzEnabled).toBe(nodes > 1);
  });

  it("lives in the private subnets behind the cache security group", async () => {
    const g = await rendered(stack, tier);
    const subnets = single(g, "aws:elasticache/subnetGroup:SubnetGroup");
    expect(subnets.inputs.subnetIds).toEqual(g.outputs.privateSubnetIds);
    expect(group(g).subnetGroupName).toBe(subnets.inputs.name);
    expect(group(g).securityGroupIds).toEqual([named(g, "network-cache-sg").id]);
  });

  it("encrypts in transit and at rest with the stack key, and requires a generated AUTH token", async () => {
    const g = await rendered(stack, tier);
    const rg = group(g);
    expect(rg).toMatchObject({ transitEncryptionEnabled: true, atRestEncryptionEnabled: true, kmsKeyId: g.outputs.kmsKeyArn });
    expect(isSecretEnvelope(rg.authToken)).toBe(true);
    const token = named(g, "cache-auth-token").inputs;
    expect(token.length as number).toBeGreaterThanOrEqual(16);
    expect(token.length as number).toBeLessThanOrEqual(128);
    expect(token.special).toBe(false);
  });

  it("stores the token in a KMS-encrypted Secrets Manager secret, as a secret value", async () => {
    const g = await rendered(stack, tier);
    const secret = named(g, "cache-auth-secret");
    expect(secret.inputs.kmsKeyId).toBe(g.outputs.kmsKeyArn);
    const version = named(g, "cache-auth-secret-value");
    expect(version.inputs.secretId).toBe(secret.id);
    expect(isSecretEnvelope(version.inputs.secretString)).toBe(true);
    const value = JSON.parse((version.inputs.secretString as { value: string }).value) as { authToken: string; url: string };
    expect(value.url).toBe(`rediss://:${value.authToken}@${String(g.outputs.cachePrimaryEndpoint)}:${PORTS.redis}/0`);
    // The layout the services' `valueFrom: <arn>:<key>::` relies on (Cache.connection.authTokenJsonKey).
    expect(Object.keys(value)).toEqual([AUTH_SECRET_KEYS.authToken, AUTH_SECRET_KEYS.url]);
    expect(g.outputs.cacheAuthSecretArn).toMatch(/^arn:aws:secretsmanager:/);
  });

  it("keeps snapshots per sizing and a final snapshot in prod", async () => {
    const g = await rendered(stack, tier);
    const prod = g.config.environment === "prod";
    expect(group(g).snapshotRetentionLimit).toBe(g.config.sizing.cache.snapshotRetentionDays);
    expect(group(g).snapshotRetentionLimit).toBe(prod ? { "1k": 1, "10k": 7, "100k": 7 }[tier] : 0);
    expect(group(g).finalSnapshotIdentifier).toBe(prod ? `inference-platform-${stack}-cache-final` : undefined);
    // A node-type change applies at once in every environment: deferred, the provider reads back the
    // old CacheNodeType until the maintenance window and every later `pulumi up` shows a diff.
    expect(group(g).applyImmediately).toBe(true);
  });

  it("evicts only expiring keys under memory pressure (Celery results and cache entries carry TTLs)", async () => {
    const g = await rendered(stack, tier);
    const params = single(g, "aws:elasticache/parameterGroup:ParameterGroup");
    expect(params.inputs.family).toBe(DEFAULTS.cacheParameterFamily);
    expect(params.inputs.parameters).toEqual([{ name: "maxmemory-policy", value: "volatile-lru" }]);
    expect(CACHE_MAXMEMORY_POLICY).toBe("volatile-lru");
    expect(group(g).parameterGroupName).toMatch(/^cache-parameters-[0-9a-f]{7}$/);
  });

  it("exports endpoints, port and ids", async () => {
    const g = await rendered(stack, tier);
    expect(g.outputs.cachePrimaryEndpoint).toMatch(/^master\.inference-platform-.*\.cache\.amazonaws\.com$/);
    expect(g.outputs.cacheReaderEndpoint).toMatch(/^replica\./);
    expect(g.outputs.cachePort).toBe(PORTS.redis);
    expect(g.outputs.cacheReplicationGroupId).toBe(group(g).replicationGroupId);
  });

  it("has no plain-text secret in any resource input or stack output of the whole graph", async () => {
    const g = await rendered(stack, tier);
    expect(secretLeaks(g)).toEqual([]);
    expect(JSON.stringify(g.outputs)).not.toMatch(/mock-password-/);
  });
});

describe("leak detector", () => {
  it("flags a generated secret outside a secret envelope and a bare password literal", async () => {
    const g = await rendered("dev", "1k");
    const leaky = {
      ...g,
      resources: [
        ...g.resources,
        { urn: "u1", type: "aws:x/y:Z", name: "leaky-env", custom: true, id: "x", inputs: { env: '{"token":"mock-password-abc"}' } },
        { urn: "u2", type: "aws:x/y:Z", name: "leaky-pw", custom: true, id: "y", inputs: { masterPassword: "hunter2" } },
      ],
    };
    expect(secretLeaks(leaky).map((l) => l.resource)).toEqual(["leaky-env", "leaky-pw"]);
  });
});

describe("AUTH token length", () => {
  it("is refused outside ElastiCache's 16–128 characters, before any child resource", async () => {
    const pulumi = await import("@pulumi/pulumi");
    const { Cache } = await import("../../components/cache");
    const { mockCall, mockResource } = await import("../../src/plan/mocks");
    const { AUTH_TOKEN_LENGTH, TIERS } = await import("../../sizing");
    await pulumi.runtime.setMocks({ newResource: mockResource, call: mockCall }, "inference-platform", "prod", false);
    const args = {
      context: {
        identity: { project: "inference-platform", stack: "prod", tags: {} },
        region: "us-east-1",
        accountId: "123456789012",
        kmsKeyArn: "arn:aws:kms:us-east-1:123456789012:key/0000",
        logRetentionDays: TIERS["10k"].observability.logRetentionDays,
      },
      sizing: TIERS["10k"].cache,
      safety: TIERS["10k"].safety,
      subnetIds: ["subnet-a", "subnet-b"],
      securityGroupId: "sg-cache",
    };
    for (const length of [AUTH_TOKEN_LENGTH.min - 1, AUTH_TOKEN_LENGTH.max + 1]) {
      expect(() => new Cache(`cache-${length}`, { ...args, authTokenLength: length })).toThrowError(
        `\`authTokenLength\` ${length} is outside ElastiCache's 16–128 characters`,
      );
    }
  });
});
