/**
 * What the platform alarms on, as data: one {@link AlarmSpec} per alarm, derived from the observed
 * resources and the tier's {@link ObservabilitySizing}. The component creates a CloudWatch alarm from
 * each spec and draws the dashboard from the same list, and the README's alarm table is rendered from
 * it too (src/plan/alarm-table.ts), so the three can never disagree.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { AlarmWindow, Priority, ObservabilitySizing } from "../../sizing";

/** The component an alarm belongs to: its name segment and its dashboard section. */
export const OBSERVED_COMPONENTS = ["gateway", "workers", "queues", "database", "cache", "inference"] as const;
export type ObservedComponent = (typeof OBSERVED_COMPONENTS)[number];

/** `FreeStorageSpace` is in bytes; the tier table says GiB. */
export const BYTES_PER_GIB = 1024 ** 3;
const MICROSECONDS_PER_MILLISECOND = 1_000;

/** One CloudWatch metric, as an alarm or a dashboard widget references it. */
export interface MetricRef {
  namespace: pulumi.Input<string>;
  metricName: pulumi.Input<string>;
  dimensions: Record<string, pulumi.Input<string>>;
  /** `Average`, `Sum`, `Maximum`, or a percentile such as `p95`. */
  stat: string;
}

export type TreatMissingData = "missing" | "notBreaching" | "breaching" | "ignore";

/** One alarm, before it becomes a resource. */
export interface AlarmSpec {
  component: ObservedComponent;
  /** Kebab-case suffix: the alarm is named `<project>-<stack>-<component>-<what>`. */
  what: string;
  description: string;
  /** The metrics the alarm reads, by query id (`m1`, ...). One metric and no expression: a plain alarm. */
  metrics: Record<string, MetricRef>;
  /** Metric math over {@link metrics}; its result is compared with the threshold. */
  expression?: string;
  /** Unit of the compared value, for labels (`%`, `s`, `ms`, `bytes`, `count`). */
  unit: string;
  comparison: "GreaterThanThreshold" | "LessThanThreshold";
  threshold: number;
  /** The sizing field the threshold comes from (README table), or why it is fixed. */
  thresholdSource: keyof ObservabilitySizing | "any message" | "any failed node" | "any unhealthy target";
  /** Evaluation window (`ALARM_WINDOWS` in sizing/observability.ts). */
  window: AlarmWindow;
  treatMissingData: TreatMissingData;
  /** Why that missing-data treatment (kept with the spec so reviewers see the decision). */
  missingDataReason: string;
}

/** An ECS service to watch. */
export interface ObservedService {
  /** `gateway` or `worker-<priority>`: decides the dashboard section and the alarm names. */
  /** `worker-shared`: the one worker service of a tier with `workers.shared`. */
  role: "gateway" | `worker-${Priority | "shared"}`;
  serviceName: pulumi.Input<string>;
  clusterName: pulumi.Input<string>;
}

/** A job queue and its dead-letter queue. */
export interface ObservedQueue {
  priority: Priority;
  name: pulumi.Input<string>;
  dlqName: pulumi.Input<string>;
}

/** The public load balancer in front of the gateway. */
export interface ObservedLoadBalancer {
  /** `app/<name>/<id>`: the `LoadBalancer` dimension (aws.lb.LoadBalancer `arnSuffix`). */
  arnSuffix: pulumi.Input<string>;
  /** `targetgroup/<name>/<id>`: the `TargetGroup` dimension (aws.lb.TargetGroup `arnSuffix`). */
  targetGroupArnSuffix: pulumi.Input<string>;
}

export interface ObservedDatabase {
  /** DB instance identifier of the writer. */
  writerInstanceId: pulumi.Input<string>;
  /** DB instance identifiers of the read replicas (replica-lag alarms on each). */
  replicaInstanceIds?: pulumi.Input<string>[];
}

export interface ObservedCache {
  replicationGroupId: pulumi.Input<string>;
  /**
   * Node (cache cluster) ids: ElastiCache publishes engine metrics per node, not per group.
   * @default `<replicationGroupId>-001` … `-00<nodeCount>` (ElastiCache's naming for cluster-mode-disabled groups)
   */
  memberIds?: pulumi.Input<string>[];
  /**
   * Nodes in the group, used when `memberIds` is not given.
   * @default `1`
   */
  nodeCount?: number;
}

