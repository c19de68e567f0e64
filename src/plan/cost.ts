/**
 * The cost model: a pure function from a rendered graph (and the stack's sizing, for usage
 * assumptions only) to a monthly estimate with one line per priced item.
 *
 * Priced FROM THE RENDERED RESOURCES: instance classes, counts, Multi-AZ, node group types and
 * sizes, task definitions × scaling targets, NAT strategy, load balancers, alarms, secrets, keys.
 * The tier table is read only for usage (`sizing.usage`: hours, GB, LCUs, spot discounts), which
 * is returned with the estimate. Every resource type is either priced, on the explicit free list,
 * or reported in `unpriced`: nothing that costs money is silently zero.
 */
import type { RenderedResource } from "./harness";
import { arr, fargateServices, GraphIndex, loadBalancerServices, nodeGroups, num, obj, type PlanGraph } from "./model";
import {
  DAYS_PER_MONTH,
  EC2_HOURLY,
  ELASTICACHE_HOURLY,
  HOURS_PER_MONTH,
  type Price,
  PRICE_DATE,
  PRICED_REGION,
  PRICES,
  RDS_HOURLY,
} from "./prices";
import { LOAD_MODEL, type Sizing, type Tier, TIER_DAU } from "../../sizing";

export interface CostLine {
  /** Top-level component the resource belongs to (`gateway`, `inference`, ...). */
  component: string;
  /** What is billed, e.g. `g6.xlarge spot node (inference-gpu)`. */
  item: string;
  quantity: number;
  /** Unit of `quantity` (`node-hour`, `GB-month`, ...). */
  unit: string;
  /** Price of one unit, after spot discounts. */
  unitUsd: number;
  monthlyUsd: number;
  /**
   * The part of `monthlyUsd` the stack pays before any traffic (minimum counts, always-on
   * resources); the rest comes from usage assumptions and the load model.
   */
  floorUsd: number;
  /** True when the price (or a figure it depends on) is an estimate rather than a list price. */
  estimate: boolean;
  /** Where the price comes from. */
  source: string;
}

export interface CostAssumption {
  name: string;
  value: number | string;
  meaning: string;
}

export interface CostEstimate {
  monthlyUsd: number;
  /** What the design costs before its first user: the sum of the lines' `floorUsd`. */
  floorUsd: number;
  budgetUsd: number;
  fitsBudget: boolean;
  priceDate: string;
  region: string;
  lines: CostLine[];
  /** Resource types (with the reason when useful) that cost money but are not priced. */
  unpriced: string[];
  assumptions: CostAssumption[];
}

/** The part of the stack's sizing the model reads: usage assumptions and the budget. */
export type CostSizing = Pick<Sizing, "usage" | "budgetUsd"> & Partial<Pick<Sizing, "workers">>;

/**
 * Assumptions of the model itself (not per tier): where a figure is needed that neither the graph
 * nor `sizing.usage` holds. Printed with every estimate.
 */
export const MODEL_ASSUMPTIONS = {
  /** SQS requests per job: send, receive, change visibility, delete. */
  sqsRequestsPerJob: 4,
  /** S3 writes and reads per job (input upload + result; result download, model/artifact reads). */
  s3PutsPerJob: 2,
  s3GetsPerJob: 4,
  /** GB per ECR repository: the lifecycle policy keeps ~10 images of ~200 MB compressed. */
  ecrGbPerRepository: 2,
  /** A queue that gets a job more often than this keeps one worker task up (scale-in cooldown). */
  workerScaleInSeconds: 15 * 60,
  /** Months of logs kept at most when pricing log storage (retention beyond is rare in practice). */
  maxLogStorageMonths: 12,
  /** ECS Container Insights metrics (billed as custom metrics) per cluster and per service. */
  containerInsightsMetricsPerCluster: 12,
  containerInsightsMetricsPerService: 24,
} as const;

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
  ["tls:", "generated values"],
  ["pulumi:", "Pulumi itself"],
  ["platform:", "a component (its children are priced)"],
  ["kubernetes:", "runs on the node groups priced above"],
];

/** gp3 includes 125 MiB/s of throughput at any size; more is billed per MiB/s-month. */
const GP3_BASELINE_MIBPS = 125;

/** Types the pricers below handle (a Service of type LoadBalancer is handled separately). */
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

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}

