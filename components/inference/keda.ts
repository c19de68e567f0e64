/**
 * KEDA: the operator's IRSA role (reads Triton's CloudWatch metrics and the job queues' depth) and
 * the chart. Triton's ScaledObject and TriggerAuthentication (triton-scaler.ts) need its CRDs.
 */
import type * as aws from "@pulumi/aws";
import type * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ADDON_REQUESTS } from "../../sizing";
import type { PolicyStatement } from "../iam";
import type { AddonsArgs } from "./addons";
import { NAMESPACES } from "./constants";
import { type AddonOpts, createIrsaRole, helmChart, SYSTEM_SCHEDULING } from "./shared";

/** The role and the chart, in the KEDA namespace (`opts` waits for it). */
export function createKeda(
  name: string,
  args: AddonsArgs,
  opts: AddonOpts,
): { role: aws.iam.Role; chart: k8s.helm.v4.Chart } {
  const role = createIrsaRole(
    name,
    "keda",
    { ...args, namespace: NAMESPACES.keda, serviceAccount: "keda-operator", statements: kedaStatements(args) },
    opts.parent,
  );
  const chart = helmChart(
    name,
    "keda",
    NAMESPACES.keda,
    {
      // The operator's own identity reads CloudWatch and SQS (TriggerAuthentication identityOwner: keda).
      podIdentity: { aws: { irsa: { enabled: true, roleArn: role.arn } } },
      serviceAccount: { operator: { create: true, name: "keda-operator" } },
      // The chart's own defaults, restated so the graph (and the scheduling check) carries them.
      resources: {
        operator: { requests: ADDON_REQUESTS.kedaOperator },
        metricServer: { requests: ADDON_REQUESTS.kedaMetricsServer },
        webhooks: { requests: ADDON_REQUESTS.kedaWebhooks },
      },
      ...SYSTEM_SCHEDULING,
    },
    opts,
  );
  return { role, chart };
}

/** KEDA reads Triton's CloudWatch metrics (no resource-level permission exists for GetMetricData) and the job queues' depth. */
export function kedaStatements(args: { jobQueueArns: pulumi.Input<string>[] }): pulumi.Output<PolicyStatement[]> {
  return pulumi.output(args.jobQueueArns).apply((arns) => [
    { Sid: "ReadMetricsNoResourceLevelPermission", Action: ["cloudwatch:GetMetricData"], Resource: "*" },
    ...(arns.length > 0 ? [{ Sid: "ReadJobQueueDepth", Action: ["sqs:GetQueueAttributes"], Resource: arns }] : []),
  ]);
}