/** Metric names dcgm-exporter and Triton publish (the CloudWatch agent keeps Prometheus names). */
export const DEFAULT_INFERENCE_METRIC_NAMES = {
  gpuUtilisation: "DCGM_FI_DEV_GPU_UTIL",
  queueDurationUs: "nv_inference_queue_duration_us",
  requestSuccess: "nv_inference_request_success",
} as const;

export interface ObservedInference {
  /** EKS cluster name: the `ClusterName` dimension of the scraped metrics. */
  clusterName: pulumi.Input<string>;
  /** CloudWatch namespace the GPU and Triton metrics are published to (agent's Prometheus scrape). */
  metricsNamespace: pulumi.Input<string>;
  /**
   * Metric names in that namespace. Triton's two are cumulative counters that the agent turns into
   * per-period deltas, so their ratio is the average queue time per request.
   * @default {@link DEFAULT_INFERENCE_METRIC_NAMES}
   */
  metricNames?: Partial<Record<keyof typeof DEFAULT_INFERENCE_METRIC_NAMES, pulumi.Input<string>>>;
  /**
   * Node groups to watch, by role (`system`, `gpu`, ...) and their Auto Scaling group name
   * (aws.eks.NodeGroup `resources[0].autoscalingGroups[0].name`).
   * @example `[{ role: "gpu", autoScalingGroupName: gpuNodeGroup.resources[0].autoscalingGroups[0].name }]`
   */
  nodeGroups?: { role: string; autoScalingGroupName: pulumi.Input<string> }[];
}

/** Everything the alarms can watch; an absent section means no alarms (and no dashboard section) for it. */
export interface ObservedResources {
  loadBalancer?: ObservedLoadBalancer;
  services?: ObservedService[];
  queues?: ObservedQueue[];
  database?: ObservedDatabase;
  cache?: ObservedCache;
  inference?: ObservedInference;
}

/** The alarm specs for the observed resources at the given thresholds. Pure: no resources. */
export function alarmSpecs(observed: ObservedResources, s: ObservabilitySizing): AlarmSpec[] {
  return [
    ...loadBalancerAlarms(observed.loadBalancer, s),
    ...(observed.services ?? []).flatMap((svc) => serviceAlarms(svc, s)),
    ...(observed.queues ?? []).flatMap((q) => queueAlarms(q, s)),
    ...databaseAlarms(observed.database, s),
    ...cacheAlarms(observed.cache, s),
    ...inferenceAlarms(observed.inference, s),
  ];
}

const ALB = "AWS/ApplicationELB";

function loadBalancerAlarms(lb: ObservedLoadBalancer | undefined, s: ObservabilitySizing): AlarmSpec[] {
  if (!lb) return [];
  const onLb = { LoadBalancer: lb.arnSuffix };
  const onTarget = { TargetGroup: lb.targetGroupArnSuffix, LoadBalancer: lb.arnSuffix };
  const sum = (metricName: string): MetricRef => ({ namespace: ALB, metricName, dimensions: onLb, stat: "Sum" });
  return [
    {
      component: "gateway",
      what: "alb-5xx-rate",
      description: `More than ${s.http5xxRatePercent} % of API requests failed with a 5xx (from the targets or the ALB itself) over 5 minutes.`,
      metrics: { m1: sum("HTTPCode_Target_5XX_Count"), m2: sum("HTTPCode_ELB_5XX_Count"), m3: sum("RequestCount") },
      // FILL: the 5xx counters are absent (not zero) in periods without errors.
      expression: "100 * (FILL(m1, 0) + FILL(m2, 0)) / m3",
      unit: "%",
      comparison: "GreaterThanThreshold",
      threshold: s.http5xxRatePercent,
      thresholdSource: "http5xxRatePercent",
      window: "immediate",
      treatMissingData: "notBreaching",
      missingDataReason: "no requests means no ratio; an idle API is not failing (unhealthy-hosts catches a dead one)",
    },
    {
      component: "gateway",
      what: "p95-latency",
      description: `Target p95 response time above ${s.p95LatencySeconds} s.`,
      metrics: { m1: { namespace: ALB, metricName: "TargetResponseTime", dimensions: onLb, stat: "p95" } },
      unit: "s",
      comparison: "GreaterThanThreshold",
      threshold: s.p95LatencySeconds,
      thresholdSource: "p95LatencySeconds",
      window: "sustained",
      treatMissingData: "notBreaching",
      missingDataReason: "the ALB publishes no latency without requests; silence is not slowness",
    },
    {
      component: "gateway",
      what: "unhealthy-hosts",
      description: "At least one gateway task fails its ALB health check.",
      metrics: { m1: { namespace: ALB, metricName: "UnHealthyHostCount", dimensions: onTarget, stat: "Maximum" } },
      unit: "count",
      comparison: "GreaterThanThreshold",
      threshold: 0,
      thresholdSource: "any unhealthy target",
      window: "sustained",
      treatMissingData: "breaching",
      missingDataReason: "the gateway never scales to zero, so a target group without datapoints has lost every task",
    },
  ];
}

