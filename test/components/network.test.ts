/**
 * The network for every shipped stack × tier: AZs and NAT per tier and environment, the S3 gateway
 * endpoint, flow logs in prod only, the default security group closed, and exactly the flows of the
 * architecture picture in the security groups.
 */
import { describe, expect, it } from "vitest";
import { ALLOWED_FLOWS, availabilityZoneCidrMask, AZ_SLOT_BITS, SECURITY_GROUP_ROLES } from "../../components/network";
import { PORTS } from "../../src/constants";
import { named, ofType, rendered, single, stackTierMatrix } from "../support/graph";

describe.each(stackTierMatrix())("network of $stack at $tier", ({ stack, tier }) => {
  it("spans the tier's AZs with the environment's NAT strategy", async () => {
    const g = await rendered(stack, tier);
    const vpc = single(g, "awsx:ec2:Vpc").inputs;
    const { sizing, environment } = g.config;
    expect(vpc.numberOfAvailabilityZones).toBe(sizing.network.availabilityZones);
    expect(vpc.numberOfAvailabilityZones).toBe(tier === "100k" ? 3 : 2);
    const expectedNat = environment === "dev" || tier === "1k" ? "Single" : "OnePerAz";
    expect(vpc.natGateways).toEqual({ strategy: expectedNat });
    expect(vpc.subnetSpecs).toEqual([
      expect.objectContaining({ type: "Public", tags: expect.objectContaining({ "kubernetes.io/role/elb": "1" }) }),
      expect.objectContaining({ type: "Private", tags: expect.objectContaining({ "kubernetes.io/role/internal-elb": "1" }) }),
    ]);
  });

  it("gives every AZ the same slice of the VPC whatever the AZ count, so adding an AZ moves no subnet", async () => {
    const g = await rendered(stack, tier);
    const vpc = single(g, "awsx:ec2:Vpc").inputs;
    expect(vpc.cidrBlock).toBe("10.0.0.0/16");
    expect(vpc.availabilityZoneCidrMask).toBe(16 + AZ_SLOT_BITS);
    expect(vpc.subnetStrategy).toBe("Auto");
  });

  it("has a free S3 gateway endpoint on the VPC's route tables", async () => {
    const g = await rendered(stack, tier);
    const endpoint = single(g, "aws:ec2/vpcEndpoint:VpcEndpoint").inputs;
    expect(endpoint).toMatchObject({ vpcEndpointType: "Gateway", serviceName: "com.amazonaws.us-east-1.s3" });
    expect((endpoint.routeTableIds as string[]).length).toBeGreaterThan(0);
  });

  it("logs VPC flows in prod only, encrypted and retained", async () => {
    const g = await rendered(stack, tier);
    const flowLogs = ofType(g, "aws:ec2/flowLog:FlowLog");
    if (g.config.environment === "prod") {
      expect(flowLogs).toHaveLength(1);
      expect(flowLogs[0].inputs).toMatchObject({ trafficType: "ALL", logDestinationType: "cloud-watch-logs" });
      const trust = JSON.parse(named(g, "network-flow-logs-role").inputs.assumeRolePolicy as string);
      expect(trust.Statement[0]).toMatchObject({
        Principal: { Service: "vpc-flow-logs.amazonaws.com" },
        Condition: { StringEquals: { "aws:SourceAccount": "123456789012" } },
      });
      const group = named(g, "network-flow-logs").inputs;
      expect(group.kmsKeyId).toMatch(/^arn:aws:kms:/);
      expect(group.retentionInDays).toBe(g.config.sizing.observability.logRetentionDays);
    } else {
      expect(flowLogs).toHaveLength(0);
    }
  });

  it("empties the default security group", async () => {
    const g = await rendered(stack, tier);
    expect(single(g, "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup").inputs).toMatchObject({ ingress: [], egress: [] });
  });

  it("admits only the architecture's flows", async () => {
    const g = await rendered(stack, tier);
    const roleOfId = new Map(SECURITY_GROUP_ROLES.map((role) => [named(g, `network-${role}-sg`).id, role]));
    const ingress = ofType(g, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").filter((r) =>
      roleOfId.has(r.inputs.securityGroupId as string),
    );
    const actual = ingress
      .map((r) => {
        const to = roleOfId.get(r.inputs.securityGroupId as string);
        const from = r.inputs.cidrIpv4 ?? roleOfId.get(r.inputs.referencedSecurityGroupId as string);
        expect(r.inputs.fromPort).toBe(r.inputs.toPort);
        return `${String(from)} -> ${String(to)}:${String(r.inputs.fromPort)}`;
      })
      .sort();
    const expected = ALLOWED_FLOWS.map(
      (f) => `${typeof f.from === "string" ? f.from : f.from.cidr} -> ${f.to}:${f.port}`,
    ).sort();
    expect(actual).toEqual(expected);
    // Only the load balancer is open to the internet, and only on 80/443.
    expect(actual.filter((f) => f.startsWith("0.0.0.0/0"))).toEqual([
      `0.0.0.0/0 -> loadBalancer:${PORTS.http}`,
      `0.0.0.0/0 -> loadBalancer:${PORTS.https}`,
    ].sort());
    // Data stores accept their own port from the gateway and workers only.
    expect(actual.filter((f) => /-> (database|cache):/.test(f))).toEqual([
      `gateway -> cache:${PORTS.redis}`,
      `gateway -> database:${PORTS.postgres}`,
      `workers -> cache:${PORTS.redis}`,
      `workers -> database:${PORTS.postgres}`,
    ]);
  });
});

describe("the AZ layout", () => {
  it("is the same slice size for 2 and 3 AZs (awsx would otherwise derive it from the count: /17 vs /18)", () => {
    expect(availabilityZoneCidrMask({ vpcCidr: "10.0.0.0/16", availabilityZones: 2 })).toBe(18);
    expect(availabilityZoneCidrMask({ vpcCidr: "10.0.0.0/16", availabilityZones: 3 })).toBe(18);
    expect(availabilityZoneCidrMask({ vpcCidr: "172.16.0.0/15", availabilityZones: 4 })).toBe(17);
  });

  it("refuses an AZ count or a CIDR the layout cannot hold, naming the argument", () => {
    expect(() => availabilityZoneCidrMask({ vpcCidr: "10.0.0.0/16", availabilityZones: 5 })).toThrowError(
      "`sizing.availabilityZones` 5 exceeds the 4 AZ slices",
    );
    expect(() => availabilityZoneCidrMask({ vpcCidr: "10.0.0.0/18", availabilityZones: 2 })).toThrowError(
      "`sizing.vpcCidr` 10.0.0.0/18 is too small",
    );
  });
});
