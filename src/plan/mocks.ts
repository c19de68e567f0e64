/**
 * Mock cloud for offline rendering: what AWS and Kubernetes would answer when the program creates a
 * resource or calls a data source. Outputs are realistic in shape (ARNs, endpoints, subnet ids) so
 * that everything downstream of them renders as it would in a real preview.
 */
import type * as pulumi from "@pulumi/pulumi";
import { type AwsRefusal, MOCK_DEPLOYER_ROLE_ARN, newRefusalContext, recordCreated, refusalsOf } from "./refusals";

export const MOCK_ACCOUNT_ID = "123456789012";
export const MOCK_REGION = "us-east-1";

type State = Record<string, unknown>;
type Inputs = Record<string, unknown>;

/** A stable short pseudo-id from a name, so outputs are deterministic across renders. */
function hex(name: string, len = 17): string {
  let h = 2166136261;
  for (const c of name) h = Math.imul(h ^ c.charCodeAt(0), 16777619) >>> 0;
  let out = "";
  while (out.length < len) {
    h = Math.imul(h ^ out.length, 16777619) >>> 0;
    out += h.toString(16).padStart(8, "0");
  }
  return out.slice(0, len);
}

function arn(service: string, resource: string, region = MOCK_REGION): string {
  return `arn:aws:${service}:${region}:${MOCK_ACCOUNT_ID}:${resource}`;
}

/** AWS service segment of an `aws:<module>/<resource>:<Type>` token. */
function awsService(type: string): string {
  const mod = type.split(":")[1]?.split("/")[0] ?? "unknown";
  return { lb: "elasticloadbalancing", cloudwatch: "cloudwatch", vpc: "ec2", secretsmanager: "secretsmanager" }[mod] ?? mod;
}

