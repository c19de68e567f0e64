/**
 * The database for every shipped stack × tier: PostgreSQL on gp3 in the private subnets behind the
 * database security group, TLS forced, encrypted with the stack key, a generated master password kept
 * in a KMS-encrypted secret, IAM auth, backups and safety per the tier table, Multi-AZ in prod only, a read replica at 100k prod only.
 */
import { describe, expect, it } from "vitest";
import { DEFAULTS, PORTS } from "../../sizing";
import { isSecretEnvelope, secretLeaks } from "../support/secrets";
import { json, named, ofType, type RenderedGraph, type RenderedResource, rendered, single, stackTierMatrix } from "../support/graph";

function instances(g: RenderedGraph): { writer: RenderedResource; replicas: RenderedResource[] } {
  const all = ofType(g, "aws:rds/instance:Instance");
  const writers = all.filter((r) => r.inputs.replicateSourceDb === undefined);
  expect(writers).toHaveLength(1);
  return { writer: writers[0], replicas: all.filter((r) => r.inputs.replicateSourceDb !== undefined) };
}

describe.each(stackTierMatrix())("database of $stack at $tier", ({ stack, tier }) => {
  it("runs the pinned PostgreSQL major on gp3, sized by the tier table", async () => {
    const g = await rendered(stack, tier);
    const { writer } = instances(g);
    const s = g.config.sizing.database;
    expect(writer.inputs).toMatchObject({
      engine: "postgres",
      engineVersion: DEFAULTS.postgresVersion,
      storageType: "gp3",
      instanceClass: s.instanceClass,
      allocatedStorage: s.allocatedStorageGiB,
      maxAllocatedStorage: s.maxAllocatedStorageGiB,
      port: PORTS.postgres,
      identifier: `inference-platform-${stack}-db`,
    });
    expect(s.maxAllocatedStorageGiB).toBeGreaterThan(s.allocatedStorageGiB);
    expect(writer.inputs.instanceClass).toBe({ "1k": "db.t4g.micro", "10k": "db.t4g.medium", "100k": "db.r7g.large" }[tier]);
  });

  it("lives in the private subnets behind the database security group, never public", async () => {
    const g = await rendered(stack, tier);
    const { writer } = instances(g);
    const subnetGroup = single(g, "aws:rds/subnetGroup:SubnetGroup");
    expect(subnetGroup.inputs.subnetIds).toEqual(g.outputs.privateSubnetIds);
    expect(writer.inputs.dbSubnetGroupName).toBe(subnetGroup.inputs.name);
    expect(writer.inputs.vpcSecurityGroupIds).toEqual([named(g, "network-database-sg").id]);
    expect(writer.inputs.publiclyAccessible).toBe(false);
  });

  it("forces TLS and logs slow queries through its parameter group, exporting logs to CloudWatch", async () => {
    const g = await rendered(stack, tier);
    const { writer } = instances(g);
    const params = single(g, "aws:rds/parameterGroup:ParameterGroup");
    expect(params.inputs.family).toBe(DEFAULTS.postgresParameterFamily);
    expect(params.inputs.parameters).toEqual(
      expect.arrayContaining([
        { name: "rds.force_ssl", value: "1" },
        { name: "log_min_duration_statement", value: String(g.config.sizing.database.slowQueryMs) },
      ]),
    );
    expect(writer.inputs.parameterGroupName).toMatch(/^database-parameters-[0-9a-f]{7}$/);
    expect(writer.inputs.enabledCloudwatchLogsExports).toEqual(["postgresql", "upgrade", "iam-db-auth-error"]);
  });

  it("exports IAM database authentication errors from the writer and every replica (every instance takes IAM logins)", async () => {
    const g = await rendered(stack, tier);
    const { writer, replicas } = instances(g);
    expect(writer.inputs.iamDatabaseAuthenticationEnabled).toBe(true);
    for (const i of [writer, ...replicas]) expect(i.inputs.enabledCloudwatchLogsExports, i.name).toContain("iam-db-auth-error");
  });

  it("encrypts storage with the stack key; IAM auth on; the master password is generated, not RDS-managed", async () => {
    const g = await rendered(stack, tier);
    const { writer } = instances(g);
    const keyArn = g.outputs.kmsKeyArn;
    expect(writer.inputs).toMatchObject({ storageEncrypted: true, kmsKeyId: keyArn, iamDatabaseAuthenticationEnabled: true });
    // RDS refuses a read replica of a source whose master password it manages (RDS user guide,
    // "Limitations for Secrets Manager integration"; terraform-aws-modules/terraform-aws-rds#532), so the
    // writer never uses manageMasterUserPassword, at any tier: a switch to 100k must not have to
    // change it first. Turning it off on an existing writer is an in-place ModifyDBInstance
    // (ManageMasterUserPassword=false with MasterUserPassword; neither is ForceNew in the provider).
    expect(writer.inputs.manageMasterUserPassword).toBeUndefined();
    expect(writer.inputs.masterUserSecretKmsKeyId).toBeUndefined();
    const password = named(g, "database-master-password");
    expect(password.type).toBe("random:index/randomPassword:RandomPassword");
    expect(password.inputs.special).toBe(false);
    expect(isSecretEnvelope(writer.inputs.password)).toBe(true);
    expect(writer.inputs.username).not.toBe("postgres");
    // The operator's copy: a Secrets Manager secret under the stack key, in RDS's secret JSON shape.
    const secret = named(g, "database-master-secret");
    expect(secret.inputs.kmsKeyId).toBe(keyArn);
    const version = named(g, "database-master-secret-value");
    expect(isSecretEnvelope(version.inputs.secretString)).toBe(true);
    const value = JSON.parse((version.inputs.secretString as { value: string }).value) as Record<string, unknown>;
    expect(value).toMatchObject({ engine: "postgres", username: writer.inputs.username, dbname: writer.inputs.dbName, port: PORTS.postgres });
    expect(value.password).toBe((writer.inputs.password as { value: string }).value);
    expect(value.host).toBe(g.outputs.databaseAddress);
    expect(g.outputs.databaseMasterSecretArn).toMatch(/^arn:aws:secretsmanager:us-east-1:\d{12}:secret:database-master-secret-/);
    const dbResources = g.resources.filter((r) => r.name.startsWith("database"));
    expect(secretLeaks({ ...g, resources: dbResources })).toEqual([]);
  });

  it("keeps backups, protection and snapshots per the environment", async () => {
    const g = await rendered(stack, tier);
    const { writer } = instances(g);
    const { database, safety } = g.config.sizing;
    const prod = g.config.environment === "prod";
    expect(writer.inputs.backupRetentionPeriod).toBe(database.backupRetentionDays);
    expect(writer.inputs.backupRetentionPeriod).toBe(prod ? { "1k": 7, "10k": 14, "100k": 35 }[tier] : 1);
    expect(writer.inputs.deletionProtection).toBe(safety.deletionProtection);
    expect(writer.inputs.deletionProtection).toBe(prod);
    expect(writer.inputs.skipFinalSnapshot).toBe(!prod);
    if (prod) expect(writer.inputs.finalSnapshotIdentifier).toBe(`inference-platform-${stack}-db-final`);
    else expect(writer.inputs.finalSnapshotIdentifier).toBeUndefined();
    expect(writer.inputs.copyTagsToSnapshot).toBe(true);
    expect(writer.inputs.autoMinorVersionUpgrade).toBe(true);
    // A tier switch applies at once in every environment, replicas included. Deferred to the
    // maintenance window, the provider reads back the old class (DescribeDBInstances' DBInstanceClass;
    // the new one waits in PendingModifiedValues), so every later `pulumi up` showed
    // `~ instanceClass` until the window (hashicorp/terraform#1341, terraform-provider-aws#9756).
    for (const instance of ofType(g, "aws:rds/instance:Instance")) expect(instance.inputs.applyImmediately, instance.name).toBe(true);
  });

  it("turns Performance Insights (with the stack key) and enhanced monitoring on per sizing", async () => {
    const g = await rendered(stack, tier);
    const { writer } = instances(g);
    const s = g.config.sizing.database;
    const prod = g.config.environment === "prod";
    expect(writer.inputs.performanceInsightsEnabled).toBe(s.performanceInsights);
    expect(writer.inputs.performanceInsightsEnabled).toBe(prod);
    expect(writer.inputs.performanceInsightsKmsKeyId).toBe(prod ? g.outputs.kmsKeyArn : undefined);
    expect(writer.inputs.monitoringInterval).toBe(s.monitoringIntervalSeconds);
    const role = g.resources.find((r) => r.name === "database-monitoring-role");
    if (s.monitoringIntervalSeconds > 0) {
      expect(role).toBeDefined();
      const trust = json<{ Statement: { Principal: unknown }[] }>(role!.inputs.assumeRolePolicy);
      expect(trust.Statement[0].Principal).toEqual({ Service: "monitoring.rds.amazonaws.com" });
      expect(writer.inputs.monitoringRoleArn).toMatch(/^arn:aws:iam::\d{12}:role\/database-monitoring-role/);
    } else {
      expect(role).toBeUndefined();
      expect(writer.inputs.monitoringRoleArn).toBeUndefined();
    }
  });

  it("is Multi-AZ in prod from 10k up (1k prod: single-AZ with the PITR restore path), with a read replica at 100k prod only, exposed as the reader endpoint", async () => {
    const g = await rendered(stack, tier);
    const { writer, replicas } = instances(g);
    const prod = g.config.environment === "prod";
    expect(writer.inputs.multiAz).toBe(prod && tier !== "1k");
    if (prod && tier === "1k") {
      // The restore path the single-AZ instance rests on: PITR a week back, nothing deleted by accident.
      expect(writer.inputs).toMatchObject({ deletionProtection: true, skipFinalSnapshot: false });
      expect(writer.inputs.backupRetentionPeriod).toBeGreaterThanOrEqual(7);
    }
    expect(replicas).toHaveLength(prod && tier === "100k" ? 1 : 0);
    expect(replicas).toHaveLength(g.config.sizing.database.readReplicas);
    for (const replica of replicas) {
      expect(replica.inputs).toMatchObject({
        replicateSourceDb: writer.inputs.identifier,
        instanceClass: writer.inputs.instanceClass,
        storageEncrypted: true,
        vpcSecurityGroupIds: writer.inputs.vpcSecurityGroupIds,
        publiclyAccessible: false,
        skipFinalSnapshot: true,
        // Removing the replica is part of leaving the 100k tier; protection would make AWS refuse it.
        deletionProtection: false,
      });
      // A replica inherits these from its source; setting them is an API error.
      for (const inherited of ["engine", "username", "password", "dbName", "manageMasterUserPassword", "dbSubnetGroupName", "kmsKeyId"]) {
        expect(replica.inputs[inherited]).toBeUndefined();
      }
    }
    const reader = g.outputs.databaseReaderEndpoint as string;
    if (replicas.length > 0) expect(reader).toMatch(/^inference-platform-prod-db-replica-1\./);
    else expect(reader).toBe(g.outputs.databaseAddress);
    expect(g.outputs.databaseInstanceIdentifiers).toEqual([
      writer.inputs.identifier,
      ...replicas.map((r) => r.inputs.identifier),
    ]);
  });

  it("exports endpoint, port and database name", async () => {
    const g = await rendered(stack, tier);
    expect(g.outputs.databaseEndpoint).toBe(`${String(g.outputs.databaseAddress)}:${PORTS.postgres}`);
    expect(g.outputs.databasePort).toBe(PORTS.postgres);
    expect(g.outputs.databaseName).toBe(instances(g).writer.inputs.dbName);
  });
});

