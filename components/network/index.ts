/**
 * The stack's network: one VPC (awsx) with public and private subnets laid out per AZ slot, a free S3
 * gateway endpoint, flow logs in prod and the default security group emptied. The security groups
 * (one per role, only the ingress its consumers need) are in ./security-groups.ts; NAT per the tier
 * (gateways or instances) in ./nat.ts.
 */
import * as aws from "@pulumi/aws";
import * as awsx from "@pulumi/awsx";
import * as pulumi from "@pulumi/pulumi";
import { availabilityZoneCidrMask, type NetworkSizing, SUBNET_CIDR_MASKS } from "../../sizing";
import { PlatformComponent, type StackContext, applyTransform, type Transform } from "../component";
import { serviceTrustPolicy } from "../iam";
import { createNat } from "./nat";
import { createFlowRules, createSecurityGroups, type SecurityGroupRole } from "./security-groups";

// The subnet layout is sizing (config validation refuses a CIDR it cannot hold); kept importable here.
export { availabilityZoneCidrMask, AZ_SLOT_BITS, SUBNET_CIDR_MASKS } from "../../sizing";
export { NAT_INSTANCE_AMI_PARAMETER, NAT_INSTANCE_USER_DATA } from "./nat";
export { ALLOWED_FLOWS, type FlowRule, OUTBOUND_ROLES, SECURITY_GROUP_ROLES, type SecurityGroupRole } from "./security-groups";

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
   * @default - no transform
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
  public readonly natGateways: aws.ec2.NatGateway[];
  public readonly natInstances: aws.ec2.Instance[];
  /** Each private route table's default route, `<name>-private-egress-<az>`, whichever NAT it targets. */
  public readonly egressRoutes: aws.ec2.Route[];
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
    this.securityGroups = createSecurityGroups(name, this.vpcId, identity, this);
    createFlowRules(name, this.securityGroups, this);
    const nat = createNat(
      name,
      {
        identity,
        region,
        kmsKeyArn,
        sizing: args.sizing,
        vpc: this.vpc,
        publicSubnetIds: this.publicSubnetIds,
        privateSubnetIds: this.privateSubnetIds,
        securityGroup: this.securityGroups.natInstance,
      },
      this,
    );
    this.natGateways = nat.natGateways;
    this.natInstances = nat.natInstances;
    this.egressRoutes = nat.egressRoutes;
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
