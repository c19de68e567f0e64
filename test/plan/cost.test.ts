/**
 * The cost model: one synthetic mini-graph per priced type (each line priced from the resource's
 * own inputs), unpriced detection, and the shipped prod stack against its budgets at every tier.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { BUDGET_EXCEPTIONS } from "../../src/plan/budget";
import { estimateCost, FREE_TYPES } from "../../src/plan/cost";
import type { RenderedResource } from "../../src/plan/harness";
import { EC2_HOURLY, ELASTICACHE_HOURLY, HOURS_PER_MONTH, PRICES, RDS_HOURLY } from "../../src/plan/prices";
import { compareRow, formatCompare } from "../../src/plan/report";
import { buildPlan } from "../../src/plan/report";
import { LOAD_MODEL, TIERS, TIER_DAU } from "../../sizing";
import { rendered, TIER_NAMES } from "../support/graph";

const STACK = "urn:pulumi:t::p::pulumi:pulumi:Stack::p-t";
const usage = TIERS["1k"].usage;
const sizing = { usage, budgetUsd: 100, workers: TIERS["1k"].workers };

/** A mini-graph: one component `c` holding the given resources. */
function graph(...resources: Partial<RenderedResource>[]): { resources: RenderedResource[] } {
  const component: RenderedResource = { urn: "urn:c", type: "platform:test:C", name: "c", parent: STACK, custom: false, id: "", inputs: {} };
  return {
    resources: [
      component,
      ...resources.map((r, i) => ({ urn: `urn:r${i}`, name: `r${i}`, parent: "urn:c", custom: true, id: `id-${i}`, inputs: {}, type: "", ...r })),
    ],
  };
}
const cost = (...resources: Partial<RenderedResource>[]) => estimateCost(graph(...resources), sizing, "1k");
const line = (c: ReturnType<typeof cost>, match: RegExp) => {
  const found = c.lines.find((l) => match.test(l.item));
  if (!found) throw new Error(`no line matching ${match}: ${c.lines.map((l) => l.item).join("; ")}`);
  return found;
};
const near = (actual: number, expected: number) => expect(actual).toBeCloseTo(expected, 1);

