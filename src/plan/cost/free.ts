/**
 * What the cost model does not price, and why: the explicit free list (by type and by family), the
 * types the section pricers handle, and the classification that reports every other type that costs
 * money as unpriced, so nothing is silently zero.
 */
import type { GraphIndex } from "../model";

/**
 * Types that cost nothing by themselves (or only through usage another line prices), with why.
 * Any type not priced and not listed here is reported as unpriced.
 */
export const FREE_TYPES: Record<string, string> = {
  "aws:ec2/securityGroup:SecurityGroup": "free",
  "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup": "free",
  "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": "free",
  "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": "free",
  "aws:ec2/securityGroupRule:SecurityGroupRule": "free",
  "aws:ec2/subnet:Subnet": "free",
  "aws:ec2/routeTable:RouteTable": "free",
  "aws:ec2/route:Route": "free",
  "aws:ec2/routeTableAssociation:RouteTableAssociation": "free",
  "aws:ec2/launchTemplate:LaunchTemplate": "free (its instances are priced through the node group)",
  "aws:ec2/flowLog:FlowLog": "log volume is part of usage.logGbPerMonth",
  "aws:ec2/tag:Tag": "free",
  "aws:autoscaling/tag:Tag": "free (tags the node groups' Auto Scaling groups)",
  "aws:kms/alias:Alias": "free",
  "aws:kms/grant:Grant": "free",
  "aws:s3/bucketVersioning:BucketVersioning": "free",
  "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": "free",
  "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": "free",
  "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": "free",
  "aws:s3/bucketOwnershipControls:BucketOwnershipControls": "free",
  "aws:s3/bucketPolicy:BucketPolicy": "free",
  "aws:s3/bucketCorsConfiguration:BucketCorsConfiguration": "free",
  "aws:s3/bucketLogging:BucketLogging": "log objects are part of usage.s3GbStored",
  "aws:s3/bucketNotification:BucketNotification": "free",
  "aws:s3/bucketObjectv2:BucketObjectv2": "stored GB are part of usage.s3GbStored",
  "aws:s3/bucketObject:BucketObject": "stored GB are part of usage.s3GbStored",
  "aws:rds/subnetGroup:SubnetGroup": "free",
  "aws:rds/parameterGroup:ParameterGroup": "free",
  "aws:rds/optionGroup:OptionGroup": "free",
  "aws:elasticache/subnetGroup:SubnetGroup": "free",
  "aws:elasticache/parameterGroup:ParameterGroup": "free",
  "aws:elasticache/user:User": "free",
  "aws:elasticache/userGroup:UserGroup": "free",
  "aws:secretsmanager/secretVersion:SecretVersion": "free (the secret is priced)",
  "aws:secretsmanager/secretPolicy:SecretPolicy": "free",
  "aws:sqs/queuePolicy:QueuePolicy": "free",
  "aws:sqs/redrivePolicy:RedrivePolicy": "free",
  "aws:sqs/redriveAllowPolicy:RedriveAllowPolicy": "free",
  "aws:sns/topic:Topic": "alarm notifications: first 1 000 e-mails and 1 M publishes a month are free",
  "aws:sns/topicSubscription:TopicSubscription": "free",
  "aws:sns/topicPolicy:TopicPolicy": "free",
  "aws:ecs/cluster:Cluster": "free (tasks are priced; Container Insights priced as custom metrics)",
  "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders": "free",
  "aws:ecs/taskDefinition:TaskDefinition": "free (priced through its service)",
  "aws:appautoscaling/target:Target": "free",
  "aws:appautoscaling/policy:Policy": "free",
  "aws:lb/listener:Listener": "billed through the load balancer's LCUs",
  "aws:lb/listenerRule:ListenerRule": "billed through the load balancer's LCUs",
  "aws:lb/targetGroup:TargetGroup": "free",
  "aws:lb/listenerCertificate:ListenerCertificate": "free",
  "aws:acm/certificate:Certificate": "public ACM certificates are free",
  "aws:acm/certificateValidation:CertificateValidation": "free",
  "aws:route53/record:Record": "queries to alias records are free; others negligible",
  "aws:wafv2/webAclAssociation:WebAclAssociation": "free",
  "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration": "log volume is part of usage.logGbPerMonth",
  "aws:ecr/lifecyclePolicy:LifecyclePolicy": "free",
  "aws:ecr/repositoryPolicy:RepositoryPolicy": "free",
  "aws:eks/addon:Addon": "free (add-on pods run on the node groups)",
  "aws:eks/accessEntry:AccessEntry": "free",
  "aws:eks/accessPolicyAssociation:AccessPolicyAssociation": "free",
  "aws:eks/podIdentityAssociation:PodIdentityAssociation": "free",
  "aws:cloudwatch/eventRule:EventRule": "AWS service events are free",
  "aws:cloudwatch/eventTarget:EventTarget": "free",
  "aws:cloudwatch/logResourcePolicy:LogResourcePolicy": "free",
  "aws:ssm/parameter:Parameter": "standard parameters are free",
  "aws:budgets/budget:Budget": "the first two budgets of an account are free",
  "kubernetes:helm.sh/v4:Chart": "workloads run on the node groups priced above",
  "kubernetes:helm.sh/v3:Release": "workloads run on the node groups priced above",
};