function serviceAlarms(svc: ObservedService, s: ObservabilitySizing): AlarmSpec[] {
  const isGateway = svc.role === "gateway";
  const component: ObservedComponent = isGateway ? "gateway" : "workers";
  const prefix = isGateway ? "" : `${svc.role.replace(/^worker-/, "")}-`;
  const dims = { ClusterName: svc.clusterName, ServiceName: svc.serviceName };
  const missing = isGateway
    ? { treatMissingData: "missing" as const, missingDataReason: "keep the last state: the ALB alarms own outages of the gateway" }
    : { treatMissingData: "notBreaching" as const, missingDataReason: "workers scale to zero when their queue is empty: no tasks, no datapoints" };
  return (
    [
      ["cpu", "CPUUtilization", s.cpuAlarmPercent, "cpuAlarmPercent"],
      ["memory", "MemoryUtilization", s.memoryAlarmPercent, "memoryAlarmPercent"],
    ] as const
  ).map(([what, metricName, threshold, source]) => ({
    component,
    what: `${prefix}${what}`,
    description: `${svc.role} service average ${what} above ${threshold} %: autoscaling is at its maximum or a task is stuck.`,
    metrics: { m1: { namespace: "AWS/ECS", metricName, dimensions: dims, stat: "Average" } },
    unit: "%",
    comparison: "GreaterThanThreshold",
    threshold,
    thresholdSource: source,
    window: "sustained",
    ...missing,
  }));
}

function queueAlarms(q: ObservedQueue, s: ObservabilitySizing): AlarmSpec[] {
  const sqs = (queueName: pulumi.Input<string>, metricName: string, stat: string): MetricRef => ({
    namespace: "AWS/SQS",
    metricName,
    dimensions: { QueueName: queueName },
    stat,
  });
  const idle = "SQS stops publishing for queues idle for hours; an idle queue is an empty one";
  return [
    {
      component: "queues",
      what: `${q.priority}-oldest-message-age`,
      description: `A ${q.priority} job has waited more than ${s.queueOldestMessageAgeSeconds} s: workers are not keeping up or not running.`,
      metrics: { m1: sqs(q.name, "ApproximateAgeOfOldestMessage", "Maximum") },
      unit: "s",
      comparison: "GreaterThanThreshold",
      threshold: s.queueOldestMessageAgeSeconds,
      thresholdSource: "queueOldestMessageAgeSeconds",
      window: "sustained",
      treatMissingData: "notBreaching",
      missingDataReason: idle,
    },
    {
      component: "queues",
      what: `${q.priority}-depth`,
      description: `More than ${s.queueDepthAlarm} ${q.priority} jobs are waiting.`,
      metrics: { m1: sqs(q.name, "ApproximateNumberOfMessagesVisible", "Maximum") },
      unit: "count",
      comparison: "GreaterThanThreshold",
      threshold: s.queueDepthAlarm,
      thresholdSource: "queueDepthAlarm",
      window: "sustained",
      treatMissingData: "notBreaching",
      missingDataReason: idle,
    },
    {
      component: "queues",
      what: `${q.priority}-dlq-not-empty`,
      description: `A ${q.priority} job failed every delivery and sits in the dead-letter queue (see docs/runbooks.md, "Redriving a DLQ").`,
      metrics: { m1: sqs(q.dlqName, "ApproximateNumberOfMessagesVisible", "Maximum") },
      unit: "count",
      comparison: "GreaterThanThreshold",
      threshold: 0,
      thresholdSource: "any message",
      window: "immediate",
      treatMissingData: "notBreaching",
      missingDataReason: "a DLQ nobody writes to goes quiet; only a visible message is news",
    },
  ];
}