/** Per-type outputs beyond the inputs echoed back. */
const TYPE_OUTPUTS: Record<string, (name: string, inputs: Inputs) => State> = {
  "awsx:ec2:Vpc": (name, inputs) => {
    const azs = Number(inputs.numberOfAvailabilityZones ?? 2);
    const ids = (kind: string) => Array.from({ length: azs }, (_, i) => `subnet-${hex(`${name}-${kind}-${i}`)}`);
    return {
      vpcId: `vpc-${hex(name)}`,
      publicSubnetIds: ids("public"),
      privateSubnetIds: ids("private"),
      isolatedSubnetIds: [],
    };
  },
  "aws:ec2/instance:Instance": (name) => ({
    primaryNetworkInterfaceId: `eni-${hex(`${name}-eni`)}`,
    arn: arn("ec2", `instance/i-${hex(name)}`),
    id: `i-${hex(name)}`,
  }),
  "aws:ec2/eip:Eip": (name) => ({ allocationId: `eipalloc-${hex(name)}`, publicIp: "198.51.100.10" }),
  "aws:ec2/securityGroup:SecurityGroup": (name) => ({ id: `sg-${hex(name)}`, arn: arn("ec2", `security-group/sg-${hex(name)}`) }),
  "aws:kms/key:Key": (name) => {
    const keyId = `${hex(name, 8)}-${hex(`${name}1`, 4)}-${hex(`${name}2`, 4)}-${hex(`${name}3`, 4)}-${hex(`${name}4`, 12)}`;
    return { keyId, arn: arn("kms", `key/${keyId}`) };
  },
  "aws:iam/role:Role": (name, inputs) => {
    const roleName = (inputs.name as string | undefined) ?? `${name}-${hex(name, 7)}`;
    return { name: roleName, arn: `arn:aws:iam::${MOCK_ACCOUNT_ID}:role/${roleName}`, uniqueId: `AROA${hex(name, 17).toUpperCase()}` };
  },
  "aws:iam/policy:Policy": (name) => ({ arn: `arn:aws:iam::${MOCK_ACCOUNT_ID}:policy/${name}` }),
  "aws:iam/openIdConnectProvider:OpenIdConnectProvider": (name) => ({
    arn: `arn:aws:iam::${MOCK_ACCOUNT_ID}:oidc-provider/oidc.eks.${MOCK_REGION}.amazonaws.com/id/${hex(name, 32).toUpperCase()}`,
  }),
  "aws:s3/bucket:Bucket": (name, inputs) => {
    const bucket =
      (inputs.bucket as string | undefined) ??
      (inputs.bucketPrefix !== undefined ? `${String(inputs.bucketPrefix)}${hex(name, 26)}` : `${name}-${hex(name, 7)}`);
    return {
      bucket,
      arn: `arn:aws:s3:::${bucket}`,
      bucketDomainName: `${bucket}.s3.amazonaws.com`,
      bucketRegionalDomainName: `${bucket}.s3.${MOCK_REGION}.amazonaws.com`,
    };
  },
  "aws:rds/instance:Instance": (name, inputs) => {
    const id = (inputs.identifier as string | undefined) ?? name;
    const address = `${id}.${hex(name, 12)}.${MOCK_REGION}.rds.amazonaws.com`;
    // RDS-managed master password (manageMasterUserPassword): the secret RDS creates and owns.
    const masterUserSecrets = inputs.manageMasterUserPassword
      ? [
          {
            secretArn: arn("secretsmanager", `secret:rds!db-${hex(`${name}-secret`, 8)}-${hex(name, 6)}`),
            kmsKeyId: inputs.masterUserSecretKmsKeyId,
            secretStatus: "active",
          },
        ]
      : [];
    return { address, endpoint: `${address}:5432`, port: inputs.port ?? 5432, arn: arn("rds", `db:${id}`), resourceId: `db-${hex(name, 26).toUpperCase()}`, identifier: id, masterUserSecrets };
  },
  // Auto-named parameter groups: the engine derives `<logical name>-<7 hex>` at create time.
  "aws:rds/parameterGroup:ParameterGroup": (name, inputs) => ({ name: (inputs.name as string | undefined) ?? `${name}-${hex(name, 7)}` }),
  "aws:elasticache/parameterGroup:ParameterGroup": (name, inputs) => ({
    name: (inputs.name as string | undefined) ?? `${name}-${hex(name, 7)}`,
  }),
  "aws:elasticache/replicationGroup:ReplicationGroup": (name, inputs) => {
    const id = (inputs.replicationGroupId as string | undefined) ?? name;
    return {
      primaryEndpointAddress: `master.${id}.${hex(name, 6)}.use1.cache.amazonaws.com`,
      readerEndpointAddress: `replica.${id}.${hex(name, 6)}.use1.cache.amazonaws.com`,
      port: inputs.port ?? 6379,
      arn: arn("elasticache", `replicationgroup:${id}`),
    };
  },
  // Route 53 hosted zone ids: "Z" and 13-32 upper-case alphanumerics; the ARN names the zone by id.
  "aws:route53/zone:Zone": (name) => {
    const zoneId = `Z${hex(name, 20).toUpperCase()}`;
    // A private zone's primary name server as the provider reports it: the NS value, trailing dot included.
    return { zoneId, arn: `arn:aws:route53:::hostedzone/${zoneId}`, nameServers: [], primaryNameServer: "ns-0.awsdns-00.com." };
  },
  "aws:sqs/queue:Queue": (name, inputs) => {
    const queueName = (inputs.name as string | undefined) ?? name;
    return { url: `https://sqs.${MOCK_REGION}.amazonaws.com/${MOCK_ACCOUNT_ID}/${queueName}`, arn: arn("sqs", queueName), name: queueName };
  },
  "aws:lb/loadBalancer:LoadBalancer": (name, inputs) => {
    const kind = inputs.loadBalancerType === "network" ? "net" : "app";
    const lbName = ((inputs.name as string | undefined) ?? name).slice(0, 32);
    return {
      arn: arn("elasticloadbalancing", `loadbalancer/${kind}/${lbName}/${hex(name, 16)}`),
      arnSuffix: `${kind}/${lbName}/${hex(name, 16)}`,
      dnsName: `${lbName}-${hex(name, 10)}.${MOCK_REGION}.elb.amazonaws.com`,
      zoneId: "Z35SXDOTRQ7X7K",
    };
  },
  "aws:lb/targetGroup:TargetGroup": (name) => ({
    arn: arn("elasticloadbalancing", `targetgroup/${name.slice(0, 32)}/${hex(name, 16)}`),
    arnSuffix: `targetgroup/${name.slice(0, 32)}/${hex(name, 16)}`,
  }),
  "aws:eks/cluster:Cluster": (name, inputs) => {
    const clusterName = (inputs.name as string | undefined) ?? name;
    const id = hex(name, 32).toUpperCase();
    return {
      name: clusterName,
      arn: arn("eks", `cluster/${clusterName}`),
      endpoint: `https://${id}.gr7.${MOCK_REGION}.eks.amazonaws.com`,
      certificateAuthority: { data: Buffer.from("mock-certificate-authority").toString("base64") },
      identities: [{ oidcs: [{ issuer: `https://oidc.eks.${MOCK_REGION}.amazonaws.com/id/${id}` }] }],
      vpcConfig: { ...(inputs.vpcConfig as object), clusterSecurityGroupId: `sg-${hex(`${name}-cluster`)}` },
      version: inputs.version,
    };
  },
  "aws:eks/nodeGroup:NodeGroup": (name, inputs) => ({
    arn: arn("eks", `nodegroup/${String(inputs.clusterName ?? "cluster")}/${name}/${hex(name, 8)}`),
    resources: [{ autoscalingGroups: [{ name: `eks-${name}-${hex(name, 8)}` }] }],
  }),
  "aws:ec2/launchTemplate:LaunchTemplate": (name) => ({
    id: `lt-${hex(name)}`,
    arn: arn("ec2", `launch-template/lt-${hex(name)}`),
    latestVersion: 1,
    defaultVersion: 1,
  }),
  "aws:ecr/repository:Repository": (name, inputs) => {
    const repo = (inputs.name as string | undefined) ?? name;
    return { repositoryUrl: `${MOCK_ACCOUNT_ID}.dkr.ecr.${MOCK_REGION}.amazonaws.com/${repo}`, arn: arn("ecr", `repository/${repo}`), name: repo };
  },
  "aws:acm/certificate:Certificate": (name, inputs) => ({
    arn: arn("acm", `certificate/${hex(name, 8)}-0000-4000-8000-${hex(name, 12)}`),
    domainValidationOptions: [
      {
        domainName: inputs.domainName,
        resourceRecordName: `_${hex(name, 32)}.${String(inputs.domainName)}.`,
        resourceRecordType: "CNAME",
        resourceRecordValue: `_${hex(`${name}v`, 32)}.acm-validations.aws.`,
      },
    ],
  }),
  "aws:cloudwatch/logGroup:LogGroup": (name, inputs) => {
    const groupName = (inputs.name as string | undefined) ?? name;
    return { name: groupName, arn: arn("logs", `log-group:${groupName}`) };
  },
  "aws:secretsmanager/secret:Secret": (name) => ({ arn: arn("secretsmanager", `secret:${name}-${hex(name, 6)}`) }),
  "aws:sns/topic:Topic": (name) => ({ arn: arn("sns", name) }),
  "aws:ecs/cluster:Cluster": (name, inputs) => ({ arn: arn("ecs", `cluster/${String(inputs.name ?? name)}`), name: inputs.name ?? name }),
  "aws:ecs/service:Service": (name, inputs) => ({ name: inputs.name ?? name }),
  "aws:ecs/taskDefinition:TaskDefinition": (name, inputs) => ({
    arn: arn("ecs", `task-definition/${String(inputs.family ?? name)}:1`),
    revision: 1,
  }),
  "aws:wafv2/webAcl:WebAcl": (name) => ({ arn: arn("wafv2", `regional/webacl/${name}/${hex(name, 8)}`) }),
  "random:index/randomPassword:RandomPassword": (name) => ({ result: `mock-password-${hex(name, 24)}` }),
  "random:index/randomId:RandomId": (name) => ({ hex: hex(name, 8), b64Url: hex(name, 8) }),
  // The tls provider computes keys and certificates in the engine (no cloud call): PEM-shaped stand-ins,
  // deterministic per name. The validity window is fixed so renders do not depend on the clock.
  "tls:index/privateKey:PrivateKey": (name) => ({ privateKeyPem: pem("EC PRIVATE KEY", name), publicKeyPem: pem("PUBLIC KEY", name) }),
  "tls:index/certRequest:CertRequest": (name) => ({ certRequestPem: pem("CERTIFICATE REQUEST", name) }),
  "tls:index/selfSignedCert:SelfSignedCert": (name, inputs) => certificate(name, inputs),
  "tls:index/locallySignedCert:LocallySignedCert": (name, inputs) => certificate(name, inputs),
};