/** Free by family: IAM, random values, providers, and Kubernetes objects (they run on priced nodes). */
const FREE_PREFIXES: [string, string][] = [
  ["aws:iam/", "IAM is free"],
  ["random:", "generated values"],
  ["tls:", "keys and certificates computed by the Pulumi engine (a private CA, no ACM Private CA)"],
  ["pulumi:", "Pulumi itself"],
  ["platform:", "a component (its children are priced)"],
  ["kubernetes:", "runs on the node groups priced above"],
];

/** Types the section pricers handle (a Service of type LoadBalancer is priced by the edge pricer). */
const PRICED_TYPES = new Set([
  "awsx:ec2:Vpc",
  "aws:ec2/natGateway:NatGateway",
  "aws:ec2/eip:Eip",
  "aws:ec2/instance:Instance",
  "aws:ec2/vpcEndpoint:VpcEndpoint",
  "aws:eks/cluster:Cluster",
  "aws:eks/nodeGroup:NodeGroup",
  "aws:ecs/service:Service",
  "aws:lb/loadBalancer:LoadBalancer",
  "aws:wafv2/webAcl:WebAcl",
  "aws:rds/instance:Instance",
  "aws:elasticache/replicationGroup:ReplicationGroup",
  "aws:elasticache/cluster:Cluster",
  "aws:kms/key:Key",
  "aws:secretsmanager/secret:Secret",
  "aws:cloudwatch/metricAlarm:MetricAlarm",
  "aws:cloudwatch/compositeAlarm:CompositeAlarm",
  "aws:cloudwatch/dashboard:Dashboard",
  "aws:cloudwatch/logMetricFilter:LogMetricFilter",
  "aws:cloudwatch/logGroup:LogGroup",
  "aws:s3/bucket:Bucket",
  "aws:ecr/repository:Repository",
  "aws:sqs/queue:Queue",
  "aws:route53/zone:Zone",
]);

/** Why a type is free, or undefined when it is not on the free lists. */
export function freeReason(type: string): string | undefined {
  return FREE_TYPES[type] ?? FREE_PREFIXES.find(([p]) => type.startsWith(p))?.[1];
}

/** Custom (and awsx) resource types of the graph that are neither priced nor free. */
export function unpricedTypes(index: GraphIndex): string[] {
  const unpriced: string[] = [];
  for (const r of index.resources) {
    if (PRICED_TYPES.has(r.type)) continue;
    if (r.type === "kubernetes:core/v1:Service") continue;
    if (freeReason(r.type) !== undefined) continue;
    if (!r.custom && !r.type.startsWith("awsx:")) continue;
    unpriced.push(r.type);
  }
  return unpriced;
}
