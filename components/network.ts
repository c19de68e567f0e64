/**
 * The stack's network: one VPC (awsx) with public and private subnets, NAT per the tier, a free S3
 * gateway endpoint, flow logs in prod, the default security group emptied, and one security group
 * per role with only the ingress its consumers need.
 */
import * as aws from "@pulumi/aws";
import * as awsx from "@pulumi/awsx";
import * as pulumi from "@pulumi/pulumi";
import { NAT_INSTANCE, NAT_INSTANCE_REBOOT, type NetworkSizing, PORTS } from "../sizing";
import { PlatformComponent, type StackContext, applyTransform, type Transform } from "./component";
import { serviceTrustPolicy } from "./iam";

/** Subnet sizes. Private subnets are large: the VPC CNI gives every pod a VPC address. */
export const SUBNET_CIDR_MASKS = { public: 24, private: 19 } as const;

/**
 * Each AZ gets one of 2^AZ_SLOT_BITS equal slices of the VPC CIDR, whatever the AZ count. Left to
 * itself awsx sizes the slices from the count (VPC prefix + ceil(log2(AZs)), awsx
 * `ec2/subnetDistributorNew.ts`), so the tier switch from 2 to 3 AZs (10k → 100k) would move the
 * second AZ's subnets from 10.0.128.0/19 to 10.0.64.0/19: a subnet replacement that AWS refuses while
 * RDS, ElastiCache and EKS hold interfaces in them. Four slices cover every tier (at most 3 AZs).
 */
export const AZ_SLOT_BITS = 2;

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

/**
 * The prefix length of each AZ's slice of `sizing.vpcCidr` (see {@link AZ_SLOT_BITS}). Refuses an AZ
 * count or CIDR the layout cannot hold, before any resource exists.
 */
export function availabilityZoneCidrMask(sizing: Pick<NetworkSizing, "vpcCidr" | "availabilityZones">): number {
  const vpcPrefix = Number(/\/(\d+)$/.exec(sizing.vpcCidr)?.[1]);
  if (!Number.isInteger(vpcPrefix)) throw new Error(`Network: \`sizing.vpcCidr\` "${sizing.vpcCidr}" is not an IPv4 CIDR block.`);
  const mask = vpcPrefix + AZ_SLOT_BITS;
  if (sizing.availabilityZones > 2 ** AZ_SLOT_BITS) {
    throw new Error(
      `Network: \`sizing.availabilityZones\` ${sizing.availabilityZones} exceeds the ${2 ** AZ_SLOT_BITS} AZ slices of the VPC layout.`,
    );
  }
  const needed = 2 ** (32 - SUBNET_CIDR_MASKS.private) + 2 ** (32 - SUBNET_CIDR_MASKS.public);
  if (needed > 2 ** (32 - mask)) {
    throw new Error(
      `Network: \`sizing.vpcCidr\` ${sizing.vpcCidr} is too small: each AZ's /${mask} slice cannot hold a ` +
        `/${SUBNET_CIDR_MASKS.private} private and a /${SUBNET_CIDR_MASKS.public} public subnet.`,
    );
  }
  return mask;
}

/** Security-group roles the platform uses. */
export const SECURITY_GROUP_ROLES = [
  "loadBalancer",
  "gateway",
  "workers",
  "database",
  "cache",
  "tritonLoadBalancer",
  "gpuNodes",
  "natInstance",
] as const;
export type SecurityGroupRole = (typeof SECURITY_GROUP_ROLES)[number];

/** One allowed flow: `to` accepts `port` from `from` (a role's security group, or a CIDR). */
export interface FlowRule {
  to: SecurityGroupRole;
  from: SecurityGroupRole | { cidr: string };
  port: number;
  description: string;
}

/**
 * Every flow the platform allows, as data (the architecture picture, in code). Nothing else gets in:
 * data stores and the GPU nodes accept only the roles listed; the internet reaches only the ALB.
 */