function pem(label: string, name: string): string {
  return `-----BEGIN ${label}-----\n${hex(`${label}${name}`, 64)}\n-----END ${label}-----\n`;
}

const MOCK_CERT_START = Date.UTC(2026, 0, 1);
function certificate(name: string, inputs: Inputs): State {
  const hours = Number(inputs.validityPeriodHours ?? 0);
  return {
    certPem: pem("CERTIFICATE", name),
    validityStartTime: new Date(MOCK_CERT_START).toISOString(),
    validityEndTime: new Date(MOCK_CERT_START + hours * 3_600_000).toISOString(),
    readyForRenewal: false,
  };
}

function kubernetesOutputs(name: string, inputs: Inputs, type: string): State {
  const metadata = (inputs.metadata ?? {}) as Record<string, unknown>;
  const state: State = { metadata: { ...metadata, name: metadata.name ?? name, uid: hex(name, 32) } };
  if (type === "kubernetes:core/v1:Service") {
    state.status = { loadBalancer: { ingress: [{ hostname: `k8s-${hex(name, 8)}-${hex(`${name}nlb`, 10)}.elb.${MOCK_REGION}.amazonaws.com` }] } };
  }
  return state;
}

/** The mock's answer to `new Resource(...)`: inputs echoed back, plus type-specific outputs. */
export function mockResource(args: pulumi.runtime.MockResourceArgs): pulumi.runtime.MockResourceResult {
  const { type, name, inputs } = args;
  let extra: State = {};
  if (TYPE_OUTPUTS[type]) extra = TYPE_OUTPUTS[type](name, inputs);
  else if (type.startsWith("kubernetes:")) extra = kubernetesOutputs(name, inputs, type);
  else if (type.startsWith("aws:")) extra = { arn: arn(awsService(type), `${type.split(":")[2]?.toLowerCase() ?? "resource"}/${name}`) };
  const state = { ...inputs, ...extra };
  const id = (extra.id as string | undefined) ?? (type.startsWith("kubernetes:") ? `${name}` : `${name}-${hex(name, 8)}`);
  return { id, state };
}

