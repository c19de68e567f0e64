/**
 * The network for every shipped stack × tier: AZs and NAT per tier and environment, the S3 gateway
 * endpoint, flow logs in prod only, the default security group closed, and exactly the flows of the
 * architecture picture in the security groups.
 */
import { describe, expect, it } from "vitest";
import { ALLOWED_FLOWS, availabilityZoneCidrMask, AZ_SLOT_BITS, SECURITY_GROUP_ROLES } from "../../components/network";
import { NAT_INSTANCE_REBOOT, PORTS } from "../../sizing";
import { named, ofType, rendered, single, stackTierMatrix } from "../support/graph";

describe.each(stackTierMatrix())("network of $stack at $tier", ({ stack, tier }) => {
  it("spans the tier's AZs with the environment's NAT strategy", async () => {
    const g = await rendered(stack, tier);
    const vpc = single(g, "awsx:ec2:Vpc").inputs;
    const { sizing, environment } = g.config;
    expect(vpc.numberOfAvailabilityZones).toBe(sizing.network.availabilityZones);
    expect(vpc.numberOfAvailabilityZones).toBe(tier === "100k" ? 3 : 2);
    // NAT is the component's own (gateways or instances, with its own routes): awsx makes none.
    expect(vpc.natGateways).toEqual({ strategy: "None" });
    expect(sizing.network.natGateways).toBe(environment === "dev" || tier === "1k" ? "single" : "perAz");
    expect(vpc.subnetSpecs).toEqual([
      expect.objectContaining({ type: "Public", tags: expect.objectContaining({ "kubernetes.io/role/elb": "1" }) }),
      expect.objectContaining({ type: "Private", tags: expect.objectContaining({ "kubernetes.io/role/internal-elb": "1" }) }),
    ]);
  });

  it("routes every private subnet to a NAT in its own AZ (one NAT with `single`), prod 10k+ never through one AZ", async () => {
    const g = await rendered(stack, tier);
    const { sizing, environment } = g.config;
    const azs = sizing.network.availabilityZones;
    const slots = sizing.network.natGateways === "single" ? 1 : azs;
    const instances = ofType(g, "aws:ec2/instance:Instance").filter((r) => r.name.startsWith("network-nat-instance-"));
    const gateways = ofType(g, "aws:ec2/natGateway:NatGateway");
    expect(sizing.network.natType).toBe(tier === "100k" ? "gateway" : "instance");
    expect(instances.length + gateways.length).toBe(slots);
    if (environment === "prod" && tier !== "1k") expect(slots).toBe(azs);
    // One NAT per public subnet (one AZ each).
    const natSubnets = [...instances, ...gateways].map((r) => r.inputs.subnetId);
    expect(new Set(natSubnets).size).toBe(slots);
    const routes = Array.from({ length: azs }, (_, i) => named(g, `network-private-egress-${i + 1}`).inputs);
    expect(new Set(routes.map((r) => r.routeTableId)).size).toBe(azs);
    const target = (r: Record<string, unknown>) => (sizing.network.natType === "gateway" ? r.natGatewayId : r.networkInterfaceId);
    for (const [i, route] of routes.entries()) {
      expect(route.destinationCidrBlock).toBe("0.0.0.0/0");
      expect(target(route)).toMatch(sizing.network.natType === "gateway" ? /./ : /^eni-/);
      if (sizing.network.natType === "gateway") expect(route.natGatewayId).toBe(gateways[Math.min(i, slots - 1)].id);
    }
    // perAz: every AZ's route goes to a different NAT; single: all to the one.
    expect(new Set(routes.map(target)).size).toBe(slots);
    for (const nat of instances) {
      // A NAT instance forwards others' packets, runs AWS's AL2023 image, IMDSv2 only, encrypted root.
      expect(nat.inputs).toMatchObject({
        sourceDestCheck: false,
        associatePublicIpAddress: true,
        instanceType: sizing.network.natInstanceType,
        metadataOptions: { httpTokens: "required" },
        rootBlockDevice: { encrypted: true, kmsKeyId: expect.stringMatching(/^arn:aws:kms:/) },
        maintenanceOptions: { autoRecovery: "default" },
        // cloud-init runs user data once: a new script needs a new instance, not a stop/start.
        userDataReplaceOnChange: true,
      });
      // The package install is retried (cloud-init may clean dnf's cache meanwhile, aws/aws-cdk#36717)
      // and then checked, so the script never goes on to configure a NAT without iptables.
      expect(nat.inputs.userData).toMatch(/for attempt in \$\(seq 1 \d+\); do dnf install -y iptables-services && break; sleep \d+; done\nrpm -q iptables-services\n/);
      expect(nat.inputs.userData).toContain("net.ipv4.ip_forward=1");
      // A hung OS (instance check) is not covered by automatic recovery: an alarm reboots the instance.
      const reboot = g.resources.find((r) => r.type === "aws:cloudwatch/metricAlarm:MetricAlarm" && r.name === `${nat.name}-reboot`);
      expect(reboot?.inputs).toMatchObject({
        namespace: "AWS/EC2",
        metricName: "StatusCheckFailed_Instance",
        dimensions: { InstanceId: nat.id },
        evaluationPeriods: NAT_INSTANCE_REBOOT.rebootAfterFailedMinutes,
        alarmActions: [`arn:aws:automate:${g.config.region}:ec2:reboot`],
      });
      expect(nat.inputs.userData).toContain("MASQUERADE");
    }
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
    // The NAT instances' group is not a flow between roles: it takes all protocols from the VPC (below).
    const roleOfId = new Map(SECURITY_GROUP_ROLES.filter((r) => r !== "natInstance").map((role) => [named(g, `network-${role}-sg`).id, role]));
    const natSg = named(g, "network-natInstance-sg").id;
    const natIngress = ofType(g, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").filter((r) => r.inputs.securityGroupId === natSg);
    expect(natIngress.map((r) => [r.inputs.ipProtocol, r.inputs.cidrIpv4])).toEqual(
      g.config.sizing.network.natType === "instance" ? [["-1", g.config.sizing.network.vpcCidr]] : [],
    );
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