/** Jobs and API requests a month, from the load model of the graph's tier. */
function monthlyTraffic(tier: Tier): { apiRequests: number; jobs: number; jobsPerDay: number } {
  const dau = TIER_DAU[tier];
  return {
    apiRequests: dau * LOAD_MODEL.apiRequestsPerDauPerDay * DAYS_PER_MONTH,
    jobs: dau * LOAD_MODEL.jobsPerDauPerDay * DAYS_PER_MONTH,
    jobsPerDay: dau * LOAD_MODEL.jobsPerDauPerDay,
  };
}

/**
 * Monthly cost of a rendered graph.
 * @param graph the rendered resources (a full `RenderedGraph` or a synthetic mini-graph)
 * @param sizing usage assumptions, the budget and (optionally) worker concurrency
 * @param tier the traffic tier, for request-driven lines (WAF, SQS, S3 requests); defaults to the graph's
 */
export function estimateCost(graph: PlanGraph, sizing: CostSizing, tier: Tier = graph.config?.tier ?? "1k"): CostEstimate {
  const index = new GraphIndex(graph);
  const usage = sizing.usage;
  const traffic = monthlyTraffic(tier);
  const lines: CostLine[] = [];
  const unpriced = new Set<string>();

  /** `floorQuantity`: how much of `quantity` is there with no traffic (default: all of it). */
  const add = (
    r: RenderedResource | string,
    item: string,
    quantity: number,
    unit: string,
    unitUsd: number,
    price: Price | { estimate?: boolean; source: string },
    floorQuantity = quantity,
  ) => {
    if (quantity <= 0) return;
    lines.push({
      floorUsd: round2(Math.min(floorQuantity, quantity) * unitUsd),
      component: typeof r === "string" ? r : index.componentOf(r),
      item,
      quantity: round2(quantity),
      unit,
      unitUsd: Math.round(unitUsd * 1e6) / 1e6,
      monthlyUsd: round2(quantity * unitUsd),
      estimate: price.estimate ?? false,
      source: price.source,
    });
  };
  /** The component holding most resources of a type: usage-driven lines (GB, requests) go there. */
  const ownerOf = (type: string): string | undefined => {
    const counts = new Map<string, number>();
    for (const r of index.ofType(type)) counts.set(index.componentOf(r), (counts.get(index.componentOf(r)) ?? 0) + 1);
    return [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
  };

  // --- classification: everything is priced, free, or unpriced -----------------------------
  for (const r of index.resources) {
    if (PRICED_TYPES.has(r.type)) continue;
    if (r.type === "kubernetes:core/v1:Service") continue;
    if (freeReason(r.type) !== undefined) continue;
    if (!r.custom && !r.type.startsWith("awsx:")) continue;
    unpriced.add(r.type);
  }

  // --- network -------------------------------------------------------------------------------
  for (const vpc of index.ofType("awsx:ec2:Vpc")) {
    const strategy = String(obj(vpc.inputs.natGateways).strategy ?? "OnePerAz");
    const azs = num(vpc.inputs.numberOfAvailabilityZones, 3);
    const nats = strategy === "Single" ? 1 : strategy === "None" ? 0 : azs;
    add(vpc, `NAT gateway (${strategy}, ${azs} AZs) × ${nats}`, nats * HOURS_PER_MONTH, "hour", PRICES.natGateway.usd, PRICES.natGateway);
    add(vpc, "NAT gateway elastic IP (public IPv4)", nats * HOURS_PER_MONTH, "hour", PRICES.publicIpv4Hour.usd, PRICES.publicIpv4Hour);
    if (nats > 0) add(vpc, "NAT data processed (usage.natGbPerMonth)", usage.natGbPerMonth, "GB", PRICES.natGatewayGb.usd, PRICES.natGatewayGb, 0);
  }
  for (const nat of index.ofType("aws:ec2/natGateway:NatGateway")) {
    add(nat, `NAT gateway (${nat.name})`, HOURS_PER_MONTH, "hour", PRICES.natGateway.usd, PRICES.natGateway);
  }
  // Plain EC2 instances (the NAT instances): on-demand hours, root volume, auto-assigned public IPv4.
  // No per-GB processing charge, unlike a NAT gateway.
  for (const inst of index.ofType("aws:ec2/instance:Instance")) {
    const type = String(inst.inputs.instanceType ?? "");
    const price = EC2_HOURLY[type];
    if (!price) {
      unpriced.add(`${inst.type} (instance type ${type})`);
      continue;
    }
    add(inst, `${type} on-demand instance (${inst.name})`, HOURS_PER_MONTH, "hour", price.usd, price);
    const rootGb = num(obj(inst.inputs.rootBlockDevice).volumeSize, 8);
    add(inst, `EBS gp3 root volume ${rootGb} GiB (${inst.name})`, rootGb, "GB-month", PRICES.ebsGp3GbMonth.usd, PRICES.ebsGp3GbMonth);
    if (inst.inputs.associatePublicIpAddress === true) {
      add(inst, `${inst.name} public IPv4 address`, HOURS_PER_MONTH, "hour", PRICES.publicIpv4Hour.usd, PRICES.publicIpv4Hour);
    }
  }
  const natGateways = index.ofType("aws:ec2/natGateway:NatGateway");
  if (natGateways.length > 0) {
    add(natGateways[0], `NAT gateway data processed (usage.natGbPerMonth, ${natGateways.length} gateways)`, usage.natGbPerMonth, "GB", PRICES.natGatewayGb.usd, PRICES.natGatewayGb, 0);
  }
  for (const eip of index.ofType("aws:ec2/eip:Eip")) {
    add(eip, `Elastic IP (${eip.name})`, HOURS_PER_MONTH, "hour", PRICES.publicIpv4Hour.usd, PRICES.publicIpv4Hour);
  }
  for (const ep of index.ofType("aws:ec2/vpcEndpoint:VpcEndpoint")) {
    if (ep.inputs.vpcEndpointType !== "Interface") continue; // Gateway endpoints (S3, DynamoDB) are free.
    const azs = Math.max(1, arr(ep.inputs.subnetIds).length);
    add(ep, `Interface endpoint ${String(ep.inputs.serviceName)} × ${azs} AZs`, azs * HOURS_PER_MONTH, "AZ-hour", PRICES.interfaceEndpointAzHour.usd, PRICES.interfaceEndpointAzHour);
  }
  for (const zone of index.ofType("aws:route53/zone:Zone")) {
    add(zone, `Hosted zone ${String(zone.inputs.name ?? zone.name)}`, 1, "zone-month", PRICES.route53HostedZoneMonth.usd, PRICES.route53HostedZoneMonth);
  }

  // --- load balancers ------------------------------------------------------------------------
  for (const lb of index.ofType("aws:lb/loadBalancer:LoadBalancer")) {
    const kind = String(lb.inputs.loadBalancerType ?? "application");
    const azs = Math.max(arr(lb.inputs.subnets).length, arr(lb.inputs.subnetMappings).length, 2);
    if (kind === "application") {
      add(lb, `ALB ${lb.name}`, HOURS_PER_MONTH, "hour", PRICES.albHour.usd, PRICES.albHour);
      add(lb, `ALB LCUs (usage.albAverageLcu = ${usage.albAverageLcu})`, usage.albAverageLcu * HOURS_PER_MONTH, "LCU-hour", PRICES.albLcuHour.usd, PRICES.albLcuHour, 0);
    } else if (kind === "network") {
      add(lb, `NLB ${lb.name}`, HOURS_PER_MONTH, "hour", PRICES.nlbHour.usd, PRICES.nlbHour);
      add(lb, `NLB NLCUs (usage.nlbAverageLcu = ${usage.nlbAverageLcu})`, usage.nlbAverageLcu * HOURS_PER_MONTH, "NLCU-hour", PRICES.nlbLcuHour.usd, PRICES.nlbLcuHour, 0);
    } else {
      unpriced.add(`${lb.type} (loadBalancerType ${kind})`);
      continue;
    }
    if (lb.inputs.internal !== true) {
      add(lb, `${lb.name} public IPv4 addresses (one per AZ)`, azs * HOURS_PER_MONTH, "hour", PRICES.publicIpv4Hour.usd, PRICES.publicIpv4Hour);
    }
  }
  // Created by the AWS Load Balancer Controller at runtime, not by Pulumi, but billed all the same.
  for (const svc of loadBalancerServices(index)) {
    const annotations = obj(obj(svc.inputs.metadata).annotations);
    add(svc, `NLB for Service ${svc.name} (AWS LB controller)`, HOURS_PER_MONTH, "hour", PRICES.nlbHour.usd, PRICES.nlbHour);
    add(svc, `NLB NLCUs (usage.nlbAverageLcu = ${usage.nlbAverageLcu})`, usage.nlbAverageLcu * HOURS_PER_MONTH, "NLCU-hour", PRICES.nlbLcuHour.usd, PRICES.nlbLcuHour, 0);
    if (annotations["service.beta.kubernetes.io/aws-load-balancer-scheme"] === "internet-facing") {
      add(svc, `${svc.name} NLB public IPv4 addresses`, 2 * HOURS_PER_MONTH, "hour", PRICES.publicIpv4Hour.usd, PRICES.publicIpv4Hour);
    }
  }
  for (const acl of index.ofType("aws:wafv2/webAcl:WebAcl")) {
    const rules = arr(acl.inputs.rules).length;
    add(acl, `WAF web ACL ${acl.name}`, 1, "web ACL-month", PRICES.wafAclMonth.usd, PRICES.wafAclMonth);
    add(acl, `WAF rules × ${rules}`, rules, "rule-month", PRICES.wafRuleMonth.usd, PRICES.wafRuleMonth);
    add(acl, "WAF requests (load model: API requests a month)", traffic.apiRequests / 1e6, "million requests", PRICES.wafPerMillionRequests.usd, PRICES.wafPerMillionRequests, 0);
  }

  // --- Kubernetes ------------------------------------------------------------------------------
  for (const cluster of index.ofType("aws:eks/cluster:Cluster")) {
    add(cluster, `EKS control plane ${cluster.name}`, HOURS_PER_MONTH, "hour", PRICES.eksControlPlane.usd, PRICES.eksControlPlane);
  }
  const groups = nodeGroups(index);
  const gpuGroups = groups.filter((g) => g.gpu);
  // Scale-out above the minimum happens in the preferred group (spot first when there is one);
  // an on-demand fallback group only runs when spot capacity is short.
  const primaryGpu = [...gpuGroups].sort((a, b) => Number(b.spot) - Number(a.spot) || b.maxNodes - a.maxNodes)[0];
  for (const g of groups) {
    const price = EC2_HOURLY[g.instanceType];
    if (!price) {
      unpriced.add(`${g.resource.type} (instance type ${g.instanceType})`);
      continue;
    }
    let nodeHours = g.minNodes * HOURS_PER_MONTH;
    let extraNote = "";
    if (g === primaryGpu) {
      const extra = Math.min(usage.gpuAverageExtraNodes, g.maxNodes - g.minNodes);
      nodeHours += extra * usage.gpuActiveHoursPerDay * DAYS_PER_MONTH;
      if (extra > 0) extraNote = ` + ${extra} × ${usage.gpuActiveHoursPerDay} h/day`;
    }
    const unitUsd = price.usd * (g.spot ? 1 - usage.ec2SpotDiscount : 1);
    const capacity = g.spot ? `spot (−${Math.round(usage.ec2SpotDiscount * 100)} %)` : "on-demand";
    add(g.resource, `${g.instanceType} ${capacity} nodes: min ${g.minNodes}${extraNote} (${g.resource.name})`, nodeHours, "node-hour", unitUsd, {
      source: price.source,
      estimate: price.estimate || g.spot,
    }, g.minNodes * HOURS_PER_MONTH);
    add(g.resource, `EBS gp3 root volumes ${g.diskGiB} GiB (${g.resource.name})`, (g.diskGiB * nodeHours) / HOURS_PER_MONTH, "GB-month", PRICES.ebsGp3GbMonth.usd, PRICES.ebsGp3GbMonth, g.diskGiB * g.minNodes);
    if (g.diskThroughputMiBps > GP3_BASELINE_MIBPS) {
      const extra = g.diskThroughputMiBps - GP3_BASELINE_MIBPS;
      add(g.resource, `EBS gp3 throughput ${g.diskThroughputMiBps} MiB/s (+${extra} over the baseline) (${g.resource.name})`, (extra * nodeHours) / HOURS_PER_MONTH, "MiB/s-month", PRICES.ebsGp3ThroughputMiBpsMonth.usd, PRICES.ebsGp3ThroughputMiBpsMonth, extra * g.minNodes);
    }
  }

  // --- ECS Fargate -----------------------------------------------------------------------------
  const services = fargateServices(index);
  const queueConsumers = services.filter((s) => !s.loadBalanced);
  const concurrency = sizing.workers?.concurrency ?? 1;
  const jobsPerConsumerPerDay = queueConsumers.length > 0 ? traffic.jobsPerDay / queueConsumers.length : 0;
  for (const s of services) {
    if (s.vcpu <= 0) {
      unpriced.add(`${s.service.type} (no task definition cpu/memory found for ${s.service.name})`);
      continue;
    }
    let averageTasks: number;
    let note: string;
    if (s.loadBalanced) {
      averageTasks = Math.min(s.maxTasks, s.minTasks + usage.gatewayAverageExtraTasks);
      note = `min ${s.minTasks} + ${usage.gatewayAverageExtraTasks} average extra`;
    } else {
      const busy = (jobsPerConsumerPerDay * usage.averageJobSeconds) / concurrency / 86_400;
      const keepsOneUp = jobsPerConsumerPerDay > 0 && 86_400 / jobsPerConsumerPerDay < MODEL_ASSUMPTIONS.workerScaleInSeconds;
      averageTasks = Math.min(s.maxTasks, Math.max(s.minTasks, busy, keepsOneUp ? 1 : 0));
      note = `min ${s.minTasks}, busy ${busy.toFixed(2)}${keepsOneUp ? ", jobs keep one up" : ""}`;
    }
    const vcpuPrice = s.arm ? PRICES.fargateVcpuArm : PRICES.fargateVcpuX86;
    const gbPrice = s.arm ? PRICES.fargateGbArm : PRICES.fargateGbX86;
    const taskHourUsd = (s.vcpu * vcpuPrice.usd + s.memoryGb * gbPrice.usd) * (1 - s.spotShare * usage.fargateSpotDiscount);
    const capacity = s.spotShare > 0 ? ` Spot ${Math.round(s.spotShare * 100)} %` : "";
    add(
      s.service,
      `Fargate${capacity} ${s.arm ? "ARM " : ""}${s.vcpu} vCPU/${s.memoryGb} GB × ${round2(averageTasks)} tasks (${note}) ${s.service.name}`,
      averageTasks * HOURS_PER_MONTH,
      "task-hour",
      taskHourUsd,
      { source: vcpuPrice.source, estimate: s.spotShare > 0 },
      s.minTasks * HOURS_PER_MONTH,
    );
  }
  if (services.length > 0) {
    const insightsClusters = index
      .ofType("aws:ecs/cluster:Cluster")
      .filter((c) => arr(c.inputs.settings).some((x) => obj(x).name === "containerInsights" && obj(x).value !== "disabled"));
    for (const c of insightsClusters) {
      const metrics = MODEL_ASSUMPTIONS.containerInsightsMetricsPerCluster + services.length * MODEL_ASSUMPTIONS.containerInsightsMetricsPerService;
      add(c, `Container Insights metrics (${services.length} services)`, metrics, "metric-month", PRICES.customMetricMonth.usd, { ...PRICES.customMetricMonth, estimate: true });
    }
  }

  // --- data stores -----------------------------------------------------------------------------
  let managedSecrets = 0;
  const databases = index.ofType("aws:rds/instance:Instance");
  for (const db of databases) {
    const cls = String(db.inputs.instanceClass ?? "");
    const price = RDS_HOURLY[cls];
    const multiAz = db.inputs.multiAz === true;
    const source = typeof db.inputs.replicateSourceDb === "string" && db.inputs.replicateSourceDb !== "" ? db.inputs.replicateSourceDb : undefined;
    const replica = source !== undefined;
    if (db.inputs.manageMasterUserPassword === true && !replica) managedSecrets++;
    if (!price) {
      unpriced.add(`${db.type} (instance class ${cls})`);
      continue;
    }
    // A read replica is created with its source's allocated storage (and bills its own copy of it)
    // unless it sets its own; the program usually leaves it unset.
    const sourceDb =
      source === undefined
        ? undefined
        : databases.find((d) => d !== db && ([d.inputs.identifier, d.id, d.name].includes(source) || source.endsWith(`:db:${String(d.inputs.identifier)}`)));
    const storageGb = num(db.inputs.allocatedStorage) || num(sourceDb?.inputs.allocatedStorage);
    if (replica && storageGb === 0) unpriced.add(`${db.type} (storage of read replica ${db.name}: source ${source} not found)`);
    const copies = multiAz ? 2 : 1;
    add(db, `RDS ${cls}${multiAz ? " Multi-AZ" : ""}${replica ? " read replica" : ""} (${db.name})`, copies * HOURS_PER_MONTH, "instance-hour", price.usd, price);
    add(db, `RDS gp3 storage ${storageGb} GB${multiAz ? " × 2 (Multi-AZ)" : ""}${replica ? " of the replica" : ""} (${db.name})`, copies * storageGb, "GB-month", PRICES.rdsGp3GbMonth.usd, PRICES.rdsGp3GbMonth);
  }
  for (const rg of [...index.ofType("aws:elasticache/replicationGroup:ReplicationGroup"), ...index.ofType("aws:elasticache/cluster:Cluster")]) {
    const nodeType = String(rg.inputs.nodeType ?? "");
    const price = ELASTICACHE_HOURLY[nodeType];
    const nodes =
      rg.type === "aws:elasticache/cluster:Cluster"
        ? num(rg.inputs.numCacheNodes, 1)
        : num(rg.inputs.numCacheClusters) || num(rg.inputs.numNodeGroups, 1) * (num(rg.inputs.replicasPerNodeGroup) + 1);
    if (!price) {
      unpriced.add(`${rg.type} (node type ${nodeType})`);
      continue;
    }
    add(rg, `ElastiCache ${nodeType} × ${nodes} nodes (${rg.name})`, nodes * HOURS_PER_MONTH, "node-hour", price.usd, price);
  }

  // --- security ------------------------------------------------------------------------------
  for (const key of index.ofType("aws:kms/key:Key")) add(key, `KMS key ${key.name}`, 1, "key-month", PRICES.kmsKeyMonth.usd, PRICES.kmsKeyMonth);
  const secretsByComponent = new Map<string, number>();
  for (const s of index.ofType("aws:secretsmanager/secret:Secret")) secretsByComponent.set(index.componentOf(s), (secretsByComponent.get(index.componentOf(s)) ?? 0) + 1);
  for (const db of index.ofType("aws:rds/instance:Instance")) {
    if (db.inputs.manageMasterUserPassword === true && !db.inputs.replicateSourceDb) {
      secretsByComponent.set(index.componentOf(db), (secretsByComponent.get(index.componentOf(db)) ?? 0) + 1);
    }
  }
  for (const [component, count] of secretsByComponent) {
    add(component, `Secrets Manager secrets × ${count}${managedSecrets > 0 && component === ownerOf("aws:rds/instance:Instance") ? " (incl. RDS-managed master secret)" : ""}`, count, "secret-month", PRICES.secretMonth.usd, PRICES.secretMonth);
  }

  // --- observability ---------------------------------------------------------------------------
  const alarmsByComponent = new Map<string, { standard: number; high: number }>();
  for (const a of index.ofType("aws:cloudwatch/metricAlarm:MetricAlarm")) {
    const c = index.componentOf(a);
    const entry = alarmsByComponent.get(c) ?? { standard: 0, high: 0 };
    // A metric-math alarm is billed per metric it reads.
    const metrics = Math.max(1, arr(a.inputs.metricQueries).filter((q) => obj(q).metric !== undefined).length);
    if (num(a.inputs.period, 60) < 60) entry.high += metrics;
    else entry.standard += metrics;
    alarmsByComponent.set(c, entry);
  }
  for (const [component, { standard, high }] of alarmsByComponent) {
    add(component, `CloudWatch alarms (standard) × ${standard} metrics`, standard, "alarm-metric-month", PRICES.alarmMonth.usd, PRICES.alarmMonth);
    add(component, `CloudWatch alarms (high resolution) × ${high}`, high, "alarm-metric-month", PRICES.highResolutionAlarmMonth.usd, PRICES.highResolutionAlarmMonth);
  }
  for (const a of index.ofType("aws:cloudwatch/compositeAlarm:CompositeAlarm")) {
    add(a, `Composite alarm ${a.name}`, 1, "alarm-month", PRICES.compositeAlarmMonth.usd, PRICES.compositeAlarmMonth);
  }
  // The account's 3 free dashboards are not assumed: accounts usually have other dashboards.
  for (const d of index.ofType("aws:cloudwatch/dashboard:Dashboard")) {
    add(d, `CloudWatch dashboard ${d.name}`, 1, "dashboard-month", PRICES.dashboardMonth.usd, PRICES.dashboardMonth);
  }
  for (const f of index.ofType("aws:cloudwatch/logMetricFilter:LogMetricFilter")) {
    add(f, `Custom metric from log filter ${f.name}`, 1, "metric-month", PRICES.customMetricMonth.usd, PRICES.customMetricMonth);
  }
  // Metrics an OpenTelemetry collector publishes through the CloudWatch EMF exporter are custom
  // metrics: one per selected metric name and dimension set.
  for (const r of index.resources) {
    const emf = findKey(r.inputs, "awsemf");
    if (!emf) continue;
    const metrics = arr(obj(emf).metric_declarations)
      .map(obj)
      .reduce((sum, d) => sum + arr(d.metric_name_selectors).length * Math.max(1, arr(d.dimensions).length), 0);
    add(r, `Custom metrics via CloudWatch EMF (${r.name})`, metrics, "metric-month", PRICES.customMetricMonth.usd, PRICES.customMetricMonth);
  }
  // KEDA's CloudWatch scaler calls GetMetricData on every polling interval, whether or not it scales.
  for (const so of index.resources.filter((r) => r.type.startsWith("kubernetes:keda.sh/") && r.type.endsWith(":ScaledObject"))) {
    const spec = obj(so.inputs.spec);
    const pollSeconds = num(spec.pollingInterval, 30);
    const metricsPerPoll = arr(spec.triggers)
      .map(obj)
      .filter((t) => t.type === "aws-cloudwatch")
      .reduce((sum, t) => sum + Math.max(1, (String(obj(t.metadata).expression ?? "").match(/SEARCH\(/g) ?? []).length), 0);
    const metricsRequested = (metricsPerPoll * HOURS_PER_MONTH * 3_600) / pollSeconds;
    add(so, `CloudWatch GetMetricData for KEDA (${metricsPerPoll} metrics every ${pollSeconds} s)`, metricsRequested / 1000, "1 000 metrics", PRICES.getMetricDataPerThousand.usd, PRICES.getMetricDataPerThousand);
  }
  const logGroups = index.ofType("aws:cloudwatch/logGroup:LogGroup");
  const logOwner = ownerOf("aws:cloudwatch/logGroup:LogGroup");
  if (logOwner) {
    add(logOwner, `Log ingestion (usage.logGbPerMonth, ${logGroups.length} log groups)`, usage.logGbPerMonth, "GB", PRICES.logIngestionGb.usd, PRICES.logIngestionGb, 0);
    const retentionDays = Math.max(...logGroups.map((g) => num(g.inputs.retentionInDays, 3653)));
    const months = Math.min(retentionDays / DAYS_PER_MONTH, MODEL_ASSUMPTIONS.maxLogStorageMonths);
    add(logOwner, `Log storage (${retentionDays} days retention)`, usage.logGbPerMonth * months, "GB-month", PRICES.logStorageGbMonth.usd, PRICES.logStorageGbMonth, 0);
  }

  // --- storage and messaging -------------------------------------------------------------------
  const bucketOwner = ownerOf("aws:s3/bucket:Bucket");
  if (bucketOwner) {
    const buckets = index.ofType("aws:s3/bucket:Bucket").length;
    add(bucketOwner, `S3 Standard storage (usage.s3GbStored, ${buckets} buckets)`, usage.s3GbStored, "GB-month", PRICES.s3StandardGbMonth.usd, PRICES.s3StandardGbMonth, 0);
    add(bucketOwner, "S3 PUT requests (jobs × 2)", (traffic.jobs * MODEL_ASSUMPTIONS.s3PutsPerJob) / 1000, "1 000 requests", PRICES.s3PutPerThousand.usd, PRICES.s3PutPerThousand, 0);
    add(bucketOwner, "S3 GET requests (jobs × 4)", (traffic.jobs * MODEL_ASSUMPTIONS.s3GetsPerJob) / 1000, "1 000 requests", PRICES.s3GetPerThousand.usd, PRICES.s3GetPerThousand, 0);
  }
  for (const repo of index.ofType("aws:ecr/repository:Repository")) {
    add(repo, `ECR images (${repo.name})`, MODEL_ASSUMPTIONS.ecrGbPerRepository, "GB-month", PRICES.ecrGbMonth.usd, { ...PRICES.ecrGbMonth, estimate: true });
  }
  const queueOwner = ownerOf("aws:sqs/queue:Queue");
  if (queueOwner) {
    const queues = index.ofType("aws:sqs/queue:Queue");
    const waitSeconds = Math.max(1, ...queues.map((q) => num(q.inputs.receiveWaitTimeSeconds, 0)));
    // Idle workers long-poll: one receive per wait period per running task, jobs or not.
    const workerTaskHours = lines.filter((l) => l.unit === "task-hour" && queueConsumers.some((s) => l.item.endsWith(s.service.name))).reduce((s, l) => s + l.quantity, 0);
    const requests = traffic.jobs * MODEL_ASSUMPTIONS.sqsRequestsPerJob + (workerTaskHours * 3_600) / waitSeconds;
    add(queueOwner, `SQS requests (${queues.length} queues: jobs × 4 + long polls every ${waitSeconds} s per worker task)`, requests / 1e6, "million requests", PRICES.sqsPerMillion.usd, PRICES.sqsPerMillion, 0);
  }

  const monthlyUsd = round2(lines.reduce((s, l) => s + l.monthlyUsd, 0));
  return {
    monthlyUsd,
    floorUsd: round2(lines.reduce((s, l) => s + l.floorUsd, 0)),
    budgetUsd: sizing.budgetUsd,
    fitsBudget: monthlyUsd <= sizing.budgetUsd,
    priceDate: PRICE_DATE,
    region: PRICED_REGION,
    lines,
    unpriced: [...unpriced].sort(),
    assumptions: costAssumptions(sizing, tier),
  };
}

/** The first value under `key` anywhere inside a value (Helm values nest deeply). */
function findKey(v: unknown, key: string, depth = 0): unknown {
  if (depth > 12 || typeof v !== "object" || v === null) return undefined;
  if (!Array.isArray(v) && key in v) return (v as Record<string, unknown>)[key];
  for (const x of Object.values(v)) {
    const found = findKey(x, key, depth + 1);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** The usage assumptions an estimate rests on, for printing next to it. */
export function costAssumptions(sizing: CostSizing, tier: Tier): CostAssumption[] {
  const u = sizing.usage;
  const traffic = monthlyTraffic(tier);
  return [
    { name: "hoursPerMonth", value: HOURS_PER_MONTH, meaning: "every hourly price × 730" },
    { name: "usage.gpuActiveHoursPerDay", value: u.gpuActiveHoursPerDay, meaning: "hours a day the GPU fleet runs above its minimum" },
    { name: "usage.gpuAverageExtraNodes", value: u.gpuAverageExtraNodes, meaning: "GPU nodes above the minimum while active" },
    { name: "usage.gatewayAverageExtraTasks", value: u.gatewayAverageExtraTasks, meaning: "gateway tasks above the minimum on average" },
    { name: "usage.averageJobSeconds", value: u.averageJobSeconds, meaning: "seconds of one worker slot per job" },
    { name: "usage.natGbPerMonth", value: u.natGbPerMonth, meaning: "GB through NAT a month" },
    { name: "usage.logGbPerMonth", value: u.logGbPerMonth, meaning: "GB of logs ingested a month" },
    { name: "usage.s3GbStored", value: u.s3GbStored, meaning: "GB stored in S3" },
    { name: "usage.albAverageLcu", value: u.albAverageLcu, meaning: "average ALB LCUs" },
    { name: "usage.nlbAverageLcu", value: u.nlbAverageLcu, meaning: "average NLCUs per NLB" },
    { name: "usage.ec2SpotDiscount", value: u.ec2SpotDiscount, meaning: "spot discount on EC2 list price" },
    { name: "usage.fargateSpotDiscount", value: u.fargateSpotDiscount, meaning: "Fargate Spot discount" },
    { name: "apiRequestsPerMonth", value: Math.round(traffic.apiRequests), meaning: `load model: ${TIER_DAU[tier]} DAU × ${LOAD_MODEL.apiRequestsPerDauPerDay} requests × ${DAYS_PER_MONTH.toFixed(1)} days` },
    { name: "jobsPerMonth", value: Math.round(traffic.jobs), meaning: `load model: ${TIER_DAU[tier]} DAU × ${LOAD_MODEL.jobsPerDauPerDay} jobs × ${DAYS_PER_MONTH.toFixed(1)} days` },
    ...Object.entries(MODEL_ASSUMPTIONS).map(([k, v]) => ({ name: `model.${k}`, value: v, meaning: "cost-model constant (src/plan/cost.ts)" })),
    { name: "freeTiers", value: "none", meaning: "account-level free tiers (3 dashboards, 1 M SQS requests, ...) are not applied" },
  ];
}