function databaseAlarms(db: ObservedDatabase | undefined, s: ObservabilitySizing): AlarmSpec[] {
  if (!db) return [];
  const instances: { key: string; id: pulumi.Input<string>; replica: boolean }[] = [
    { key: "writer", id: db.writerInstanceId, replica: false },
    ...(db.replicaInstanceIds ?? []).map((id, i) => ({ key: `replica-${i + 1}`, id, replica: true })),
  ];
  return instances.flatMap(({ key, id, replica }) => {
    const rds = (metricName: string): MetricRef => ({
      namespace: "AWS/RDS",
      metricName,
      dimensions: { DBInstanceIdentifier: id },
      stat: metricName === "FreeStorageSpace" ? "Minimum" : "Average",
    });
    const specs: AlarmSpec[] = [
      {
        component: "database",
        what: `${key}-cpu`,
        description: `PostgreSQL ${key} CPU above ${s.cpuAlarmPercent} %.`,
        metrics: { m1: rds("CPUUtilization") },
        unit: "%",
        comparison: "GreaterThanThreshold",
        threshold: s.cpuAlarmPercent,
        thresholdSource: "cpuAlarmPercent",
        window: "sustained",
        treatMissingData: "missing",
        missingDataReason: "RDS publishes every minute; a gap is a CloudWatch delay more often than an outage, so keep the state",
      },
      {
        component: "database",
        what: `${key}-free-storage`,
        description: `PostgreSQL ${key} has less than ${s.dbFreeStorageGiB} GiB free (storage autoscaling has hit its ceiling).`,
        metrics: { m1: rds("FreeStorageSpace") },
        unit: "bytes",
        comparison: "LessThanThreshold",
        threshold: s.dbFreeStorageGiB * BYTES_PER_GIB,
        thresholdSource: "dbFreeStorageGiB",
        window: "sustained",
        treatMissingData: "breaching",
        missingDataReason: "an always-on instance that stops reporting storage is down or stuck; page rather than wait",
      },
      {
        component: "database",
        what: `${key}-connections`,
        description: `PostgreSQL ${key} holds more than ${s.dbConnections} connections (pool leak or too many tasks).`,
        metrics: { m1: rds("DatabaseConnections") },
        unit: "count",
        comparison: "GreaterThanThreshold",
        threshold: s.dbConnections,
        thresholdSource: "dbConnections",
        window: "sustained",
        treatMissingData: "missing",
        missingDataReason: "same as CPU: keep the state through publishing gaps",
      },
    ];
    if (replica) {
      specs.push({
        component: "database",
        what: `${key}-replica-lag`,
        description: `Read ${key} lags the writer by more than ${s.replicaLagSeconds} s: reads are stale.`,
        metrics: { m1: rds("ReplicaLag") },
        unit: "s",
        comparison: "GreaterThanThreshold",
        threshold: s.replicaLagSeconds,
        thresholdSource: "replicaLagSeconds",
        window: "sustained",
        treatMissingData: "breaching",
        missingDataReason: "a replica without a lag figure is not replicating",
      });
    }
    return specs;
  });
}

/** Node ids of a cluster-mode-disabled replication group, as ElastiCache names them. */
export function cacheMemberIds(cache: ObservedCache): pulumi.Input<string>[] {
  if (cache.memberIds) return cache.memberIds;
  const count = cache.nodeCount ?? 1;
  return Array.from({ length: count }, (_, i) =>
    // Plain strings stay plain (tests, README); Outputs are interpolated lazily.
    typeof cache.replicationGroupId === "string"
      ? `${cache.replicationGroupId}-${String(i + 1).padStart(3, "0")}`
      : (cache.replicationGroupId as pulumi.Output<string>).apply((id) => `${id}-${String(i + 1).padStart(3, "0")}`),
  );
}

