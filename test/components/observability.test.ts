/**
 * Observability for every shipped stack × tier (alarm names, metrics, thresholds from the tier table,
 * alarm and OK actions to the encrypted topic, the dashboard drawn from the same metrics, the budget),
 * and the component alone with synthetic inputs, so sections other components have not wired yet
 * are covered too.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { Observability, type ObservabilityArgs } from "../../components/observability";
import { alarmTableMarkdown } from "../../src/plan/alarm-table";
import { physicalName } from "../../components/component";
import { MOCK_ACCOUNT_ID } from "../../src/plan/mocks";
import { REPO_ROOT } from "../../src/plan/harness";
import { ALARM_WINDOWS, type ObservabilitySizing, TIERS } from "../../sizing";
import { json, named, ofType, rendered, type RenderedGraph, type RenderedResource, single, stackTierMatrix } from "../support/graph";
import { type Recorded as RecordedOf, recordRegistrations, unitContext } from "../support/unit";

const ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm";

/** Provider inputs as the mock recorded them: untyped JSON, read field by field. */
type Inputs = Record<string, unknown> & {
  metricName?: string;
  dimensions?: Record<string, string>;
  threshold?: number;
  alarmActions?: string[];
  okActions?: string[];
  metricQueries?: { id: string; expression?: string; returnData?: boolean; metric?: { metricName: string; stat: string; dimensions?: Record<string, string> } }[];
};
interface PolicyJson {
  Statement: { Principal: { Service?: string | string[] }; Action: string | string[]; Condition: Record<string, Record<string, string>> }[];
}
const GIB = 1024 ** 3;

interface DashboardWidget {
  type: string;
  properties: { markdown?: string; title?: string; metrics?: unknown[][]; annotations?: { horizontal: { value: number }[] } };
}

/** Metric names and dimension values an alarm reads (plain or metric math). */
function alarmMetrics(alarm: RenderedResource): { metricName: string; dims: string[] }[] {
  const i = alarm.inputs as Inputs;
  if (i.metricName) return [{ metricName: i.metricName, dims: Object.values(i.dimensions ?? {}).sort() }];
  return (i.metricQueries ?? [])
    .filter((q) => q.metric)
    .map((q) => ({ metricName: q.metric!.metricName, dims: Object.values(q.metric!.dimensions ?? {}).sort() }));
}

/** Metric names and dimension values a dashboard widget draws. */
function widgetMetrics(widget: DashboardWidget): { metricName: string; dims: string[] }[] {
  return (widget.properties.metrics ?? [])
    .filter((row) => typeof row[0] === "string")
    .map((row) => {
      const parts = row.filter((p) => typeof p === "string") as string[];
      return { metricName: parts[1], dims: parts.slice(2).filter((_, k) => k % 2 === 1).sort() };
    });
}

function alarmsOf(g: RenderedGraph): RenderedResource[] {
  return ofType(g, ALARM).filter((a) => a.name.startsWith("observability-"));
}

function alarm(g: RenderedGraph, suffix: string): Inputs {
  return named(g, `observability-${suffix}`).inputs as Inputs;
}