export const ALLOWED_FLOWS: readonly FlowRule[] = [
  { to: "loadBalancer", from: { cidr: "0.0.0.0/0" }, port: PORTS.https, description: "HTTPS from the internet" },
  { to: "loadBalancer", from: { cidr: "0.0.0.0/0" }, port: PORTS.http, description: "HTTP from the internet (redirected to HTTPS)" },
  { to: "gateway", from: "loadBalancer", port: PORTS.gateway, description: "ALB to the API containers" },
  { to: "database", from: "gateway", port: PORTS.postgres, description: "API to PostgreSQL" },
  { to: "database", from: "workers", port: PORTS.postgres, description: "Workers to PostgreSQL" },
  { to: "cache", from: "gateway", port: PORTS.redis, description: "API to Redis" },
  { to: "cache", from: "workers", port: PORTS.redis, description: "Workers to Redis (Celery results)" },
  { to: "tritonLoadBalancer", from: "gateway", port: PORTS.tritonHttp, description: "API to Triton HTTP" },
  { to: "tritonLoadBalancer", from: "gateway", port: PORTS.tritonGrpc, description: "API to Triton gRPC" },
  { to: "tritonLoadBalancer", from: "workers", port: PORTS.tritonHttp, description: "Workers to Triton HTTP" },
  { to: "tritonLoadBalancer", from: "workers", port: PORTS.tritonGrpc, description: "Workers to Triton gRPC" },
  { to: "gpuNodes", from: "tritonLoadBalancer", port: PORTS.tritonHttp, description: "Triton NLB to Triton HTTP" },
  { to: "gpuNodes", from: "tritonLoadBalancer", port: PORTS.tritonGrpc, description: "Triton NLB to Triton gRPC" },
  // triton.endpoint privateDns (no NLB): the clients reach the Triton pods' VPC addresses directly.
  { to: "gpuNodes", from: "gateway", port: PORTS.tritonHttp, description: "API to Triton pods HTTP (private DNS, no NLB)" },
  { to: "gpuNodes", from: "gateway", port: PORTS.tritonGrpc, description: "API to Triton pods gRPC (private DNS, no NLB)" },
  { to: "gpuNodes", from: "workers", port: PORTS.tritonHttp, description: "Workers to Triton pods HTTP (private DNS, no NLB)" },
  { to: "gpuNodes", from: "workers", port: PORTS.tritonGrpc, description: "Workers to Triton pods gRPC (private DNS, no NLB)" },
];

/** Roles whose traffic leaves the VPC (AWS APIs, image registries, model hubs) through NAT. */
const OUTBOUND_ROLES: readonly SecurityGroupRole[] = ["gateway", "workers", "gpuNodes"];

export interface NetworkArgs {
  /**
   * The stack: identity for names and tags, region (the S3 endpoint's service name, the NAT reboot
   * action), account (the flow-log role trusts the service only on its behalf), the stack's KMS key
   * (flow-log group, NAT root volumes) and the log retention (flow-log group).
   */
  context: StackContext;
  /** AZ count, NAT strategy and CIDR, from the tier table. */
  sizing: NetworkSizing;
  /**
   * Send VPC flow logs to CloudWatch.
   * @default `false`
   */
  flowLogs?: boolean;
  /**
   * Adjust the awsx VPC's arguments without forking this component.
   * @example `{ vpc: (args) => ({ ...args, enableDnsHostnames: true }) }`
   */
  transform?: { vpc?: Transform<awsx.ec2.VpcArgs> };
}

/**
 * The network. **Cost**: NAT gateways at $0.045/hour each (~$33/month) plus $0.045/GB, or NAT
 * instances (t4g.micro ~$6/month + $3.65 public IPv4, no per-GB charge); the S3
 * gateway endpoint is free and keeps model downloads and ECR layers off the NAT; flow logs cost
 * CloudWatch ingestion ($0.50/GB).
 */
