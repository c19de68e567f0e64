/**
 * Alarm specs of the data layer: every RDS instance (writer and replicas) and every ElastiCache node.
 */
import type * as pulumi from "@pulumi/pulumi";
import { ALARM_WINDOWS, type ObservabilitySizing } from "../../sizing";
import type { AlarmSpec, MetricRef } from "./alarms";

/** `FreeStorageSpace` is in bytes; the tier table says GiB. */
export const BYTES_PER_GIB = 1024 ** 3;

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
  /** Nodes in the group (the cache's `sizing.nodes`), naming the members when `memberIds` is not given. */
  nodeCount: number;
}

export function databaseAlarms(db: ObservedDatabase | undefined, s: ObservabilitySizing): AlarmSpec[] {
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
  return Array.from({ length: cache.nodeCount }, (_, i) =>
    // Plain strings stay plain (tests, README); Outputs are interpolated lazily.
    typeof cache.replicationGroupId === "string"
      ? `${cache.replicationGroupId}-${String(i + 1).padStart(3, "0")}`
      : (cache.replicationGroupId as pulumi.Output<string>).apply((id) => `${id}-${String(i + 1).padStart(3, "0")}`),
  );
}

export function cacheAlarms(cache: ObservedCache | undefined, s: ObservabilitySizing): AlarmSpec[] {
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
        description: `More than ${s.cacheEvictions} keys evicted from ${node} in ${ALARM_WINDOWS.immediate.periodSeconds / 60} minutes (Celery results or sessions lost).`,
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