describe.each(stackTierMatrix())("observability of $stack at $tier", ({ stack, tier }) => {
  const topicArnOf = (_g: RenderedGraph) => `arn:aws:sns:us-east-1:${MOCK_ACCOUNT_ID}:observability-alerts`;

  it("names every alarm <project>-<stack>-<component>-<what> and sends alarm and OK actions to the topic", async () => {
    const g = await rendered(stack, tier);
    const alarms = alarmsOf(g);
    expect(alarms.length).toBeGreaterThan(5);
    for (const a of alarms) {
      const suffix = a.name.slice("observability-".length);
      expect(a.inputs.name).toBe(physicalName(g, suffix, 255));
      expect(a.inputs.name).toMatch(new RegExp(`^${g.project}-${stack}-(gateway|workers|queues|database|cache|inference)-`));
      expect(a.inputs.alarmActions).toEqual([topicArnOf(g)]);
      expect(a.inputs.okActions).toEqual([topicArnOf(g)]);
      expect(["missing", "notBreaching", "breaching", "ignore"]).toContain(a.inputs.treatMissingData);
    }
  });

  it("has no alarm without actions, and every alarm that notifies also notifies its OK", async () => {
    const g = await rendered(stack, tier);
    for (const a of ofType(g, ALARM)) {
      const actions = (a.inputs.alarmActions as string[] | undefined) ?? [];
      expect(actions.length, a.name).toBeGreaterThan(0);
      // Autoscaling alarms act on a scaling policy; OK is meaningless there. Alerts must say both.
      if (actions.some((arn) => arn.startsWith("arn:aws:sns:"))) expect(a.inputs.okActions, a.name).toEqual(actions);
    }
  });

  it("watches every database instance with the tier's thresholds", async () => {
    const g = await rendered(stack, tier);
    const s = g.config.sizing.observability;
    const instances = ofType(g, "aws:rds/instance:Instance");
    const writer = instances.find((r) => !r.inputs.replicateSourceDb)!;
    const replicas = instances.filter((r) => r.inputs.replicateSourceDb);
    expect(replicas).toHaveLength(g.config.sizing.database.readReplicas);

    expect(alarm(g, "database-writer-cpu")).toMatchObject({
      namespace: "AWS/RDS", metricName: "CPUUtilization", threshold: s.cpuAlarmPercent,
      dimensions: { DBInstanceIdentifier: writer.inputs.identifier }, comparisonOperator: "GreaterThanThreshold",
    });
    expect(alarm(g, "database-writer-free-storage")).toMatchObject({
      metricName: "FreeStorageSpace", threshold: s.dbFreeStorageGiB * GIB, comparisonOperator: "LessThanThreshold",
    });
    expect(alarm(g, "database-writer-connections")).toMatchObject({ metricName: "DatabaseConnections", threshold: s.dbConnections });
    const lagAlarms = alarmsOf(g).filter((a) => a.name.endsWith("-replica-lag"));
    expect(lagAlarms.map((a) => a.inputs.dimensions)).toEqual(
      replicas.map((r) => ({ DBInstanceIdentifier: r.inputs.identifier })),
    );
    for (const a of lagAlarms) expect(a.inputs).toMatchObject({ metricName: "ReplicaLag", threshold: s.replicaLagSeconds });
  });

  it("watches the gateway, every worker and queue priority, and every EKS node group the stack has", async () => {
    const g = await rendered(stack, tier);
    const s = g.config.sizing.observability;
    const names = alarmsOf(g).map((a) => a.name.slice("observability-".length));
    for (const what of ["alb-5xx-rate", "p95-latency", "unhealthy-hosts", "cpu", "memory"]) expect(names).toContain(`gateway-${what}`);
    // One worker service per priority, or the one shared service (1k); every queue watched either way.
    const workerKeys = g.config.sizing.workers.shared ? ["shared"] : ["free", "paid", "sprint"];
    for (const k of workerKeys) expect(names).toEqual(expect.arrayContaining([`workers-${k}-cpu`, `workers-${k}-memory`]));
    expect(names.filter((n) => /^workers-.*-(cpu|memory)$/.test(n))).toHaveLength(2 * workerKeys.length);
    for (const p of ["free", "paid", "sprint"]) {
      expect(names).toEqual(expect.arrayContaining([`queues-${p}-depth`, `queues-${p}-dlq-not-empty`]));
      expect(alarm(g, `queues-${p}-oldest-message-age`).threshold).toBe(s.queueOldestMessageAgeSeconds);
    }
    expect(alarm(g, "gateway-p95-latency")).toMatchObject({ extendedStatistic: "p95", threshold: s.p95LatencySeconds });
    expect(alarm(g, "inference-gpu-utilisation").threshold).toBe(s.gpuUtilisationPercent);
    expect(alarm(g, "inference-triton-queue-time").threshold).toBe(s.tritonQueueTimeMs);
    const nodeGroups = ofType(g, "aws:eks/nodeGroup:NodeGroup");
    expect(names.filter((n) => n.endsWith("-nodes-status-check"))).toHaveLength(nodeGroups.length);
  });

  it("watches every cache node: engine CPU, memory, evictions", async () => {
    const g = await rendered(stack, tier);
    const s = g.config.sizing.observability;
    const group = single(g, "aws:elasticache/replicationGroup:ReplicationGroup").inputs;
    const nodes = Number(group.numCacheClusters);
    expect(nodes).toBe(g.config.sizing.cache.nodes);
    for (let n = 1; n <= nodes; n++) {
      const dims = { CacheClusterId: `${String(group.replicationGroupId)}-${String(n).padStart(3, "0")}` };
      expect(alarm(g, `cache-node-${n}-engine-cpu`)).toMatchObject({ metricName: "EngineCPUUtilization", dimensions: dims, threshold: s.cpuAlarmPercent });
      expect(alarm(g, `cache-node-${n}-memory`)).toMatchObject({ metricName: "DatabaseMemoryUsagePercentage", dimensions: dims, threshold: s.memoryAlarmPercent });
      expect(alarm(g, `cache-node-${n}-evictions`)).toMatchObject({ metricName: "Evictions", dimensions: dims, threshold: s.cacheEvictions });
    }
    expect(alarmsOf(g).filter((a) => a.name.startsWith("observability-cache-"))).toHaveLength(3 * nodes);
  });

  it("draws one dashboard section per component and one graph per alarm, on the alarm's own metrics", async () => {
    const g = await rendered(stack, tier);
    const dashboard = single(g, "aws:cloudwatch/dashboard:Dashboard").inputs;
    expect(dashboard.dashboardName).toBe(`${g.project}-${stack}-overview`);
    const body = json<{ widgets: DashboardWidget[] }>(dashboard.dashboardBody);
    const alarms = alarmsOf(g);
    const components = [...new Set(alarms.map((a) => /^observability-([a-z]+)-/.exec(a.name)![1]))];
    const headers = body.widgets.filter((w) => w.type === "text");
    expect(headers).toHaveLength(components.length);
    const graphs = body.widgets.filter((w) => w.type === "metric");
    expect(graphs).toHaveLength(alarms.length);
    for (const a of alarms) {
      const what = a.name.slice("observability-".length).replace(/^([a-z]+)-/, "$1: ");
      const graph = graphs.find((w) => w.properties.title === what);
      expect(graph, a.name).toBeDefined();
      expect(widgetMetrics(graph!)).toEqual(alarmMetrics(a));
      expect(graph!.properties.annotations!.horizontal[0].value).toBe(a.inputs.threshold);
    }
  });

  it("budgets the tier's monthly amount for this stack's tag, alerting at 80 % forecast and 100 % actual", async () => {
    const g = await rendered(stack, tier);
    const budget = single(g, "aws:budgets/budget:Budget").inputs;
    // Dev keeps its tier's budget: a guard against runaway spend (sizing/environments.ts, environment adjustments).
    const expected = TIERS[tier].budgetUsd;
    expect(budget).toMatchObject({ budgetType: "COST", timeUnit: "MONTHLY", limitUnit: "USD", limitAmount: String(expected) });
    expect(budget.costFilters).toEqual([{ name: "TagKeyValue", values: [`user:stack$${stack}`] }]);
    expect(budget.notifications).toEqual([
      expect.objectContaining({ threshold: 80, thresholdType: "PERCENTAGE", notificationType: "FORECASTED", subscriberSnsTopicArns: [topicArnOf(g)] }),
      expect.objectContaining({ threshold: 100, thresholdType: "PERCENTAGE", notificationType: "ACTUAL", subscriberSnsTopicArns: [topicArnOf(g)] }),
    ]);
  });

  it("encrypts the topic with the stack key, which lets CloudWatch and Budgets use it, and admits only this account's publishers", async () => {
    const g = await rendered(stack, tier);
    const keyArn = g.outputs.kmsKeyArn;
    expect(named(g, "observability-alerts").inputs.kmsMasterKeyId).toBe(keyArn);
    const keyPolicy = json<PolicyJson>(
      single(g, "aws:kms/key:Key").inputs.policy,
    );
    const grant = keyPolicy.Statement.find((st) => [st.Principal.Service].flat().includes("budgets.amazonaws.com"));
    expect([grant!.Principal.Service].flat()).toEqual(expect.arrayContaining(["cloudwatch.amazonaws.com", "budgets.amazonaws.com"]));
    expect(grant!.Action).toEqual(["kms:Decrypt", "kms:GenerateDataKey*"]);

    const topicPolicy = json<PolicyJson>(
      named(g, "observability-alerts-policy").inputs.policy,
    );
    expect(topicPolicy.Statement.map((st) => st.Principal.Service).sort()).toEqual(["budgets.amazonaws.com", "cloudwatch.amazonaws.com"]);
    for (const st of topicPolicy.Statement) {
      expect(st.Action).toBe("sns:Publish");
      expect(st.Condition.StringEquals["aws:SourceAccount"]).toBe(MOCK_ACCOUNT_ID);
    }
    const subscriptions = ofType(g, "aws:sns/topicSubscription:TopicSubscription");
    if (g.config.alertEmail) {
      expect(subscriptions.map((s) => s.inputs)).toEqual([
        expect.objectContaining({ protocol: "email", endpoint: g.config.alertEmail, topic: topicArnOf(g) }),
      ]);
    } else {
      expect(subscriptions).toHaveLength(0);
    }
  });

  it("exports the topic ARN and the dashboard name", async () => {
    const g = await rendered(stack, tier);
    expect(g.outputs.alertTopicArn).toBe(topicArnOf(g));
    expect(g.outputs.dashboardName).toBe(`${g.project}-${stack}-overview`);
  });
});

