/**
 * A small, fully compliant reference graph (one of everything the rules read, wired the way the
 * platform wires it) and mutations that break it one rule at a time. Rules are tested against these
 * before they run over the real stacks.
 */
import type { PolicyGraph, PolicyResource } from "../../policy/index";

type Inputs = Record<string, unknown>;

export function res(type: string, name: string, inputs: Inputs, id = `${name}-0a1b2c3d`): PolicyResource {
  return { urn: `urn:pulumi:test::fixture::${type}::${name}`, type, name, id, inputs };
}

const KEY = "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555";
const json = (v: unknown) => JSON.stringify(v);
const tlsOnly = (bucket: string) =>
  json({
    Version: "2012-10-17",
    Statement: [
      { Sid: "DenyInsecureTransport", Effect: "Deny", Principal: "*", Action: "s3:*", Resource: [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`], Condition: { Bool: { "aws:SecureTransport": "false" } } },
    ],
  });

function bucketWithSides(name: string, sse: Inputs = { sseAlgorithm: "aws:kms", kmsMasterKeyId: KEY }, logging = true): PolicyResource[] {
  const id = `${name}-0a1b2c3d`;
  return [
    res("aws:s3/bucket:Bucket", name, { bucketPrefix: `proj-prod-${name}-`, forceDestroy: false }),
    res("aws:s3/bucketVersioning:BucketVersioning", `${name}-versioning`, { bucket: id, versioningConfiguration: { status: "Enabled" } }),
    res("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", `${name}-encryption`, { bucket: id, rules: [{ applyServerSideEncryptionByDefault: sse }] }),
    res("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", `${name}-public-access`, { bucket: id, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true }),
    res("aws:s3/bucketOwnershipControls:BucketOwnershipControls", `${name}-ownership`, { bucket: id, rule: { objectOwnership: "BucketOwnerEnforced" } }),
    res("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", `${name}-lifecycle`, { bucket: id, rules: [{ id: "abort", status: "Enabled", abortIncompleteMultipartUpload: { daysAfterInitiation: 7 } }] }),
    res("aws:s3/bucketPolicy:BucketPolicy", `${name}-policy`, { bucket: id, policy: tlsOnly(`proj-prod-${name}-abc`) }),
    ...(logging ? [res("aws:s3/bucketLogging:BucketLogging", `${name}-access-logging`, { bucket: id, targetBucket: "logs-0a1b2c3d", targetPrefix: `s3/${name}/` })] : []),
  ];
}

const pod = (container: Inputs, podExtra: Inputs = {}) => ({
  metadata: { name: "triton", namespace: "triton" },
  spec: {
    replicas: 2,
    selector: { matchLabels: { app: "triton" } },
    template: {
      metadata: { labels: { app: "triton" } },
      spec: { securityContext: { runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: "RuntimeDefault" } }, containers: [container], ...podExtra },
    },
  },
});

export const GOOD_CONTAINER: Inputs = {
  name: "triton",
  image: "nvcr.io/nvidia/tritonserver:25.10-py3",
  resources: { requests: { cpu: "2", memory: "8Gi", "nvidia.com/gpu": "1" }, limits: { cpu: "4", memory: "16Gi", "nvidia.com/gpu": "1" } },
  livenessProbe: { httpGet: { path: "/v2/health/live", port: 8000 } },
  readinessProbe: { httpGet: { path: "/v2/health/ready", port: 8000 } },
  securityContext: { readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, privileged: false, capabilities: { drop: ["ALL"] } },
};

export const GOOD_ECS_CONTAINER: Inputs = {
  name: "gateway",
  image: "123456789012.dkr.ecr.us-east-1.amazonaws.com/proj-gateway:0.1.0",
  user: "1000:1000",
  readonlyRootFilesystem: true,
  privileged: false,
  logConfiguration: { logDriver: "awslogs", options: {} },
  environment: [{ name: "DATABASE_HOST", value: "db" }, { name: "DB_SECRET_ARN", value: "arn:..." }],
  secrets: [{ name: "DATABASE_PASSWORD", valueFrom: "arn:aws:secretsmanager:..." }],
};

const identityPolicy = (statements: Inputs[]) => json({ Version: "2012-10-17", Statement: statements });
const QUEUE_ARN = "arn:aws:sqs:us-east-1:123456789012:proj-prod-jobs-free";

/** One of everything, compliant with every rule. */
export function goodGraph(): PolicyGraph {
  return {
    resources: [
      ...bucketWithSides("models"),
      ...bucketWithSides("logs", { sseAlgorithm: "AES256" }, false),
      res("aws:kms/key:Key", "keys-key", { enableKeyRotation: true, deletionWindowInDays: 30, policy: json({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: "arn:aws:iam::123456789012:root" }, Action: "kms:*", Resource: "*" }] }) }),
      res("aws:secretsmanager/secret:Secret", "db-secret", { kmsKeyId: KEY, recoveryWindowInDays: 7 }),
      res("aws:secretsmanager/secretRotation:SecretRotation", "db-secret-rotation", { secretId: "db-secret-0a1b2c3d", rotationRules: { automaticallyAfterDays: 30 } }),
      res("aws:rds/instance:Instance", "db", {
        storageEncrypted: true, kmsKeyId: KEY, publiclyAccessible: false, multiAz: true, backupRetentionPeriod: 14, deletionProtection: true, skipFinalSnapshot: false,
        identifier: "proj-prod-db",
        iamDatabaseAuthenticationEnabled: true, autoMinorVersionUpgrade: true, enabledCloudwatchLogsExports: ["postgresql", "upgrade"], monitoringInterval: 60,
        performanceInsightsEnabled: true, performanceInsightsKmsKeyId: KEY, copyTagsToSnapshot: true, username: "platform_admin", dbSubnetGroupName: "db-subnets",
        vpcSecurityGroupIds: ["sg-database"],
      }),
      res("aws:rds/parameterGroup:ParameterGroup", "db-params", { family: "postgres17", parameters: [{ name: "rds.force_ssl", value: "1" }, { name: "log_min_duration_statement", value: "1000" }] }),
      res("aws:rds/subnetGroup:SubnetGroup", "db-subnets", { subnetIds: ["subnet-private-a", "subnet-private-b"] }),
      res("aws:elasticache/replicationGroup:ReplicationGroup", "cache", {
        numCacheClusters: 2, atRestEncryptionEnabled: true, transitEncryptionEnabled: true, authToken: "token", kmsKeyId: KEY, automaticFailoverEnabled: true, multiAzEnabled: true,
        snapshotRetentionLimit: 5, subnetGroupName: "cache-subnets", securityGroupIds: ["sg-cache"],
      }),
      res("aws:sqs/queue:Queue", "jobs-free", { name: "proj-prod-jobs-free", kmsMasterKeyId: KEY, redrivePolicy: json({ deadLetterTargetArn: "arn:aws:sqs:us-east-1:123456789012:proj-prod-jobs-free-dlq", maxReceiveCount: 3 }) }),
      res("aws:sqs/queue:Queue", "jobs-free-dlq", { name: "proj-prod-jobs-free-dlq", kmsMasterKeyId: KEY }),
      res("aws:sqs/queuePolicy:QueuePolicy", "jobs-free-policy", { queueUrl: "https://sqs/.../proj-prod-jobs-free", policy: identityPolicy([{ Effect: "Allow", Principal: { Service: "events.amazonaws.com" }, Action: "sqs:SendMessage", Resource: QUEUE_ARN }]) }),
      res("aws:cloudwatch/metricAlarm:MetricAlarm", "dlq-not-empty", { namespace: "AWS/SQS", metricName: "ApproximateNumberOfMessagesVisible", dimensions: { QueueName: "proj-prod-jobs-free-dlq" }, alarmActions: ["arn:aws:sns:us-east-1:123456789012:alerts"] }),
      res("aws:ecr/repository:Repository", "gateway-repo", { name: "proj-prod-gateway", imageScanningConfiguration: { scanOnPush: true }, imageTagMutability: "IMMUTABLE", encryptionConfigurations: [{ encryptionType: "KMS", kmsKey: KEY }] }),
      res("aws:ecr/lifecyclePolicy:LifecyclePolicy", "gateway-repo-lifecycle", { repository: "proj-prod-gateway", policy: "{}" }),
      res("aws:sns/topic:Topic", "alerts", { kmsMasterKeyId: KEY }),
      res("aws:sns/topicPolicy:TopicPolicy", "alerts-policy", { arn: "arn:aws:sns:us-east-1:123456789012:alerts", policy: identityPolicy([{ Effect: "Allow", Principal: { Service: "cloudwatch.amazonaws.com" }, Action: "sns:Publish", Resource: "*", Condition: { StringEquals: { "aws:SourceAccount": "123456789012" } } }]) }),
      res("aws:cloudwatch/logGroup:LogGroup", "api-logs", { retentionInDays: 365, kmsKeyId: KEY }),
      res("aws:cloudwatch/logGroup:LogGroup", "db-logs-postgresql", { name: "/aws/rds/instance/proj-prod-db/postgresql", retentionInDays: 365, kmsKeyId: KEY }),
      res("aws:cloudwatch/logGroup:LogGroup", "db-logs-upgrade", { name: "/aws/rds/instance/proj-prod-db/upgrade", retentionInDays: 365, kmsKeyId: KEY }),
      res("aws:ecs/cluster:Cluster", "ecs", { settings: [{ name: "containerInsights", value: "enhanced" }] }),
      res("aws:ecs/taskDefinition:TaskDefinition", "gateway-task", { containerDefinitions: json([GOOD_ECS_CONTAINER]), taskRoleArn: "arn:aws:iam::123456789012:role/task", executionRoleArn: "arn:aws:iam::123456789012:role/exec" }),
      res("aws:ecs/service:Service", "gateway-service", {
        networkConfiguration: { assignPublicIp: false, subnets: ["subnet-private-a", "subnet-private-b"], securityGroups: ["sg-gateway"] },
        deploymentCircuitBreaker: { enable: true, rollback: true },
      }),
      res("aws:lb/loadBalancer:LoadBalancer", "gateway-alb", {
        name: "proj-prod-api", internal: false, loadBalancerType: "application", subnets: ["subnet-public-a", "subnet-public-b"], securityGroups: ["sg-alb"],
        dropInvalidHeaderFields: true, enableDeletionProtection: true, desyncMitigationMode: "defensive", accessLogs: { enabled: true, bucket: "proj-prod-logs-abc", prefix: "alb" },
      }),
      res("aws:lb/listener:Listener", "gateway-http", { protocol: "HTTP", port: 80, defaultActions: [{ type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } }] }),
      res("aws:lb/listener:Listener", "gateway-https", { protocol: "HTTPS", port: 443, sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06", defaultActions: [{ type: "forward" }] }),
      res("aws:lb/targetGroup:TargetGroup", "gateway-targets", { protocol: "HTTP", healthCheck: { enabled: true, path: "/health" } }),
      res("aws:wafv2/webAcl:WebAcl", "waf", {
        visibilityConfig: { cloudwatchMetricsEnabled: true },
        rules: [
          { name: "bad-inputs", overrideAction: { none: {} }, statement: { managedRuleGroupStatement: { name: "AWSManagedRulesKnownBadInputsRuleSet", vendorName: "AWS" } } },
          { name: "rate", action: { block: {} }, statement: { rateBasedStatement: { limit: 2000, aggregateKeyType: "IP" } } },
        ],
      }),
      res("aws:wafv2/webAclAssociation:WebAclAssociation", "waf-association", { resourceArn: "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/proj-prod-api/abcdef", webAclArn: "arn:waf" }),
      res("aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration", "waf-logging", { resourceArn: "arn:aws:wafv2:us-east-1:123456789012:regional/webacl/waf/0a1b2c3d", logDestinationConfigs: ["arn:logs"] }),
      res("aws:eks/cluster:Cluster", "eks", {
        version: "1.34", vpcConfig: { endpointPublicAccess: true, publicAccessCidrs: ["203.0.113.0/24"] }, encryptionConfig: { provider: { keyArn: KEY }, resources: ["secrets"] },
        enabledClusterLogTypes: ["api", "audit", "authenticator", "controllerManager", "scheduler"],
      }),
      res("aws:eks/nodeGroup:NodeGroup", "gpu-nodes", { subnetIds: ["subnet-private-a", "subnet-private-b"] }),
      res("aws:ec2/launchTemplate:LaunchTemplate", "gpu-lt", { metadataOptions: { httpTokens: "required", httpPutResponseHopLimit: 1 }, blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { encrypted: "true" } }] }),
      res("awsx:ec2:Vpc", "vpc", { cidrBlock: "10.0.0.0/16" }),
      res("aws:ec2/flowLog:FlowLog", "flow-log", { vpcId: "vpc-123", trafficType: "ALL" }),
      res("aws:ec2/defaultSecurityGroup:DefaultSecurityGroup", "default-sg", { vpcId: "vpc-123", ingress: [], egress: [] }),
      res("aws:ec2/subnet:Subnet", "subnet", { mapPublicIpOnLaunch: false }),
      res("aws:ec2/securityGroup:SecurityGroup", "alb-sg", {}, "sg-alb"),
      res("aws:ec2/securityGroup:SecurityGroup", "gateway-sg", {}, "sg-gateway"),
      res("aws:ec2/securityGroup:SecurityGroup", "database-sg", {}, "sg-database"),
      res("aws:ec2/securityGroup:SecurityGroup", "cache-sg", {}, "sg-cache"),
      res("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "alb-https", { securityGroupId: "sg-alb", cidrIpv4: "0.0.0.0/0", fromPort: 443, toPort: 443, ipProtocol: "tcp", description: "HTTPS" }),
      res("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "db-from-gateway", { securityGroupId: "sg-database", referencedSecurityGroupId: "sg-gateway", fromPort: 5432, toPort: 5432, ipProtocol: "tcp", description: "API to PostgreSQL" }),
      res("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "cache-from-gateway", { securityGroupId: "sg-cache", referencedSecurityGroupId: "sg-gateway", fromPort: 6379, toPort: 6379, ipProtocol: "tcp", description: "API to Redis" }),
      res("aws:iam/role:Role", "gateway-task-role", { assumeRolePolicy: json({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "ecs-tasks.amazonaws.com" }, Action: "sts:AssumeRole" }] }) }),
      res("aws:iam/role:Role", "triton-irsa", {
        assumeRolePolicy: json({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Federated: "arn:oidc" }, Action: "sts:AssumeRoleWithWebIdentity", Condition: { StringEquals: { "oidc.eks/id/X:sub": "system:serviceaccount:triton:triton", "oidc.eks/id/X:aud": "sts.amazonaws.com" } } }] }),
      }),
      res("aws:iam/rolePolicy:RolePolicy", "gateway-task-policy", {
        role: "gateway-task-role-0a1b2c3d",
        policy: identityPolicy([
          { Sid: "SendJobs", Effect: "Allow", Action: ["sqs:SendMessage"], Resource: QUEUE_ARN },
          { Sid: "Describe", Effect: "Allow", Action: ["ec2:DescribeSubnets"], Resource: "*" },
          { Sid: "Metrics", Effect: "Allow", Action: ["cloudwatch:PutMetricData"], Resource: "*", Condition: { StringEquals: { "cloudwatch:namespace": "proj/prod" } } },
          { Sid: "PassTaskRole", Effect: "Allow", Action: ["iam:PassRole"], Resource: "arn:aws:iam::123456789012:role/task" },
          { Sid: "Decrypt", Effect: "Allow", Action: ["kms:Decrypt"], Resource: KEY },
        ]),
      }),
      res("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "node-worker", { role: "node", policyArn: "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy" }),
      res("kubernetes:apps/v1:Deployment", "triton", pod(GOOD_CONTAINER)),
      res("kubernetes:apps/v1:DaemonSet", "dcgm", { metadata: { namespace: "gpu" }, spec: { template: { spec: { hostNetwork: true, containers: [{ name: "dcgm", image: "nvcr.io/nvidia/dcgm-exporter:4.2.3" }] } } } }),
      res("kubernetes:policy/v1:PodDisruptionBudget", "triton-pdb", { metadata: { namespace: "triton" }, spec: { minAvailable: 1, selector: { matchLabels: { app: "triton" } } } }),
      res("kubernetes:networking.k8s.io/v1:NetworkPolicy", "triton-netpol", { metadata: { namespace: "triton" }, spec: { podSelector: { matchLabels: { app: "triton" } } } }),
      res("kubernetes:core/v1:Service", "triton-svc", { metadata: { namespace: "triton", annotations: { "service.beta.kubernetes.io/aws-load-balancer-scheme": "internal" } }, spec: { type: "LoadBalancer" } }),
    ],
  };
}

export { pod, identityPolicy, json, KEY };
