/**
 * The log groups of the database's exported logs (components/database-logs.ts), for every shipped
 * stack × tier: each DB instance, writer and replicas, has one log group per exported log type, named
 * exactly as RDS names it (`/aws/rds/instance/<identifier>/<log type>`, RDS user guide "Publishing
 * PostgreSQL logs to Amazon CloudWatch Logs"), encrypted with the stack key, kept for the stack's
 * retention, and created before the instance (which lists it in `dependsOn`), so RDS never creates
 * one of its own, kept forever without the stack key.
 */
import type * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import type { StackContext } from "../../components/component";
import { Database } from "../../components/database";
import { DATABASE, TIERS } from "../../sizing";
import { mockCall, mockResource } from "../../src/plan/mocks";
import { ofType, type RenderedGraph, type RenderedResource, rendered, stackTierMatrix } from "../support/graph";
import { type Recorded, recordRegistrations, unitContext } from "../support/unit";

const LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup";

function databaseInstances(g: RenderedGraph): RenderedResource[] {
  return ofType(g, "aws:rds/instance:Instance");
}

/** The log groups named under `/aws/rds/`: RDS's own namespace, so only the database's. */
function rdsLogGroups(g: RenderedGraph): RenderedResource[] {
  return ofType(g, LOG_GROUP).filter((r) => String(r.inputs.name).startsWith("/aws/rds/"));
}

describe.each(stackTierMatrix())("database log groups of $stack at $tier", ({ stack, tier }) => {
  it("gives every DB instance one log group per exported log type, named as RDS names it", async () => {
    const g = await rendered(stack, tier);
    const instances = databaseInstances(g);
    expect(instances).toHaveLength(1 + g.config.sizing.database.readReplicas);
    const expected = instances.flatMap((i) => {
      const exported = i.inputs.enabledCloudwatchLogsExports as string[];
      expect(exported, i.name).toEqual([...DATABASE.logExports]);
      return exported.map((logType) => `/aws/rds/instance/${String(i.inputs.identifier)}/${logType}`);
    });
    expect(rdsLogGroups(g).map((r) => r.inputs.name).sort()).toEqual(expected.sort());
    // Spelled out once, independent of the helper: the writer's PostgreSQL log.
    expect(expected).toContain(`/aws/rds/instance/inference-platform-${stack}-db/postgresql`);
  });

  it("encrypts them with the stack key and keeps them for the stack's retention", async () => {
    const g = await rendered(stack, tier);
    for (const group of rdsLogGroups(g)) {
      expect(group.inputs, group.name).toMatchObject({
        kmsKeyId: g.outputs.kmsKeyArn,
        retentionInDays: g.config.sizing.observability.logRetentionDays,
      });
    }
  });

  it("creates each before its instance: the instance depends on every one of its log groups", async () => {
    const g = await rendered(stack, tier);
    const groups = rdsLogGroups(g);
    for (const instance of databaseInstances(g)) {
      const own = groups.filter((r) => String(r.inputs.name).startsWith(`/aws/rds/instance/${String(instance.inputs.identifier)}/`));
      expect(own.length, instance.name).toBe(DATABASE.logExports.length);
      for (const group of own) {
        expect(instance.dependsOn, `${instance.name} -> ${group.name}`).toContain(group.urn);
        expect(group.parent, group.name).toBe(instance.parent);
        expect(group.name.startsWith(`${instance.name}-logs-`), group.name).toBe(true);
      }
    }
  });
});

describe("database log groups follow the writer's transform", () => {
  const SIZING = TIERS["100k"];
  const CONTEXT: StackContext = unitContext("proj", "unit", SIZING.observability.logRetentionDays);
  const build = (transform: ConstructorParameters<typeof Database>[1]["transform"]): Promise<Recorded[]> =>
    recordRegistrations("proj", "unit", () => {
      new Database("database", { context: CONTEXT, sizing: SIZING.database, safety: SIZING.safety, subnetIds: ["subnet-a"], securityGroupId: "sg", transform });
    });
  const groupNames = (rs: Recorded[]) => rs.filter((r) => r.type === LOG_GROUP).map((r) => String(r.inputs.name)).sort();

  it("names the writer's groups from a transformed identifier and exports", async () => {
    const names = groupNames(await build({ instance: { identifier: "custom-db", enabledCloudwatchLogsExports: ["postgresql"] } }));
    expect(names).toEqual([
      "/aws/rds/instance/custom-db/postgresql",
      ...DATABASE.logExports.map((t) => `/aws/rds/instance/proj-unit-db-replica-1/${t}`),
    ].sort());
  });

  it("refuses an identifierPrefix: the groups must be named before RDS picks the identifier", async () => {
    await pulumi.runtime.setMocks({ newResource: mockResource, call: mockCall }, "proj", "unit", false);
    const transform = { instance: (a: aws.rds.InstanceArgs) => ({ ...a, identifier: undefined, identifierPrefix: "db-" }) };
    expect(() => new Database("database", { context: CONTEXT, sizing: SIZING.database, safety: SIZING.safety, subnetIds: ["subnet-a"], securityGroupId: "sg", transform })).toThrowError(
      "the writer needs a plain `identifier` (not `identifierPrefix`, not an output)",
    );
  });
});