// ---------------------------------------------------------------------------------------------
// The component alone, with synthetic inputs (every section, and none).
// ---------------------------------------------------------------------------------------------

type Recorded = RecordedOf<Inputs>;

/** Constructs one Observability under mocks and returns what it registered. */
function renderObservability(args: Partial<ObservabilityArgs>): Promise<Recorded[]> {
  return recordRegistrations<Inputs>("proj", "unit", () => {
    new Observability("obs", {
      context: unitContext("proj", "unit", DISTINCT_SIZING.logRetentionDays),
      sizing: DISTINCT_SIZING,
      budgetUsd: 1234,
      ...args,
    });
  });
}

/** Every threshold different from the shipped ones, so a literal in the component cannot pass. */
const DISTINCT_SIZING: ObservabilitySizing = {
  logRetentionDays: 14,
  http5xxRatePercent: 7,
  p95LatencySeconds: 3,
  queueOldestMessageAgeSeconds: 611,
  queueDepthAlarm: 123,
  cpuAlarmPercent: 71,
  memoryAlarmPercent: 72,
  dbFreeStorageGiB: 9,
  dbConnections: 77,
  replicaLagSeconds: 33,
  cacheEvictions: 44,
  gpuUtilisationPercent: 93,
  tritonQueueTimeMs: 250,
};

