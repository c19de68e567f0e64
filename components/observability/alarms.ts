/**
 * What the platform alarms on, as data: one {@link AlarmSpec} per alarm, derived from the observed
 * resources and the tier's {@link ObservabilitySizing}. The component creates a CloudWatch alarm from
 * each spec and draws the dashboard from the same list, and the README's alarm table is rendered from
 * it too (src/plan/alarm-table.ts), so the three can never disagree. The specs of each part of the
 * platform are in alarms-services.ts (gateway, workers, queues), alarms-data.ts (database, cache)
 * and alarms-inference.ts.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { AlarmWindow, ObservabilitySizing } from "../../sizing";
import { cacheAlarms, databaseAlarms, type ObservedCache, type ObservedDatabase } from "./alarms-data";
import { inferenceAlarms, type ObservedInference } from "./alarms-inference";
import {
  loadBalancerAlarms,
  type ObservedLoadBalancer,
  type ObservedQueue,
  type ObservedService,
  queueAlarms,
  serviceAlarms,
} from "./alarms-services";

export { BYTES_PER_GIB, cacheMemberIds, type ObservedCache, type ObservedDatabase } from "./alarms-data";
export { DEFAULT_INFERENCE_METRIC_NAMES, type ObservedInference } from "./alarms-inference";
export { type ObservedLoadBalancer, type ObservedQueue, type ObservedService } from "./alarms-services";

/** The component an alarm belongs to: its name segment and its dashboard section. */
export const OBSERVED_COMPONENTS = ["gateway", "workers", "queues", "database", "cache", "inference"] as const;
export type ObservedComponent = (typeof OBSERVED_COMPONENTS)[number];

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

/** Everything the alarms can watch; an absent section means no alarms (and no dashboard section) for it. */
export interface ObservedResources {
  /**
   * The public load balancer: 5xx rate, p95 latency and unhealthy-target alarms (`Gateway.observedLoadBalancer`).
   * @default - no load balancer alarms
   */
  loadBalancer?: ObservedLoadBalancer;
  /**
   * ECS services, each with its role: CPU and memory alarms on each (`Gateway.observedService`,
   * `Workers.observedServices`).
   * @default - no service alarms
   */
  services?: ObservedService[];
  /**
   * Job queues with their dead-letter queues: oldest-message age, depth and DLQ-not-empty alarms (`JobQueues.alarmQueues`).
   * @default - no queue alarms
   */
  queues?: ObservedQueue[];
  /**
   * The RDS writer and replicas: CPU, free storage, connections and replica lag (`Database.observedInstances`).
   * @default - no database alarms
   */
  database?: ObservedDatabase;
  /**
   * The ElastiCache replication group: engine CPU, memory and evictions per node (`Cache.observed`).
   * @default - no cache alarms
   */
  cache?: ObservedCache;
  /**
   * GPU utilisation, Triton queue time and each node group's status checks (`Inference.observed`).
   * @default - no inference alarms
   */
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