/**
 * A mock cloud for one deployment: answers like {@link mockResource}, and judges each resource against
 * what AWS refuses (src/plan/refusals/) with what was registered before it, as AWS would at
 * create time. The harness fails the render when {@link MockCloud.refusals} is not empty.
 */
export interface MockCloud {
  newResource(args: pulumi.runtime.MockResourceArgs): pulumi.runtime.MockResourceResult;
  call(args: pulumi.runtime.MockCallArgs): pulumi.runtime.MockCallResult;
  /** What AWS would have refused so far, in registration order. */
  refusals(): AwsRefusal[];
}

/** `answer`/`call`: how resources and data sources are answered (tests may wrap them). */
export function createMockCloud(answer = mockResource, call = mockCall): MockCloud {
  const ctx = newRefusalContext();
  const refused: AwsRefusal[] = [];
  return {
    newResource: (args) => {
      refused.push(...refusalsOf(args.type, args.name, args.inputs as Inputs, ctx));
      const result = answer(args);
      recordCreated(ctx, args.type, args.inputs as Inputs, result.state as State);
      return result;
    },
    call,
    refusals: () => [...refused],
  };
}

/** The mock's answer to data sources (`aws.getX`, invokes). */
export function mockCall(args: pulumi.runtime.MockCallArgs): pulumi.runtime.MockCallResult {
  const inputs = args.inputs as Inputs;
  switch (args.token) {
    case "aws:index/getCallerIdentity:getCallerIdentity":
      // An assumed role (CI's deploy role or an operator's): EKS maps it back to the role ARN for the creator's entry.
      return {
        accountId: MOCK_ACCOUNT_ID,
        arn: `arn:aws:sts::${MOCK_ACCOUNT_ID}:assumed-role/${MOCK_DEPLOYER_ROLE_ARN.split("/").pop()}/pulumi`,
        userId: "AROAMOCK:pulumi",
        id: MOCK_ACCOUNT_ID,
      };
    case "aws:index/getRegion:getRegion":
      return { name: MOCK_REGION, region: MOCK_REGION, id: MOCK_REGION };
    case "aws:index/getPartition:getPartition":
      return { partition: "aws", dnsSuffix: "amazonaws.com", id: "aws" };
    case "aws:index/getAvailabilityZones:getAvailabilityZones":
      return { names: ["us-east-1a", "us-east-1b", "us-east-1c"], zoneIds: ["use1-az1", "use1-az2", "use1-az4"], id: MOCK_REGION };
    case "aws:ec2/getRouteTables:getRouteTables":
      return { ids: [`rtb-${hex(`${String(inputs.vpcId)}-main`)}`, `rtb-${hex(`${String(inputs.vpcId)}-private`)}`], id: String(inputs.vpcId) };
    case "aws:ec2/getRouteTable:getRouteTable": {
      // awsx gives every subnet its own route table.
      const id = `rtb-${hex(`${String(inputs.subnetId)}-rtb`)}`;
      return { id, routeTableId: id, subnetId: inputs.subnetId, vpcId: "vpc-mock" };
    }
    case "aws:ec2/getSubnet:getSubnet": {
      // A private /19 inside the mock VPC's 10.0.0.0/16, stable per subnet id.
      const slice = parseInt(hex(String(inputs.id), 2), 16) % 8;
      return { id: String(inputs.id), cidrBlock: `10.0.${slice * 32}.0/19`, vpcId: "vpc-mock" };
    }
    case "aws:eks/getAddonVersion:getAddonVersion":
      return { version: `v0.0.0-eksbuild.1`, addonName: inputs.addonName, id: String(inputs.addonName) };
    case "aws:ssm/getParameter:getParameter":
      return { value: `ami-${hex(String(inputs.name))}`, name: inputs.name, id: String(inputs.name), type: "String" };
    case "aws:elb/getServiceAccount:getServiceAccount":
      return { arn: "arn:aws:iam::127311923021:root", id: "127311923021" };
    default:
      return { id: args.token };
  }
}