export class Network extends PlatformComponent {
  public readonly vpc: awsx.ec2.Vpc;
  public readonly vpcId: pulumi.Output<string>;
  public readonly vpcCidr: string;
  public readonly publicSubnetIds: pulumi.Output<string[]>;
  public readonly privateSubnetIds: pulumi.Output<string[]>;
  /**
   * CIDR blocks of the private subnets, looked up from their ids: the addresses tasks, pods and the
   * internal load balancers use, for rules narrower than the whole VPC (Triton's NetworkPolicy).
   */
  public readonly privateSubnetCidrs: pulumi.Output<string[]>;
  /** One security group per role; see {@link ALLOWED_FLOWS}. */
  public readonly securityGroups: Record<SecurityGroupRole, aws.ec2.SecurityGroup>;
  public readonly s3Endpoint: aws.ec2.VpcEndpoint;
  /** The NAT gateways (`natType: gateway`) or NAT instances (`natType: instance`), one per NAT slot. */
  public readonly natGateways: aws.ec2.NatGateway[] = [];
  public readonly natInstances: aws.ec2.Instance[] = [];
  /** Each private route table's default route, `<name>-private-egress-<az>`, whichever NAT it targets. */
  public readonly egressRoutes: aws.ec2.Route[] = [];
  public readonly flowLog?: aws.ec2.FlowLog;