describe("price of each priced type", () => {
  it("NAT gateways follow the awsx VPC's strategy × AZs", () => {
    const perAz = cost({ type: "awsx:ec2:Vpc", custom: false, inputs: { natGateways: { strategy: "OnePerAz" }, numberOfAvailabilityZones: 3 } });
    near(line(perAz, /^NAT gateway \(/).monthlyUsd, 3 * HOURS_PER_MONTH * PRICES.natGateway.usd);
    const single = cost({ type: "awsx:ec2:Vpc", custom: false, inputs: { natGateways: { strategy: "Single" }, numberOfAvailabilityZones: 3 } });
    near(line(single, /^NAT gateway \(/).monthlyUsd, HOURS_PER_MONTH * PRICES.natGateway.usd);
    near(line(single, /NAT data/).monthlyUsd, usage.natGbPerMonth * PRICES.natGatewayGb.usd);
    expect(single.lines.every((l) => l.component === "c")).toBe(true);
  });

  it("an ALB costs its hours, LCUs and public IPs; an internal NLB no IPs", () => {
    const alb = cost({ type: "aws:lb/loadBalancer:LoadBalancer", inputs: { loadBalancerType: "application", subnets: ["a", "b"] } });
    near(line(alb, /^ALB r0/).monthlyUsd, HOURS_PER_MONTH * PRICES.albHour.usd);
    near(line(alb, /ALB LCUs/).monthlyUsd, usage.albAverageLcu * HOURS_PER_MONTH * PRICES.albLcuHour.usd);
    near(line(alb, /public IPv4/).quantity, 2 * HOURS_PER_MONTH);
    const nlb = cost({ type: "aws:lb/loadBalancer:LoadBalancer", inputs: { loadBalancerType: "network", internal: true } });
    near(line(nlb, /^NLB r0/).monthlyUsd, HOURS_PER_MONTH * PRICES.nlbHour.usd);
    expect(nlb.lines.some((l) => /public IPv4/.test(l.item))).toBe(false);
  });

  it("a Kubernetes Service of type LoadBalancer is an NLB; a ClusterIP Service is free", () => {
    const lb = cost({ type: "kubernetes:core/v1:Service", inputs: { spec: { type: "LoadBalancer" } } });
    near(line(lb, /^NLB for Service/).monthlyUsd, HOURS_PER_MONTH * PRICES.nlbHour.usd);
    const clusterIp = cost({ type: "kubernetes:core/v1:Service", inputs: { spec: { type: "ClusterIP" } } });
    expect(clusterIp.lines).toEqual([]);
  });

  it("EKS: control plane, node groups by type, capacity type, min and GPU usage, root volumes", () => {
    const c = cost(
      { type: "aws:eks/cluster:Cluster" },
      { type: "aws:eks/nodeGroup:NodeGroup", name: "sys", inputs: { instanceTypes: ["t4g.medium"], capacityType: "ON_DEMAND", scalingConfig: { minSize: 2, maxSize: 3 }, diskSize: 30 } },
      { type: "aws:eks/nodeGroup:NodeGroup", name: "gpu", inputs: { instanceTypes: ["g6.xlarge"], capacityType: "SPOT", scalingConfig: { minSize: 0, maxSize: 2 } } },
    );
    near(line(c, /EKS control plane/).monthlyUsd, HOURS_PER_MONTH * PRICES.eksControlPlane.usd);
    near(line(c, /t4g.medium on-demand/).monthlyUsd, 2 * HOURS_PER_MONTH * EC2_HOURLY["t4g.medium"].usd);
    const gpuHours = usage.gpuAverageExtraNodes * usage.gpuActiveHoursPerDay * (HOURS_PER_MONTH / 24);
    near(line(c, /g6.xlarge spot/).monthlyUsd, gpuHours * EC2_HOURLY["g6.xlarge"].usd * (1 - usage.ec2SpotDiscount));
    near(line(c, /EBS gp3 root volumes 30 GiB \(sys\)/).quantity, 60);
  });

  it("Fargate: task definition cpu/memory × scaling target min, ARM and Spot", () => {
    const c = cost(
      { type: "aws:ecs/taskDefinition:TaskDefinition", inputs: { family: "api", cpu: "1024", memory: "2048", runtimePlatform: { cpuArchitecture: "ARM64" } } },
      { type: "aws:ecs/service:Service", name: "api", inputs: { name: "api", taskDefinition: "arn:aws:ecs:us-east-1:1:task-definition/api:1", loadBalancers: [{}], capacityProviderStrategies: [{ capacityProvider: "FARGATE_SPOT", weight: 1 }] } },
      { type: "aws:appautoscaling/target:Target", inputs: { scalableDimension: "ecs:service:DesiredCount", resourceId: "service/cluster/api", minCapacity: 3, maxCapacity: 9 } },
    );
    const taskHour = (PRICES.fargateVcpuArm.usd + 2 * PRICES.fargateGbArm.usd) * (1 - usage.fargateSpotDiscount);
    const l = line(c, /Fargate Spot 100 % ARM 1 vCPU\/2 GB/);
    near(l.quantity, (3 + usage.gatewayAverageExtraTasks) * HOURS_PER_MONTH);
    near(l.monthlyUsd, l.quantity * taskHour);
  });

  it("RDS: class × Multi-AZ, storage, replicas, and the managed master secret", () => {
    const c = cost(
      { type: "aws:rds/instance:Instance", name: "writer", inputs: { instanceClass: "db.t4g.medium", multiAz: true, allocatedStorage: 50, manageMasterUserPassword: true } },
      { type: "aws:rds/instance:Instance", name: "replica", inputs: { instanceClass: "db.t4g.medium", multiAz: false, allocatedStorage: 50, replicateSourceDb: "writer" } },
    );
    near(line(c, /Multi-AZ \(writer\)/).monthlyUsd, 2 * HOURS_PER_MONTH * RDS_HOURLY["db.t4g.medium"].usd);
    near(line(c, /read replica \(replica\)/).monthlyUsd, HOURS_PER_MONTH * RDS_HOURLY["db.t4g.medium"].usd);
    near(line(c, /storage 50 GB × 2/).monthlyUsd, 100 * PRICES.rdsGp3GbMonth.usd);
    expect(line(c, /Secrets Manager/).quantity).toBe(1);
  });

  it("RDS: a read replica that leaves allocatedStorage unset bills its source's storage", () => {
    const c = cost(
      { type: "aws:rds/instance:Instance", name: "writer", inputs: { identifier: "proj-prod-db", instanceClass: "db.t4g.medium", multiAz: true, allocatedStorage: 200 } },
      { type: "aws:rds/instance:Instance", name: "replica", inputs: { instanceClass: "db.t4g.medium", multiAz: false, replicateSourceDb: "proj-prod-db" } },
      { type: "aws:rds/instance:Instance", name: "arn-replica", inputs: { instanceClass: "db.t4g.medium", replicateSourceDb: "arn:aws:rds:us-east-1:123456789012:db:proj-prod-db" } },
    );
    near(line(c, /storage 200 GB of the replica \(replica\)/).monthlyUsd, 200 * PRICES.rdsGp3GbMonth.usd);
    near(line(c, /storage 200 GB of the replica \(arn-replica\)/).monthlyUsd, 200 * PRICES.rdsGp3GbMonth.usd);
    const orphan = cost({ type: "aws:rds/instance:Instance", name: "replica", inputs: { instanceClass: "db.t4g.medium", replicateSourceDb: "elsewhere" } });
    expect(orphan.unpriced.some((u) => /read replica replica/.test(u))).toBe(true);
  });

  it("ElastiCache: node type × nodes", () => {
    const c = cost({ type: "aws:elasticache/replicationGroup:ReplicationGroup", inputs: { nodeType: "cache.t4g.small", numCacheClusters: 2 } });
    near(line(c, /ElastiCache/).monthlyUsd, 2 * HOURS_PER_MONTH * ELASTICACHE_HOURLY["cache.t4g.small"].usd);
  });

  it("WAF: ACL + rules + requests from the load model", () => {
    const c = cost({ type: "aws:wafv2/webAcl:WebAcl", inputs: { rules: [{}, {}, {}] } });
    near(line(c, /WAF web ACL/).monthlyUsd, PRICES.wafAclMonth.usd);
    near(line(c, /WAF rules × 3/).monthlyUsd, 3 * PRICES.wafRuleMonth.usd);
    near(line(c, /WAF requests/).quantity, (1000 * 40 * HOURS_PER_MONTH) / 24 / 1e6);
  });

  it("keys, secrets, alarms, dashboards, log filters, logs, buckets, ECR, SQS, endpoints", () => {
    const c = cost(
      { type: "aws:kms/key:Key" },
      { type: "aws:secretsmanager/secret:Secret" },
      { type: "aws:cloudwatch/metricAlarm:MetricAlarm", inputs: { period: 60 } },
      { type: "aws:cloudwatch/metricAlarm:MetricAlarm", inputs: { period: 10 } },
      { type: "aws:cloudwatch/compositeAlarm:CompositeAlarm" },
      { type: "aws:cloudwatch/dashboard:Dashboard" },
      { type: "aws:cloudwatch/logMetricFilter:LogMetricFilter" },
      { type: "aws:cloudwatch/logGroup:LogGroup", inputs: { retentionInDays: 30 } },
      { type: "aws:s3/bucket:Bucket" },
      { type: "aws:ecr/repository:Repository" },
      { type: "aws:sqs/queue:Queue", inputs: { receiveWaitTimeSeconds: 20 } },
      { type: "aws:ec2/vpcEndpoint:VpcEndpoint", inputs: { vpcEndpointType: "Interface", serviceName: "ecr", subnetIds: ["a", "b"] } },
      { type: "aws:ec2/vpcEndpoint:VpcEndpoint", inputs: { vpcEndpointType: "Gateway", serviceName: "s3" } },
    );
    near(line(c, /KMS key/).monthlyUsd, PRICES.kmsKeyMonth.usd);
    near(line(c, /Secrets Manager secrets × 1/).monthlyUsd, PRICES.secretMonth.usd);
    near(line(c, /alarms \(standard\) × 1/).monthlyUsd, PRICES.alarmMonth.usd);
    near(line(c, /alarms \(high resolution\) × 1/).monthlyUsd, PRICES.highResolutionAlarmMonth.usd);
    near(line(c, /Composite alarm/).monthlyUsd, PRICES.compositeAlarmMonth.usd);
    near(line(c, /dashboard/).monthlyUsd, PRICES.dashboardMonth.usd);
    near(line(c, /log filter/).monthlyUsd, PRICES.customMetricMonth.usd);
    near(line(c, /Log ingestion/).monthlyUsd, usage.logGbPerMonth * PRICES.logIngestionGb.usd);
    near(line(c, /S3 Standard storage/).monthlyUsd, usage.s3GbStored * PRICES.s3StandardGbMonth.usd);
    expect(line(c, /ECR images/).monthlyUsd).toBeGreaterThan(0);
    expect(line(c, /SQS requests/).monthlyUsd).toBeGreaterThan(0);
    near(line(c, /Interface endpoint ecr × 2 AZs/).monthlyUsd, 2 * HOURS_PER_MONTH * PRICES.interfaceEndpointAzHour.usd);
    expect(c.lines.some((l) => /Interface endpoint s3/.test(l.item))).toBe(false);
    expect(c.unpriced).toEqual([]);
    // Each line names what it prices: the resource itself, or every resource a usage or count line covers.
    expect(line(c, /KMS key/).resources).toEqual([{ type: "aws:kms/key:Key", name: "r0" }]);
    expect(line(c, /alarms \(high resolution\)/).resources).toEqual([{ type: "aws:cloudwatch/metricAlarm:MetricAlarm", name: "r3" }]);
    expect(line(c, /SQS requests/).resources).toEqual([{ type: "aws:sqs/queue:Queue", name: "r10" }]);
  });

  it("SQS long polls count the workers' task-hours by service role, not by matching line labels", () => {
    const taskDefinition = { type: "aws:ecs/taskDefinition:TaskDefinition", inputs: { family: "td", cpu: "256", memory: "512" } };
    const service = (name: string, loadBalanced: boolean) => ({
      type: "aws:ecs/service:Service",
      name,
      inputs: { name, taskDefinition: "td", desiredCount: 1, ...(loadBalanced ? { loadBalancers: [{}] } : {}) },
    });
    // The gateway's name ends with the worker's: a label match would count the gateway's tasks as polling.
    const c = cost(taskDefinition, service("jobs", false), service("api-jobs", true), { type: "aws:sqs/queue:Queue", inputs: { receiveWaitTimeSeconds: 20 } });
    const workerHours = line(c, /Fargate .* jobs$/).quantity;
    const jobs = TIER_DAU["1k"] * LOAD_MODEL.jobsPerDauPerDay * (HOURS_PER_MONTH / 24);
    near(line(c, /SQS requests/).quantity, (jobs * 4 + (workerHours * 3_600) / 20) / 1e6);
  });

  it("prices every hourly entry of the table from the graph, not from a tier", () => {
    for (const type of Object.keys(RDS_HOURLY)) {
      const c = cost({ type: "aws:rds/instance:Instance", inputs: { instanceClass: type, allocatedStorage: 20 } });
      near(c.lines[0].monthlyUsd, HOURS_PER_MONTH * RDS_HOURLY[type].usd);
    }
  });
});

describe("unpriced detection", () => {
  it("lists an unknown costly type, and known types with unknown sizes, never zero", () => {
    const c = cost(
      { type: "aws:opensearch/domain:Domain" },
      { type: "aws:rds/instance:Instance", inputs: { instanceClass: "db.x2g.16xlarge" } },
      { type: "aws:eks/nodeGroup:NodeGroup", inputs: { instanceTypes: ["p5.48xlarge"], scalingConfig: { minSize: 1, maxSize: 1 } } },
      { type: "aws:iam/role:Role" },
      { type: "aws:ec2/securityGroup:SecurityGroup" },
    );
    expect(c.unpriced).toEqual([
      "aws:eks/nodeGroup:NodeGroup (instance type p5.48xlarge)",
      "aws:opensearch/domain:Domain",
      "aws:rds/instance:Instance (instance class db.x2g.16xlarge)",
    ]);
  });

  it("keeps the free list explicit (every entry says why)", () => {
    for (const [type, why] of Object.entries(FREE_TYPES)) expect(why, type).not.toBe("");
  });
});

describe("prod stack budgets", () => {
  const plans = TIER_NAMES.map((tier) => ({ tier, plan: rendered("prod", tier).then(buildPlan) }));

  it.each(TIER_NAMES)("%s: priced completely, and within budget or a documented exception", async (tier) => {
    const plan = await plans.find((p) => p.tier === tier)!.plan;
    expect(plan.cost.unpriced).toEqual([]);
    const over = plan.cost.monthlyUsd - plan.cost.budgetUsd;
    const exception = BUDGET_EXCEPTIONS[tier];
    if (over <= 0) {
      expect(exception, `${tier} fits its budget: remove its documented exception`).toBeUndefined();
    } else {
      expect(exception, `${tier} is $${over.toFixed(0)} over budget with no documented exception`).toBeDefined();
      expect(Math.round(over)).toBe(exception!.overUsd);
      expect(exception!.reason.length).toBeGreaterThan(20);
    }
  });

  it.each(TIER_NAMES)("%s: every cost line names rendered resources of the graph", async (tier) => {
    const plan = await plans.find((p) => p.tier === tier)!.plan;
    const inGraph = new Set(plan.resources.map((r) => `${r.type} ${r.name}`));
    for (const l of plan.cost.lines) {
      expect(l.resources.length, l.item).toBeGreaterThan(0);
      for (const r of l.resources) expect(inGraph.has(`${r.type} ${r.name}`), `${l.item}: ${r.type} ${r.name}`).toBe(true);
    }
  });

  it("$/DAU falls as the tier grows", async () => {
    const perDau = await Promise.all(plans.map(async ({ tier, plan }) => (await plan).cost.monthlyUsd / TIER_DAU[tier]));
    expect(perDau[1]).toBeLessThan(perDau[0]);
    expect(perDau[2]).toBeLessThan(perDau[1]);
  });

  it("the cost chapter's table and budget exceptions are the model's", async () => {
    const rows = await Promise.all(plans.map(async ({ plan }) => compareRow(await plan)));
    const readme = fs.readFileSync(path.join(__dirname, "..", "..", "docs", "cost.md"), "utf8");
    expect(readme, "regenerate with: npm run -s plan -- --stack prod --compare --format markdown").toContain(formatCompare("prod", rows, true));
    for (const [tier, e] of Object.entries(BUDGET_EXCEPTIONS)) {
      expect(readme).toContain(`${tier}: $${e.overUsd} over budget`);
      expect(readme).toContain(e.reason);
    }
  });
});