describe("grantConnect", () => {
  it("names the writer and every replica, since the reader endpoint is a replica", async () => {
    const pulumi = await import("@pulumi/pulumi");
    const { Database } = await import("../../components/database");
    const { MOCK_ACCOUNT_ID, mockCall, mockResource } = await import("../../src/plan/mocks");
    const { TIERS } = await import("../../sizing");
    await pulumi.runtime.setMocks({ newResource: mockResource, call: mockCall }, "inference-platform", "prod", false);
    const database = new Database("database", {
      context: {
        identity: { project: "inference-platform", stack: "prod", tags: {} },
        region: "us-east-1",
        accountId: MOCK_ACCOUNT_ID,
        kmsKeyArn: `arn:aws:kms:us-east-1:${MOCK_ACCOUNT_ID}:key/0000`,
        logRetentionDays: TIERS["100k"].observability.logRetentionDays,
      },
      sizing: TIERS["100k"].database,
      safety: TIERS["100k"].safety,
      subnetIds: ["subnet-a", "subnet-b"],
      securityGroupId: "sg-database",
    });
    const statements = await new Promise<{ Resource: unknown }[]>((resolve) => database.grantConnect("app").apply(resolve));
    const resources = statements[0].Resource as string[];
    expect(resources).toHaveLength(1 + TIERS["100k"].database.readReplicas);
    for (const arn of resources) expect(arn).toMatch(new RegExp(`^arn:aws:rds-db:us-east-1:${MOCK_ACCOUNT_ID}:dbuser:[^/]+/app$`));
    expect(new Set(resources).size).toBe(resources.length);
  });
});
