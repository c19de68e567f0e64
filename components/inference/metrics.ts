/**
 * The inference metrics path, as data: which Prometheus series the OpenTelemetry Collector keeps
 * from Triton (:8002) and dcgm-exporter (:9400), and how they land in CloudWatch. KEDA, the alarms
 * and the dashboard all read these names, so they are defined once here and exported.
 */
import { COLLECTOR_REPLICAS, METRICS_SCRAPE_INTERVAL, PORTS } from "../../sizing";
import { NAMESPACES } from "./constants";

/**
 * The metrics kept (each custom CloudWatch metric costs $0.30/month, so 6 metrics × one dimension
 * set = $1.80/month). Triton's counters are cumulative; the `awsemf` exporter sends the delta of
 * each scrape, so a CloudWatch `Sum` over a period is the increase over that period.
 */
export const INFERENCE_METRICS = {
  /** Microseconds requests spent queued (Triton counter). Queue time per request = Sum(this) / Sum(requestSuccess). */
  queueDurationUs: "nv_inference_queue_duration_us",
  /** Successful inference requests (Triton counter). */
  requestSuccess: "nv_inference_request_success",
  /** Failed inference requests (Triton counter). */
  requestFailure: "nv_inference_request_failure",
  /** Microseconds spent computing (Triton counter); with requestSuccess, the model's own latency. */
  computeInferDurationUs: "nv_inference_compute_infer_duration_us",
  /** GPU utilisation in percent (dcgm-exporter gauge). */
  gpuUtilisation: "DCGM_FI_DEV_GPU_UTIL",
  /** GPU framebuffer memory used in MiB (dcgm-exporter gauge). */
  gpuMemoryUsedMiB: "DCGM_FI_DEV_FB_USED",
} as const;
export type InferenceMetricNames = typeof INFERENCE_METRICS;

/** The only CloudWatch dimension: per-pod or per-GPU dimensions would multiply the metric count (and price). */
export const METRICS_DIMENSION = "ClusterName";

/** `<project>/<stack>/Inference`. */
export function metricsNamespaceFor(project: string, stack: string): string {
  return `${project}/${stack}/Inference`;
}

/**
 * A single CloudWatch metric-math expression for Triton's average queue time per request
 * (microseconds) over the last period: queue-time delta / request delta, summed across pods.
 * One expression, so KEDA's `aws-cloudwatch` scaler can read it as one query. The namespace is
 * double-quoted in the schema: CloudWatch requires it for names with non-alphanumeric characters
 * (`<project>/<stack>/Inference` has `-` and `/`; docs: "CloudWatch search expression syntax").
 */
export function queueTimeExpression(namespace: string, clusterName: string, periodSeconds: number): string {
  const search = (metric: string) =>
    `SEARCH('{"${namespace}",${METRICS_DIMENSION}} MetricName="${metric}" ${METRICS_DIMENSION}="${clusterName}"', 'Sum', ${periodSeconds})`;
  return `SUM(${search(INFERENCE_METRICS.queueDurationUs)}) / SUM(${search(INFERENCE_METRICS.requestSuccess)})`;
}

/**
 * Labels that tell one series from another, kept on every data point although only
 * {@link METRICS_DIMENSION} becomes a CloudWatch dimension (the others are plain EMF fields, free of
 * metric charges). awsemf turns each cumulative counter into a delta keyed by metric name and
 * data-point labels only: two pods, two models or two GPUs left with the same labels would share one
 * key and produce garbage deltas (negative steps reported as raw counter values).
 * `pod`: the scraped pod; `model`/`version`: Triton's per-model counters; `gpu`: dcgm-exporter's GPU index.
 */
export const SERIES_LABELS = ["pod", "model", "version", "gpu"] as const;

/** Helm values of the collector: prometheus receiver → filter → awsemf exporter. */
export function collectorValues(args: {
  clusterName: string;
  namespace: string;
  region: string;
  logGroupName: string;
  serviceAccountName: string;
  roleArn: string;
  tritonNamespace: string;
  image: { repository: string; tag: string };
  nodeSelector: Record<string, string>;
}): Record<string, unknown> {
  const kept = Object.values(INFERENCE_METRICS).join("|");
  const scrapeJob = (job: string, namespace: string, port: number) => ({
    job_name: job,
    scrape_interval: METRICS_SCRAPE_INTERVAL,
    kubernetes_sd_configs: [{ role: "pod", namespaces: { names: [namespace] } }],
    relabel_configs: [
      // Only the metrics port of each pod; the label value carries the port as a string.
      { source_labels: ["__meta_kubernetes_pod_container_port_number"], regex: String(port), action: "keep" },
      { target_label: METRICS_DIMENSION, replacement: args.clusterName },
      // The receiver moves `job`/`instance` into resource attributes, which awsemf ignores: the pod
      // must be a data-point label of its own (see SERIES_LABELS).
      { source_labels: ["__meta_kubernetes_pod_name"], target_label: "pod" },
    ],
    metric_relabel_configs: [
      { source_labels: ["__name__"], regex: `(${kept})`, action: "keep" },
      // Everything else (driver version, PCI id, hostname, ...) would only bloat the EMF records.
      { regex: `^(__name__|${METRICS_DIMENSION}|${SERIES_LABELS.join("|")})$`, action: "labelkeep" },
    ],
  });
  return {
    mode: "deployment",
    replicaCount: COLLECTOR_REPLICAS,
    image: args.image,
    nodeSelector: args.nodeSelector,
    serviceAccount: {
      create: true,
      name: args.serviceAccountName,
      annotations: { "eks.amazonaws.com/role-arn": args.roleArn },
    },
    // Service discovery lists pods in the Triton and monitoring namespaces.
    clusterRole: {
      create: true,
      rules: [{ apiGroups: [""], resources: ["pods", "endpoints", "services"], verbs: ["get", "list", "watch"] }],
    },
    presets: { kubernetesAttributes: { enabled: false } },
    config: {
      receivers: {
        // The chart's default receivers are replaced: only Prometheus scraping is needed.
        jaeger: null,
        zipkin: null,
        otlp: null,
        prometheus: {
          config: {
            scrape_configs: [
              scrapeJob("triton", args.tritonNamespace, PORTS.tritonMetrics),
              scrapeJob("dcgm-exporter", NAMESPACES.monitoring, PORTS.dcgmMetrics),
            ],
          },
        },
      },
      processors: { batch: {} },
      exporters: {
        awsemf: {
          region: args.region,
          namespace: args.namespace,
          log_group_name: args.logGroupName,
          log_stream_name: "otel-collector",
          dimension_rollup_option: "NoDimensionRollup",
          metric_declarations: [
            { dimensions: [[METRICS_DIMENSION]], metric_name_selectors: Object.values(INFERENCE_METRICS) },
          ],
        },
      },
      service: {
        pipelines: {
          traces: null,
          logs: null,
          metrics: { receivers: ["prometheus"], processors: ["batch"], exporters: ["awsemf"] },
        },
      },
    },
  };
}