const FULL: Partial<ObservabilityArgs> = {
  alertEmail: "ops@example.com",
  loadBalancer: { arnSuffix: "app/lb/1", targetGroupArnSuffix: "targetgroup/tg/1" },
  services: [
    { role: "gateway", serviceName: "api", clusterName: "ecs" },
    { role: "worker-free", serviceName: "worker-free", clusterName: "ecs" },
  ],
  queues: [{ priority: "sprint", name: "jobs-sprint", dlqName: "jobs-sprint-dlq" }],
  database: { writerInstanceId: "db", replicaInstanceIds: ["db-r1", "db-r2"] },
  cache: { replicationGroupId: "rg", nodeCount: 2, memberIds: ["rg-a", "rg-b"] },
  inference: {
    clusterName: "eks",
    metricsNamespace: "ContainerInsights/Prometheus",
    nodeGroups: [{ role: "gpu", autoScalingGroupName: "asg-gpu" }],
  },
};

describe("the Observability component alone", () => {
  const alarms = (rs: Recorded[]) => new Map(rs.filter((r) => r.type === ALARM).map((r) => [r.name.slice("obs-".length), r.inputs]));

  it("creates only the topic, its policy, an empty dashboard and the budget when nothing is observed", async () => {
    const rs = await renderObservability({});
    expect(rs.map((r) => r.type).filter((t) => t !== "pulumi:pulumi:Stack").sort()).toEqual([
      "aws:budgets/budget:Budget",
      "aws:cloudwatch/dashboard:Dashboard",
      "aws:sns/topic:Topic",
      "aws:sns/topicPolicy:TopicPolicy",
      "platform:observability:Observability",
    ]);
    const dashboard = rs.find((r) => r.type === "aws:cloudwatch/dashboard:Dashboard")!;
    expect(json(dashboard.inputs.dashboardBody)).toEqual({ widgets: [] });
    expect(rs.find((r) => r.type === "aws:budgets/budget:Budget")!.inputs.limitAmount).toBe("1234");
  });

  it("alarms on the 5xx rate with metric math over target and ALB 5xx counts against requests", async () => {
    const a = alarms(await renderObservability(FULL)).get("gateway-alb-5xx-rate")!;
    expect(a.threshold).toBe(7);
    expect(a.metricName).toBeUndefined();
    const queries = a.metricQueries!;
    expect(queries.find((q) => q.returnData)!.expression).toBe("100 * (FILL(m1, 0) + FILL(m2, 0)) / m3");
    expect(queries.filter((q) => q.metric).map((q) => [q.id, q.metric!.metricName, q.metric!.stat, q.metric!.dimensions])).toEqual([
      ["m1", "HTTPCode_Target_5XX_Count", "Sum", { LoadBalancer: "app/lb/1" }],
      ["m2", "HTTPCode_ELB_5XX_Count", "Sum", { LoadBalancer: "app/lb/1" }],
      ["m3", "RequestCount", "Sum", { LoadBalancer: "app/lb/1" }],
    ]);
  });

  it("uses the p95 extended statistic for latency and both dimensions for unhealthy hosts", async () => {
    const all = alarms(await renderObservability(FULL));
    expect(all.get("gateway-p95-latency")).toMatchObject({ metricName: "TargetResponseTime", extendedStatistic: "p95", threshold: 3 });
    expect(all.get("gateway-p95-latency")!.statistic).toBeUndefined();
    expect(all.get("gateway-unhealthy-hosts")).toMatchObject({
      metricName: "UnHealthyHostCount",
      dimensions: { TargetGroup: "targetgroup/tg/1", LoadBalancer: "app/lb/1" },
      treatMissingData: "breaching",
    });
  });

  it("alarms per service, queue, database instance, cache member and node group, with the given thresholds", async () => {
    const all = alarms(await renderObservability(FULL));
    expect(all.get("gateway-cpu")).toMatchObject({ namespace: "AWS/ECS", metricName: "CPUUtilization", threshold: 71, dimensions: { ClusterName: "ecs", ServiceName: "api" } });
    expect(all.get("workers-free-memory")).toMatchObject({ metricName: "MemoryUtilization", threshold: 72, treatMissingData: "notBreaching" });
    expect(all.get("queues-sprint-oldest-message-age")).toMatchObject({ metricName: "ApproximateAgeOfOldestMessage", threshold: 611, dimensions: { QueueName: "jobs-sprint" } });
    expect(all.get("queues-sprint-depth")).toMatchObject({ metricName: "ApproximateNumberOfMessagesVisible", threshold: 123 });
    expect(all.get("queues-sprint-dlq-not-empty")).toMatchObject({
      metricName: "ApproximateNumberOfMessagesVisible", threshold: 0, dimensions: { QueueName: "jobs-sprint-dlq" }, evaluationPeriods: 1,
    });
    expect(all.get("database-writer-free-storage")!.threshold).toBe(9 * GIB);
    expect(all.get("database-writer-replica-lag")).toBeUndefined();
    expect(all.get("database-replica-2-replica-lag")).toMatchObject({ threshold: 33, dimensions: { DBInstanceIdentifier: "db-r2" } });
    expect(all.get("cache-node-2-evictions")).toMatchObject({ threshold: 44, dimensions: { CacheClusterId: "rg-b" } });
    expect(all.get("inference-gpu-utilisation")).toMatchObject({
      namespace: "ContainerInsights/Prometheus", metricName: "DCGM_FI_DEV_GPU_UTIL", threshold: 93, dimensions: { ClusterName: "eks" },
    });
    const triton = all.get("inference-triton-queue-time")!;
    expect(triton.threshold).toBe(250);
    expect(triton.metricQueries!.filter((q) => q.metric).map((q) => q.metric!.metricName)).toEqual([
      "nv_inference_queue_duration_us",
      "nv_inference_request_success",
    ]);
    expect(all.get("inference-gpu-nodes-status-check")).toMatchObject({
      namespace: "AWS/EC2", metricName: "StatusCheckFailed", dimensions: { AutoScalingGroupName: "asg-gpu" },
    });
    for (const [name, a] of all) {
      expect(a.alarmActions, name).toEqual(a.okActions);
      expect(a.alarmActions, name).toHaveLength(1);
    }
  });

  it("applies an alarm transform given as a partial to every alarm", async () => {
    const all = alarms(await renderObservability({ ...FULL, transform: { alarm: { actionsEnabled: false } } }));
    expect(all.size).toBeGreaterThan(0);
    for (const [name, a] of all) expect(a.actionsEnabled, name).toBe(false);
    // Merged over the arguments: the rest of each alarm is untouched.
    expect(all.get("database-writer-cpu")).toMatchObject({ threshold: 71, metricName: "CPUUtilization" });
  });

  it("applies an alarm transform given as a function, with the alarm's role and spec", async () => {
    const seen: string[] = [];
    const all = alarms(
      await renderObservability({
        ...FULL,
        transform: {
          alarm: (a, role, spec) => {
            seen.push(role);
            expect(role).toBe(`${spec.component}-${spec.what}`);
            return role === "gateway-p95-latency" ? { ...a, evaluationPeriods: 5, datapointsToAlarm: 4 } : a;
          },
        },
      }),
    );
    expect(seen.sort()).toEqual([...all.keys()].sort());
    expect(all.get("gateway-p95-latency")).toMatchObject({ evaluationPeriods: 5, datapointsToAlarm: 4 });
    const { evaluationPeriods, datapointsToAlarm } = ALARM_WINDOWS.sustained;
    expect(all.get("gateway-unhealthy-hosts")).toMatchObject({ evaluationPeriods, datapointsToAlarm });
  });

  it("subscribes the alert e-mail and gives the dashboard one section per observed component", async () => {
    const rs = await renderObservability(FULL);
    expect(rs.find((r) => r.type === "aws:sns/topicSubscription:TopicSubscription")!.inputs).toMatchObject({ protocol: "email", endpoint: "ops@example.com" });
    const body = json<{ widgets: DashboardWidget[] }>(rs.find((r) => r.type === "aws:cloudwatch/dashboard:Dashboard")!.inputs.dashboardBody);
    expect(body.widgets.filter((w) => w.type === "text").map((w) => w.properties.markdown!.split(":")[0])).toEqual([
      "## Gateway", "## Workers", "## Queues", "## Database", "## Cache", "## Inference",
    ]);
    expect(body.widgets.filter((w) => w.type === "metric")).toHaveLength(rs.filter((r) => r.type === ALARM).length);
  });
});

describe("docs/observability.md", () => {
  it("holds the alarm table generated from the alarm specs", () => {
    const chapter = fs.readFileSync(path.join(REPO_ROOT, "docs", "observability.md"), "utf8");
    expect(chapter).toContain(alarmTableMarkdown());
  });
});
