/**
 * Alarm specs of the request path: the gateway's load balancer and ECS services (gateway and
 * workers), and the job queues with their dead-letter queues.
 */
import type * as pulumi from "@pulumi/pulumi";
import { ALARM_WINDOWS, type ObservabilitySizing, type Priority } from "../../sizing";
import type { AlarmSpec, MetricRef, ObservedComponent } from "./alarms";

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

const ALB = "AWS/ApplicationELB";

export function loadBalancerAlarms(lb: ObservedLoadBalancer | undefined, s: ObservabilitySizing): AlarmSpec[] {
  if (!lb) return [];
  const onLb = { LoadBalancer: lb.arnSuffix };
  const onTarget = { TargetGroup: lb.targetGroupArnSuffix, LoadBalancer: lb.arnSuffix };
  const sum = (metricName: string): MetricRef => ({ namespace: ALB, metricName, dimensions: onLb, stat: "Sum" });
  return [
    {
      component: "gateway",
      what: "alb-5xx-rate",
      description: `More than ${s.http5xxRatePercent} % of API requests failed with a 5xx (from the targets or the ALB itself) over ${ALARM_WINDOWS.immediate.periodSeconds / 60} minutes.`,
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

export function serviceAlarms(svc: ObservedService, s: ObservabilitySizing): AlarmSpec[] {
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

export function queueAlarms(q: ObservedQueue, s: ObservabilitySizing): AlarmSpec[] {
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
