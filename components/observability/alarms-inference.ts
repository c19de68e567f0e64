/**
 * Alarm specs of GPU inference: GPU utilisation and Triton's queue time from the scraped metrics,
 * and EC2 status checks of every EKS node group.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { ObservabilitySizing } from "../../sizing";
import type { AlarmSpec, MetricRef } from "./alarms";

const MICROSECONDS_PER_MILLISECOND = 1_000;

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

export function inferenceAlarms(inf: ObservedInference | undefined, s: ObservabilitySizing): AlarmSpec[] {
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