function cacheAlarms(cache: ObservedCache | undefined, s: ObservabilitySizing): AlarmSpec[] {
  if (!cache) return [];
  return cacheMemberIds(cache).flatMap((nodeId, i): AlarmSpec[] => {
    const node = `node-${i + 1}`;
    const redis = (metricName: string, stat: string): MetricRef => ({
      namespace: "AWS/ElastiCache",
      metricName,
      dimensions: { CacheClusterId: nodeId },
      stat,
    });
    const keep = "ElastiCache publishes every minute; keep the state through gaps";
    return [
      {
        component: "cache",
        what: `${node}-engine-cpu`,
        description: `Redis engine thread (single-threaded) on ${node} above ${s.cpuAlarmPercent} %.`,
        metrics: { m1: redis("EngineCPUUtilization", "Average") },
        unit: "%",
        comparison: "GreaterThanThreshold",
        threshold: s.cpuAlarmPercent,
        thresholdSource: "cpuAlarmPercent",
        window: "sustained",
        treatMissingData: "missing",
        missingDataReason: keep,
      },
      {
        component: "cache",
        what: `${node}-memory`,
        description: `Redis memory on ${node} above ${s.memoryAlarmPercent} % of maxmemory: evictions follow.`,
        metrics: { m1: redis("DatabaseMemoryUsagePercentage", "Maximum") },
        unit: "%",
        comparison: "GreaterThanThreshold",
        threshold: s.memoryAlarmPercent,
        thresholdSource: "memoryAlarmPercent",
        window: "sustained",
        treatMissingData: "missing",
        missingDataReason: keep,
      },
      {
        component: "cache",
        what: `${node}-evictions`,
        description: `More than ${s.cacheEvictions} keys evicted from ${node} in 5 minutes (Celery results or sessions lost).`,
        metrics: { m1: redis("Evictions", "Sum") },
        unit: "count",
        comparison: "GreaterThanThreshold",
        threshold: s.cacheEvictions,
        thresholdSource: "cacheEvictions",
        window: "sustained",
        treatMissingData: "notBreaching",
        missingDataReason: "no eviction datapoints means nothing was evicted",
      },
    ];
  });
}

function inferenceAlarms(inf: ObservedInference | undefined, s: ObservabilitySizing): AlarmSpec[] {
  if (!inf) return [];
  const names = { ...DEFAULT_INFERENCE_METRIC_NAMES, ...inf.metricNames };
  const scraped = (metricName: pulumi.Input<string>, stat: string): MetricRef => ({
    namespace: inf.metricsNamespace,
    metricName,
    dimensions: { ClusterName: inf.clusterName },
    stat,
  });
  const gpuFleetMayBeEmpty = "GPU nodes scale to zero in the small tiers: no pods, no datapoints";
  return [
    {
      component: "inference",
      what: "gpu-utilisation",
      description: `Average GPU utilisation above ${s.gpuUtilisationPercent} %: Triton is at its replica ceiling or the GPUs are saturated.`,
      metrics: { m1: scraped(names.gpuUtilisation, "Average") },
      unit: "%",
      comparison: "GreaterThanThreshold",
      threshold: s.gpuUtilisationPercent,
      thresholdSource: "gpuUtilisationPercent",
      window: "sustained",
      treatMissingData: "notBreaching",
      missingDataReason: gpuFleetMayBeEmpty,
    },
    {
      component: "inference",
      what: "triton-queue-time",
      description: `Triton requests wait more than ${s.tritonQueueTimeMs} ms on average in the scheduler queue.`,
      metrics: { m1: scraped(names.queueDurationUs, "Sum"), m2: scraped(names.requestSuccess, "Sum") },
      // Average queue time per request in ms: queued microseconds over requests served in the period.
      expression: `IF(m2 > 0, m1 / m2 / ${MICROSECONDS_PER_MILLISECOND}, 0)`,
      unit: "ms",
      comparison: "GreaterThanThreshold",
      threshold: s.tritonQueueTimeMs,
      thresholdSource: "tritonQueueTimeMs",
      window: "sustained",
      treatMissingData: "notBreaching",
      missingDataReason: gpuFleetMayBeEmpty,
    },
    // Node health from AWS/EC2 StatusCheckFailed aggregated by Auto Scaling group: EC2 publishes it
    // for every instance with basic monitoring, so it needs no agent (Container Insights'
    // cluster_failed_node_count needs the CloudWatch agent) and no opt-in (the ASG's own
    // GroupInServiceInstances needs group-metrics collection, which EKS does not enable).
    ...(inf.nodeGroups ?? []).map(
      (ng): AlarmSpec => ({
        component: "inference",
        what: `${ng.role}-nodes-status-check`,
        description: `A ${ng.role} node fails its EC2 status checks (hardware, network or kernel): pods on it are unreachable.`,
        metrics: {
          m1: { namespace: "AWS/EC2", metricName: "StatusCheckFailed", dimensions: { AutoScalingGroupName: ng.autoScalingGroupName }, stat: "Maximum" },
        },
        unit: "count",
        comparison: "GreaterThanThreshold",
        threshold: 0,
        thresholdSource: "any failed node",
        window: "immediate",
        treatMissingData: "notBreaching",
        missingDataReason: "a node group at zero nodes publishes nothing, which is healthy",
      }),
    ),
  ];
}
