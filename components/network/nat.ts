/**
 * The network's NAT: managed NAT gateways or NAT instances (AWS's own AL2023 image turned into a NAT
 * by its boot script, rebooted by an alarm when its OS hangs), one per NAT slot, and every private
 * route table's default route to the NAT of its AZ.
 */
import * as aws from "@pulumi/aws";
import type * as awsx from "@pulumi/awsx";
import type * as pulumi from "@pulumi/pulumi";
import { NAT_INSTANCE, NAT_INSTANCE_REBOOT, type NetworkSizing } from "../../sizing";
import type { StackIdentity } from "../component";

/**
 * Public SSM parameter holding the latest Amazon Linux 2023 ARM64 AMI: the NAT instances run AWS's own
 * image (no third-party AMI to trust), configured as a NAT by {@link NAT_INSTANCE_USER_DATA}.
 * https://docs.aws.amazon.com/linux/al2023/ug/ec2.html#launch-from-ssm
 */
export const NAT_INSTANCE_AMI_PARAMETER = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64";

/**
 * Boot script that turns Amazon Linux 2023 into a NAT: IP forwarding on, masquerade everything that
 * leaves through the primary interface, both persisted across reboots (EC2 recovery reboots it).
 * The steps are AWS's "Create a NAT AMI" for AL2023
 * (https://docs.aws.amazon.com/vpc/latest/userguide/work-with-nat-instances.html#create-nat-ami); the
 * interface is looked up instead of assuming `ens5`.
 */
export const NAT_INSTANCE_USER_DATA = `#!/bin/bash
set -euo pipefail
# cloud-init may clean dnf's cache while this runs (aws/aws-cdk#36717): retry, then insist.
for attempt in $(seq 1 ${NAT_INSTANCE.packageInstallAttempts}); do dnf install -y iptables-services && break; sleep ${NAT_INSTANCE.packageInstallRetrySeconds}; done
rpm -q iptables-services
systemctl enable --now iptables
echo "net.ipv4.ip_forward=1" > /etc/sysctl.d/90-nat.conf
sysctl -p /etc/sysctl.d/90-nat.conf
IFACE=$(ip route show default | awk '{print $5; exit}')
iptables -t nat -A POSTROUTING -o "$IFACE" -j MASQUERADE
iptables -F FORWARD
service iptables save
`;

/** What the NAT needs from its network. */
export interface NatArgs {
  /** Stack identity for names and tags. */
  identity: StackIdentity;
  /** AWS region (the reboot alarm's EC2 action ARN). */
  region: string;
  /** The stack's KMS key: NAT instances' root volumes. */
  kmsKeyArn: pulumi.Input<string>;
  /** AZ count, NAT kind and strategy, instance type and VPC CIDR, from the tier table. */
  sizing: NetworkSizing;
  /** The VPC: route tables are looked up once it exists. */
  vpc: awsx.ec2.Vpc;
  publicSubnetIds: pulumi.Output<string[]>;
  privateSubnetIds: pulumi.Output<string[]>;
  /** The network's `natInstance` security group (its rules are made here, with the instances). */
  securityGroup: aws.ec2.SecurityGroup;
}

/** The NAT's resources: gateways or instances (one per NAT slot), and one egress route per AZ. */
export interface NatResources {
  natGateways: aws.ec2.NatGateway[];
  natInstances: aws.ec2.Instance[];
  /** Each private route table's default route, `<name>-private-egress-<az>`, whichever NAT it targets. */
  egressRoutes: aws.ec2.Route[];
}

/**
 * One NAT per slot (`single`: one, in the first AZ; `perAz`: one per AZ) in the public subnet, and
 * a default route in every private subnet's route table to the NAT of its AZ (or the single one).
 */