  constructor(name: string, args: NetworkArgs, opts?: pulumi.ComponentResourceOptions) {
    super("network", "Network", name, opts);
    const flowLogs = args.flowLogs ?? false;
    const { identity, region, accountId, kmsKeyArn, logRetentionDays } = args.context;
    const azCidrMask = availabilityZoneCidrMask(args.sizing);
    const tags = identity.tags;
    const parent = this;

    this.vpcCidr = args.sizing.vpcCidr;
    this.vpc = createVpc();
    this.vpcId = this.vpc.vpcId;
    this.publicSubnetIds = this.vpc.publicSubnetIds;
    this.privateSubnetIds = this.vpc.privateSubnetIds;
    this.privateSubnetCidrs = this.privateSubnetIds.apply((ids) =>
      pulumi.all(ids.map((id) => aws.ec2.getSubnetOutput({ id }, { parent }).cidrBlock)),
    );
    closeDefaultSecurityGroup();
    this.s3Endpoint = createS3Endpoint();
    this.securityGroups = createSecurityGroups();
    createFlowRules(this.securityGroups);
    createNat();
    if (flowLogs) this.flowLog = createFlowLog();

    this.registerOutputs({
      vpcId: this.vpcId,
      publicSubnetIds: this.publicSubnetIds,
      privateSubnetIds: this.privateSubnetIds,
      privateSubnetCidrs: this.privateSubnetCidrs,
    });

    function createVpc(): awsx.ec2.Vpc {
      const vpcArgs: awsx.ec2.VpcArgs = {
        cidrBlock: args.sizing.vpcCidr,
        numberOfAvailabilityZones: args.sizing.availabilityZones,
        availabilityZoneCidrMask: azCidrMask,
        enableDnsHostnames: true,
        enableDnsSupport: true,
        // NAT is built below (gateways or instances) with its own routes, whatever the tier: a switch
        // between NAT kinds then updates one route per private route table in place instead of
        // awsx deleting its route while another claims 0.0.0.0/0 on the same table.
        natGateways: { strategy: "None" },
        subnetStrategy: "Auto",
        subnetSpecs: [
          // The role tags let the AWS Load Balancer Controller find subnets for internal NLBs.
          { type: "Public", cidrMask: SUBNET_CIDR_MASKS.public, tags: { ...tags, "kubernetes.io/role/elb": "1" } },
          {
            type: "Private",
            cidrMask: SUBNET_CIDR_MASKS.private,
            tags: { ...tags, "kubernetes.io/role/internal-elb": "1" },
          },
        ],
        tags,
      };
      return new awsx.ec2.Vpc(
        parent.childName("vpc"),
        applyTransform(args.transform?.vpc, vpcArgs),
        { parent },
      );
    }

    /** FSBP EC2.2: the default security group allows nothing, so nothing lands in it by accident. */
    function closeDefaultSecurityGroup(): aws.ec2.DefaultSecurityGroup {
      return new aws.ec2.DefaultSecurityGroup(
        parent.childName("default-sg"),
        { vpcId: parent.vpcId, ingress: [], egress: [], tags },
        { parent },
      );
    }

    function createS3Endpoint(): aws.ec2.VpcEndpoint {
      const routeTables = aws.ec2.getRouteTablesOutput({ vpcId: parent.vpcId }, { parent, dependsOn: [parent.vpc] });
      return new aws.ec2.VpcEndpoint(
        parent.childName("s3-endpoint"),
        {
          vpcId: parent.vpcId,
          serviceName: `com.amazonaws.${region}.s3`,
          vpcEndpointType: "Gateway",
          routeTableIds: routeTables.ids,
          tags,
        },
        { parent },
      );
    }

    function createSecurityGroups(): Record<SecurityGroupRole, aws.ec2.SecurityGroup> {
      const groups = {} as Record<SecurityGroupRole, aws.ec2.SecurityGroup>;
      for (const role of SECURITY_GROUP_ROLES) {
        groups[role] = new aws.ec2.SecurityGroup(
          parent.childName(`${role}-sg`),
          {
            vpcId: parent.vpcId,
            description: `${identity.project}/${identity.stack} ${role}`,
            // Rules are separate resources (below); inline rules would fight them on every update.
            tags: { ...tags, Name: `${identity.project}-${identity.stack}-${role}` },
          },
          { parent },
        );
      }
      return groups;
    }

    function createFlowRules(groups: Record<SecurityGroupRole, aws.ec2.SecurityGroup>): void {
      for (const flow of ALLOWED_FLOWS) {
        const source = typeof flow.from === "string" ? flow.from : "world";
        const ruleName = parent.childName(`${flow.to}-from-${source}-${flow.port}`);
        new aws.vpc.SecurityGroupIngressRule(
          ruleName,
          {
            securityGroupId: groups[flow.to].id,
            ipProtocol: "tcp",
            fromPort: flow.port,
            toPort: flow.port,
            description: flow.description,
            ...(typeof flow.from === "string"
              ? { referencedSecurityGroupId: groups[flow.from].id }
              : { cidrIpv4: flow.from.cidr }),
          },
          { parent },
        );
        // Stateful groups answer inbound flows by themselves; a source group also needs to be
        // allowed out towards its destination, unless it already has open egress.
        if (typeof flow.from === "string" && !OUTBOUND_ROLES.includes(flow.from)) {
          new aws.vpc.SecurityGroupEgressRule(
            parent.childName(`${flow.from}-to-${flow.to}-${flow.port}`),
            {
              securityGroupId: groups[flow.from].id,
              ipProtocol: "tcp",
              fromPort: flow.port,
              toPort: flow.port,
              referencedSecurityGroupId: groups[flow.to].id,
              description: flow.description,
            },
            { parent },
          );
        }
      }
      for (const role of OUTBOUND_ROLES) {
        new aws.vpc.SecurityGroupEgressRule(
          parent.childName(`${role}-egress`),
          {
            securityGroupId: groups[role].id,
            ipProtocol: "-1",
            cidrIpv4: "0.0.0.0/0",
            description: "AWS APIs, registries and the internet through NAT",
          },
          { parent },
        );
      }
    }

    /**
     * One NAT per slot (`single`: one, in the first AZ; `perAz`: one per AZ) in the public subnet, and
     * a default route in every private subnet's route table to the NAT of its AZ (or the single one).
     */
    function createNat(): void {
      const azs = args.sizing.availabilityZones;
      const slots = args.sizing.natGateways === "single" ? 1 : azs;
      const publicSubnet = (i: number) => parent.publicSubnetIds.apply((ids) => ids[i]);
      const privateSubnet = (i: number) => parent.privateSubnetIds.apply((ids) => ids[i]);
      const targets: { natGatewayId?: pulumi.Input<string>; networkInterfaceId?: pulumi.Input<string> }[] = [];
      if (args.sizing.natType === "gateway") {
        for (let i = 0; i < slots; i++) {
          const eip = new aws.ec2.Eip(parent.childName(`nat-ip-${i + 1}`), { domain: "vpc", tags }, { parent });
          const nat = new aws.ec2.NatGateway(
            parent.childName(`nat-${i + 1}`),
            { subnetId: publicSubnet(i), allocationId: eip.allocationId, tags: { ...tags, Name: `${identity.project}-${identity.stack}-nat-${i + 1}` } },
            { parent },
          );
          parent.natGateways.push(nat);
          targets.push({ natGatewayId: nat.id });
        }
      } else {
        const sg = parent.securityGroups.natInstance;
        // Everything from inside the VPC may leave through the NAT; nothing from outside gets in.
        new aws.vpc.SecurityGroupIngressRule(
          parent.childName("natInstance-from-vpc"),
          { securityGroupId: sg.id, ipProtocol: "-1", cidrIpv4: args.sizing.vpcCidr, description: "Private subnets' egress to NAT" },
          { parent },
        );
        new aws.vpc.SecurityGroupEgressRule(
          parent.childName("natInstance-egress"),
          { securityGroupId: sg.id, ipProtocol: "-1", cidrIpv4: "0.0.0.0/0", description: "Translated traffic to the internet" },
          { parent },
        );
        const ami = aws.ssm.getParameterOutput({ name: NAT_INSTANCE_AMI_PARAMETER }, { parent }).value;
        for (let i = 0; i < slots; i++) {
          const instance = new aws.ec2.Instance(
            parent.childName(`nat-instance-${i + 1}`),
            {
              ami,
              instanceType: args.sizing.natInstanceType,
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
          parent.natInstances.push(instance);
          createRebootOnHang(instance, i);
          targets.push({ networkInterfaceId: instance.primaryNetworkInterfaceId });
        }
      }
      for (let i = 0; i < azs; i++) {
        const routeTable = aws.ec2.getRouteTableOutput({ subnetId: privateSubnet(i) }, { parent, dependsOn: [parent.vpc] });
        parent.egressRoutes.push(
          new aws.ec2.Route(
            parent.childName(`private-egress-${i + 1}`),
            { routeTableId: routeTable.routeTableId, destinationCidrBlock: "0.0.0.0/0", ...targets[Math.min(i, slots - 1)] },
            { parent },
          ),
        );
      }
    }

    function createRebootOnHang(instance: aws.ec2.Instance, i: number): aws.cloudwatch.MetricAlarm {
      return new aws.cloudwatch.MetricAlarm(
        parent.childName(`nat-instance-${i + 1}-reboot`),
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

    function createFlowLog(): aws.ec2.FlowLog {
      const logGroup = new aws.cloudwatch.LogGroup(
        parent.childName("flow-logs"),
        {
          name: `/${identity.project}/${identity.stack}/vpc-flow-logs`,
          retentionInDays: logRetentionDays,
          kmsKeyId: kmsKeyArn,
          tags,
        },
        { parent },
      );
      const role = new aws.iam.Role(
        parent.childName("flow-logs-role"),
        // Scoped to this account: the confused-deputy guard AWS recommends for service roles.
        { assumeRolePolicy: serviceTrustPolicy("vpc-flow-logs.amazonaws.com", accountId), tags },
        { parent },
      );
      const policy = new aws.iam.RolePolicy(
        parent.childName("flow-logs-policy"),
        {
          role: role.id,
          policy: pulumi.jsonStringify({
            Version: "2012-10-17",
            Statement: [
              {
                // The delivery role's documented permissions
                // (https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-iam-role.html), CreateLogGroup
                // limited to this group; test/aws/catalogue.ts lists the calls.
                Effect: "Allow",
                Action: ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
                Resource: [logGroup.arn, pulumi.interpolate`${logGroup.arn}:*`],
              },
              {
                // Also documented as required; AWS offers no resource-level permission for it.
                Effect: "Allow",
                Action: ["logs:DescribeLogGroups"],
                Resource: "*",
              },
            ],
          }),
        },
        { parent },
      );
      return new aws.ec2.FlowLog(
        parent.childName("flow-log"),
        {
          vpcId: parent.vpcId,
          trafficType: "ALL",
          logDestinationType: "cloud-watch-logs",
          logDestination: logGroup.arn,
          iamRoleArn: role.arn,
          tags,
        },
        // Delivery starts at creation: a role without its policy yet would fail with "Access error".
        { parent, dependsOn: [policy] },
      );
    }
  }
}
