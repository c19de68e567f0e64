/**
 * The KEDA objects that scale Triton: a TriggerAuthentication (KEDA's operator authenticates with its own
 * IRSA role) and the ScaledObject whose triggers are Triton's queue time and GPU utilisation (CloudWatch)
 * and, to wake it from zero, the job and wake queues' backlog (SQS), plus a cron trigger per warm window.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import {
  KEDA_POLLING_INTERVAL_SECONDS,
  METRICS_COLLECTION_SECONDS,
  METRICS_PERIOD_SECONDS,
  type TritonSizing,
  WARM_WINDOW_REPLICAS,
  warmWindowCrons,
} from "../../sizing";
import type { StackContext } from "../component";
import { INFERENCE_METRICS, METRICS_DIMENSION, queueTimeExpression } from "./metrics";

/** A job queue whose backlog means Triton is about to be needed. */
export interface WakeQueue {
  url: pulumi.Input<string>;
  /** Visible messages per Triton replica (KEDA target); any message at all wakes Triton from zero. */
  backlogPerReplica: number;
}

export interface TritonScalerArgs {
  /** The stack: its region (KEDA's triggers). */
  context: StackContext;
  clusterName: string;
  sizing: TritonSizing;
  metricsNamespace: string;
  wakeQueues: WakeQueue[];
  /** Name, namespace and labels of one of Triton's objects. */
  metadata: (role: string) => { name: string; namespace: string; labels: Record<string, string> };
}

/** KEDA's TriggerAuthentication (after Triton's namespace) and the ScaledObject (after its Deployment too). */
export function createTritonScaler(
  name: string,
  args: TritonScalerArgs,
  opts: { parent: pulumi.Resource; provider: k8s.Provider },
  deps: { namespace: k8s.core.v1.Namespace; deployment: k8s.apps.v1.Deployment },
): { triggerAuthentication: k8s.apiextensions.CustomResource; scaledObject: k8s.apiextensions.CustomResource } {
  const triggerAuthentication = createTriggerAuthentication();
  const scaledObject = createScaledObject(triggerAuthentication);
  return { triggerAuthentication, scaledObject };

  /** KEDA's operator uses its own IRSA role (set on its service account by the chart). */
  function createTriggerAuthentication(): k8s.apiextensions.CustomResource {
    return new k8s.apiextensions.CustomResource(
      `${name}-triton-keda-auth`,
      {
        apiVersion: "keda.sh/v1alpha1",
        kind: "TriggerAuthentication",
        metadata: args.metadata("triton-aws"),
        spec: { podIdentity: { provider: "aws", identityOwner: "keda" } },
      },
      { ...opts, dependsOn: [deps.namespace] },
    );
  }

  function createScaledObject(triggerAuthentication: k8s.apiextensions.CustomResource): k8s.apiextensions.CustomResource {
    const authenticationRef = { name: "triton-aws" };
    const cloudWatch = (metadataFields: Record<string, string>) => ({
      type: "aws-cloudwatch",
      // The metric is already an average per request / per GPU: compare it to the target as is,
      // not divided by the replica count.
      metricType: "Value",
      authenticationRef,
      metadata: {
        awsRegion: args.context.region,
        metricCollectionTime: String(METRICS_COLLECTION_SECONDS),
        metricStatPeriod: String(METRICS_PERIOD_SECONDS),
        // No data (no traffic, or no replica running) reads as 0, i.e. "no demand".
        minMetricValue: "0",
        ...metadataFields,
      },
    });
    return new k8s.apiextensions.CustomResource(
      `${name}-triton-scaler`,
      {
        apiVersion: "keda.sh/v1alpha1",
        kind: "ScaledObject",
        metadata: args.metadata("triton"),
        spec: {
          scaleTargetRef: { name: "triton" },
          minReplicaCount: args.sizing.minReplicas,
          maxReplicaCount: args.sizing.maxReplicas,
          cooldownPeriod: args.sizing.cooldownSeconds,
          pollingInterval: KEDA_POLLING_INTERVAL_SECONDS,
          triggers: pulumi.all(args.wakeQueues.map((q) => q.url)).apply((urls) => [
            cloudWatch({
              namespace: args.metricsNamespace,
              expression: queueTimeExpression(args.metricsNamespace, args.clusterName, METRICS_PERIOD_SECONDS),
              targetMetricValue: String(args.sizing.queueTimeTargetUs),
            }),
            cloudWatch({
              namespace: args.metricsNamespace,
              metricName: INFERENCE_METRICS.gpuUtilisation,
              dimensionName: METRICS_DIMENSION,
              dimensionValue: args.clusterName,
              metricStat: "Average",
              targetMetricValue: String(args.sizing.gpuUtilisationTargetPercent),
            }),
            // Wake from zero: a job waiting in a queue means a worker is about to call Triton, and
            // Triton's own metrics cannot wake it (no replica, no metrics).
            ...urls.map((url, i) => ({
              type: "aws-sqs-queue",
              authenticationRef,
              metadata: {
                queueURL: url,
                awsRegion: args.context.region,
                queueLength: String(args.wakeQueues[i].backlogPerReplica),
                activationQueueLength: "0",
              },
            })),
            // Warm windows (sizing/warm-windows.ts): one replica up on a weekly schedule while the
            // minimum is 0 (KEDA docs, Scalers > Cron: timezone, start, end, desiredReplicas).
            ...args.sizing.warmWindows.flatMap((w) =>
              warmWindowCrons(w).map((schedule) => ({
                type: "cron",
                metadata: { timezone: w.timezone, ...schedule, desiredReplicas: String(WARM_WINDOW_REPLICAS) },
              })),
            ),
          ]),
        },
      },
      { ...opts, dependsOn: [deps.namespace, deps.deployment, triggerAuthentication] },
    );
  }
}