export function createNat(name: string, args: NatArgs, parent: pulumi.Resource): NatResources {
  const { identity, region, kmsKeyArn, sizing } = args;
  const tags = identity.tags;
  const natGateways: aws.ec2.NatGateway[] = [];
  const natInstances: aws.ec2.Instance[] = [];
  const egressRoutes: aws.ec2.Route[] = [];
  const azs = sizing.availabilityZones;
  const slots = sizing.natGateways === "single" ? 1 : azs;
  const publicSubnet = (i: number) => args.publicSubnetIds.apply((ids) => ids[i]);
  const privateSubnet = (i: number) => args.privateSubnetIds.apply((ids) => ids[i]);
  const targets: { natGatewayId?: pulumi.Input<string>; networkInterfaceId?: pulumi.Input<string> }[] = [];
  if (sizing.natType === "gateway") {
    for (let i = 0; i < slots; i++) {
      const eip = new aws.ec2.Eip(`${name}-nat-ip-${i + 1}`, { domain: "vpc", tags }, { parent });
      const nat = new aws.ec2.NatGateway(
        `${name}-nat-${i + 1}`,
        { subnetId: publicSubnet(i), allocationId: eip.allocationId, tags: { ...tags, Name: `${identity.project}-${identity.stack}-nat-${i + 1}` } },
        { parent },
      );
      natGateways.push(nat);
      targets.push({ natGatewayId: nat.id });
    }
  } else {
    const sg = args.securityGroup;
    // Everything from inside the VPC may leave through the NAT; nothing from outside gets in.
    new aws.vpc.SecurityGroupIngressRule(
      `${name}-natInstance-from-vpc`,
      { securityGroupId: sg.id, ipProtocol: "-1", cidrIpv4: sizing.vpcCidr, description: "Private subnets' egress to NAT" },
      { parent },
    );
    new aws.vpc.SecurityGroupEgressRule(
      `${name}-natInstance-egress`,
      { securityGroupId: sg.id, ipProtocol: "-1", cidrIpv4: "0.0.0.0/0", description: "Translated traffic to the internet" },
      { parent },
    );
    const ami = aws.ssm.getParameterOutput({ name: NAT_INSTANCE_AMI_PARAMETER }, { parent }).value;
    for (let i = 0; i < slots; i++) {
      const instance = new aws.ec2.Instance(
        `${name}-nat-instance-${i + 1}`,
        {
          ami,
          instanceType: sizing.natInstanceType,
          subnetId: publicSubnet(i),
          vpcSecurityGroupIds: [sg.id],
          associatePublicIpAddress: true,
          // A NAT forwards packets addressed to others: EC2 drops them unless the check is off.
          sourceDestCheck: false,
          userData: NAT_INSTANCE_USER_DATA,
          // cloud-init runs user data once per instance: a changed script only takes effect on a new
          // instance (created before the old one goes; the route follows the new interface in place).
          userDataReplaceOnChange: true,
          metadataOptions: { httpTokens: "required", httpPutResponseHopLimit: 1, httpEndpoint: "enabled" },
          rootBlockDevice: { volumeType: "gp3", volumeSize: NAT_INSTANCE.rootVolumeGiB, encrypted: true, kmsKeyId: kmsKeyArn, deleteOnTermination: true },
          // Simplified automatic recovery (T4g supports it) moves the instance to healthy hardware
          // with the same ENI, so the private route stays valid; egress pauses for the reboot.
          // https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/ec2-instance-recover.html
          maintenanceOptions: { autoRecovery: "default" },
          creditSpecification: { cpuCredits: "unlimited" },
          tags: { ...tags, Name: `${identity.project}-${identity.stack}-nat-${i + 1}` },
        },
        // A new AL2023 release must not replace a NAT on an unrelated `pulumi up` (an egress
        // pause); roll it deliberately with `pulumi up --replace <urn>`.
        { parent, ignoreChanges: ["ami"] },
      );
      natInstances.push(instance);
      createRebootOnHang(name, instance, i, region, tags, parent);
      targets.push({ networkInterfaceId: instance.primaryNetworkInterfaceId });
    }
  }
  for (let i = 0; i < azs; i++) {
    const routeTable = aws.ec2.getRouteTableOutput({ subnetId: privateSubnet(i) }, { parent, dependsOn: [args.vpc] });
    egressRoutes.push(
      new aws.ec2.Route(
        `${name}-private-egress-${i + 1}`,
        { routeTableId: routeTable.routeTableId, destinationCidrBlock: "0.0.0.0/0", ...targets[Math.min(i, slots - 1)] },
        { parent },
      ),
    );
  }
  return { natGateways, natInstances, egressRoutes };
}

/** Reboots a NAT instance whose OS hangs ({@link NAT_INSTANCE_REBOOT}): automatic recovery covers only hardware. */
function createRebootOnHang(
  name: string,
  instance: aws.ec2.Instance,
  i: number,
  region: string,
  tags: Record<string, string>,
  parent: pulumi.Resource,
): aws.cloudwatch.MetricAlarm {
  return new aws.cloudwatch.MetricAlarm(
    `${name}-nat-instance-${i + 1}-reboot`,
    {
      alarmDescription: "The NAT instance fails its instance status check (hung OS): EC2 reboots it; egress of its AZ resumes after boot.",
      namespace: "AWS/EC2",
      metricName: "StatusCheckFailed_Instance",
      dimensions: { InstanceId: instance.id },
      statistic: "Maximum",
      period: NAT_INSTANCE_REBOOT.statusCheckPeriodSeconds,
      evaluationPeriods: NAT_INSTANCE_REBOOT.rebootAfterFailedMinutes,
      comparisonOperator: "GreaterThanThreshold",
      threshold: 0,
      // No datapoint (instance stopped or being replaced) is not a hang.
      treatMissingData: "notBreaching",
      alarmActions: [`arn:aws:automate:${region}:ec2:reboot`],
      tags,
    },
    { parent },
  );
}
