/**
 * Issue 15's promises, checked on the rendered prod stack at every tier after the cost levers: TLS and
 * WAF on the public edge; TLS on the gateway/workers -> Triton hop; encryption at rest with the stack key; RPO 1 h / RTO 4 h (Multi-AZ from 10k
 * up, point-in-time restore at every tier); capacity ≥ 2×; no single-AZ egress from 10k up; deletion
 * protection and final snapshots on everything stateful; no mandatory policy violation.
 */
import { describe, expect, it } from "vitest";
import { buildPlan } from "../src/plan/report";
import { PORTS } from "../sizing";
import { type Captured, named, ofType, rendered, single, TIER_NAMES } from "./support/graph";

describe.each(TIER_NAMES)("prod at %s keeps every promise", (tier) => {
  it("TLS and WAF on the public edge", async () => {
    const g = await rendered("prod", tier);
    const lb = ofType(g, "aws:lb/loadBalancer:LoadBalancer").filter((l) => l.inputs.internal !== true);
    expect(lb).toHaveLength(1);
    const https = named(g, "gateway-https").inputs;
    expect(https).toMatchObject({ protocol: "HTTPS", certificateArn: expect.stringMatching(/^arn:aws:acm:/) });
    expect(String(https.sslPolicy)).toMatch(/TLS13|TLS-1-2/);
    expect(named(g, "gateway-http").inputs.defaultActions).toEqual([expect.objectContaining({ type: "redirect", redirect: expect.objectContaining({ protocol: "HTTPS" }) })]);
    expect(single(g, "aws:wafv2/webAclAssociation:WebAclAssociation").inputs.resourceArn).toMatch(/:loadbalancer\/app\//);
  });

  it("TLS on the Triton hop: gRPC over TLS only, for the name the clients dial, and no client flow to plain HTTP", async () => {
    const g = await rendered("prod", tier);
    const host = String(g.outputs.tritonGrpcUrl).split(":")[0];
    expect(named(g, "inference-triton-server-csr").inputs.dnsNames).toEqual([host]);
    const triton = (named(g, "inference-triton").inputs as Captured).spec.template.spec.containers[0];
    expect(triton.args).toContain("--grpc-use-ssl=true");
    const svc = (named(g, "inference-triton-svc").inputs as Captured).spec;
    expect(svc.ports.map((p: Captured) => p.port)).toEqual([PORTS.tritonGrpc]);
    // No security-group rule lets the gateway or the workers reach Triton's plain HTTP port.
    const clients = ["gateway", "workers"].map((role) => named(g, `network-${role}-sg`).id);
    const toTritonHttp = ofType(g, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").filter(
      (r) => clients.includes(r.inputs.referencedSecurityGroupId as string) && r.inputs.fromPort === PORTS.tritonHttp,
    );
    expect(toTritonHttp).toEqual([]);
    for (const def of ofType(g, "aws:ecs/taskDefinition:TaskDefinition")) {
      const env = (JSON.parse(String(def.inputs.containerDefinitions)) as Captured[])[0].environment as { name: string }[];
      expect(env.map((e) => e.name), def.name).toContain("TRITON_GRPC_CA_PEM");
      expect(env.map((e) => e.name), def.name).not.toContain("TRITON_HTTP_URL");
    }
  });

  it("encryption at rest with the stack key", async () => {
    const g = await rendered("prod", tier);
    const key = g.outputs.kmsKeyArn as string;
    // A read replica inherits its writer's key (AWS refuses one for a same-region replica): the writer's is the stack key.
    const dbs = ofType(g, "aws:rds/instance:Instance");
    for (const db of dbs.filter((d) => d.inputs.replicateSourceDb === undefined)) expect(db.inputs).toMatchObject({ storageEncrypted: true, kmsKeyId: key });
    for (const replica of dbs.filter((d) => d.inputs.replicateSourceDb !== undefined)) {
      expect(dbs.find((d) => d.inputs.identifier === replica.inputs.replicateSourceDb)?.inputs.kmsKeyId).toBe(key);
    }
    expect(single(g, "aws:elasticache/replicationGroup:ReplicationGroup").inputs).toMatchObject({ atRestEncryptionEnabled: true, kmsKeyId: key });
    for (const q of ofType(g, "aws:sqs/queue:Queue")) expect(q.inputs.kmsMasterKeyId, q.name).toBe(key);
    for (const l of ofType(g, "aws:cloudwatch/logGroup:LogGroup")) expect(l.inputs.kmsKeyId, l.name).toBe(key);
    for (const nat of ofType(g, "aws:ec2/instance:Instance")) expect(nat.inputs.rootBlockDevice).toMatchObject({ encrypted: true, kmsKeyId: key });
    for (const sse of ofType(g, "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration")) {
      // The access-log bucket is SSE-S3: ALB access logs support no KMS key on their target bucket
      // (ELB docs, "Enable access logs"); it holds no user data.
      if (sse.name === "storage-logs-encryption") expect(JSON.stringify(sse.inputs.rules)).toContain("AES256");
      else expect(JSON.stringify(sse.inputs.rules), sse.name).toContain(key);
    }
  });

  it("RPO 1 h / RTO 4 h: point-in-time restore everywhere, Multi-AZ data stores from 10k up", async () => {
    const g = await rendered("prod", tier);
    const writer = named(g, "database-writer").inputs;
    expect(Number(writer.backupRetentionPeriod)).toBeGreaterThanOrEqual(7);
    expect(writer.multiAz).toBe(tier !== "1k");
    const cache = single(g, "aws:elasticache/replicationGroup:ReplicationGroup").inputs;
    if (tier !== "1k") expect(cache).toMatchObject({ automaticFailoverEnabled: true, multiAzEnabled: true });
  });

  it("no single-AZ egress from 10k up: one NAT per AZ", async () => {
    const g = await rendered("prod", tier);
    const nats = ofType(g, "aws:ec2/instance:Instance").filter((r) => r.name.startsWith("network-nat-instance-")).length + ofType(g, "aws:ec2/natGateway:NatGateway").length;
    expect(nats).toBe(tier === "1k" ? 1 : g.config.sizing.network.availabilityZones);
  });

  it("deletion protection and final snapshots on everything stateful", async () => {
    const g = await rendered("prod", tier);
    const writer = named(g, "database-writer").inputs;
    expect(writer).toMatchObject({ deletionProtection: true, skipFinalSnapshot: false });
    expect(writer.finalSnapshotIdentifier).toBeTruthy();
    expect(single(g, "aws:elasticache/replicationGroup:ReplicationGroup").inputs.finalSnapshotIdentifier).toBeTruthy();
    for (const b of ofType(g, "aws:s3/bucket:Bucket")) expect(b.inputs.forceDestroy, b.name).not.toBe(true);
    expect(ofType(g, "aws:lb/loadBalancer:LoadBalancer").filter((l) => l.inputs.internal !== true)[0].inputs.enableDeletionProtection).toBe(true);
  });

  it("capacity ≥ 2× the modeled peak, and no mandatory policy violation", async () => {
    const plan = buildPlan(await rendered("prod", tier));
    expect(plan.capacity.ok).toBe(true);
    expect(plan.capacity.jobsHeadroom).toBeGreaterThanOrEqual(2);
    expect(plan.policy.mandatoryFailures).toBe(0);
  });
});
