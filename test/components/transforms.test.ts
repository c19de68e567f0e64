/**
 * The per-child transforms of the data and network components (Network `vpc`, Database `instance`,
 * Cache `replicationGroup`, Storage `bucket`), in both of their forms: a partial merged over the
 * arguments, and a function (with the child's context where it has one). Each must change what is
 * rendered, and only for the child it names. Observability's `alarm` transform is tested with the
 * rest of that component (observability.test.ts).
 */
import { describe, expect, it } from "vitest";
import type { StackContext } from "../../components/component";
import { Cache } from "../../components/cache";
import { Database } from "../../components/database";
import { Network } from "../../components/network";
import { Storage } from "../../components/storage";
import { type Recorded, recordRegistrations, unitContext } from "../support/unit";
import { TIERS } from "../../sizing";

const SIZING = TIERS["10k"];

const CONTEXT: StackContext = unitContext("proj", "unit", SIZING.observability.logRetentionDays);

/** Builds components under mocks and returns what they registered, once registrations settle. */
const render = (build: () => void): Promise<Recorded[]> => recordRegistrations("proj", "unit", build);

function inputsOf(rs: Recorded[], name: string): Record<string, unknown> {
  const r = rs.find((x) => x.name === name);
  expect(r, name).toBeDefined();
  return r!.inputs;
}

const DATA_NETWORK = { subnetIds: ["subnet-a", "subnet-b"], securityGroupId: "sg-data" };

describe("Network vpc transform", () => {
  const build = (transform: ConstructorParameters<typeof Network>[1]["transform"]) => () =>
    new Network("network", { context: CONTEXT, sizing: SIZING.network, transform });

  it("merges a partial over the VPC's arguments", async () => {
    const vpc = inputsOf(await render(build({ vpc: { enableDnsHostnames: false } })), "network-vpc");
    expect(vpc.enableDnsHostnames).toBe(false);
    expect(vpc.enableDnsSupport).toBe(true);
  });

  it("uses what a function returns", async () => {
    const vpc = inputsOf(await render(build({ vpc: (a) => ({ ...a, instanceTenancy: "dedicated" }) })), "network-vpc");
    expect(vpc.instanceTenancy).toBe("dedicated");
    expect(vpc.cidrBlock).toBe(SIZING.network.vpcCidr);
  });
});

describe("Database instance transform", () => {
  const build = (transform: ConstructorParameters<typeof Database>[1]["transform"]) => () =>
    new Database("database", { context: CONTEXT, sizing: SIZING.database, safety: SIZING.safety, ...DATA_NETWORK, transform });

  it("merges a partial over the writer's arguments", async () => {
    const writer = inputsOf(await render(build({ instance: { backupWindow: "03:00-04:00" } })), "database-writer");
    expect(writer.backupWindow).toBe("03:00-04:00");
    expect(writer.instanceClass).toBe(SIZING.database.instanceClass);
  });

  it("uses what a function returns", async () => {
    const writer = inputsOf(await render(build({ instance: (a) => ({ ...a, maintenanceWindow: "sun:05:00-sun:06:00" }) })), "database-writer");
    expect(writer.maintenanceWindow).toBe("sun:05:00-sun:06:00");
  });
});

describe("Cache replicationGroup transform", () => {
  const build = (transform: ConstructorParameters<typeof Cache>[1]["transform"]) => () =>
    new Cache("cache", { context: CONTEXT, sizing: SIZING.cache, safety: SIZING.safety, ...DATA_NETWORK, transform });

  it("merges a partial over the replication group's arguments", async () => {
    const group = inputsOf(await render(build({ replicationGroup: { snapshotWindow: "03:00-04:00" } })), "cache-replication-group");
    expect(group.snapshotWindow).toBe("03:00-04:00");
    expect(group.nodeType).toBe(SIZING.cache.nodeType);
  });

  it("uses what a function returns", async () => {
    const group = inputsOf(await render(build({ replicationGroup: (a) => ({ ...a, maintenanceWindow: "sun:05:00-sun:06:00" }) })), "cache-replication-group");
    expect(group.maintenanceWindow).toBe("sun:05:00-sun:06:00");
  });
});

describe("Storage bucket transform", () => {
  const build = (transform: ConstructorParameters<typeof Storage>[1]["transform"]) => () =>
    new Storage("storage", { context: CONTEXT, sizing: SIZING.storage, safety: SIZING.safety, transform });

  it("merges a partial over every bucket's arguments", async () => {
    const rs = await render(build({ bucket: { objectLockEnabled: true } }));
    for (const role of ["models", "artifacts", "datasets"]) expect(inputsOf(rs, `storage-${role}`).objectLockEnabled, role).toBe(true);
  });

  it("gives a function the bucket's role", async () => {
    const rs = await render(build({ bucket: (a, role) => (role === "datasets" ? { ...a, objectLockEnabled: true } : a) }));
    expect(inputsOf(rs, "storage-datasets").objectLockEnabled).toBe(true);
    expect(inputsOf(rs, "storage-models").objectLockEnabled).toBeUndefined();
  });
});
