/**
 * The OpenTelemetry Collector: the metrics log group its EMF records go to (CloudWatch extracts the
 * inference metrics from them), its IRSA role (write to that log group only) and the chart, whose
 * values (scrapes, processors, exporter) are built in metrics.ts.
 */
import * as aws from "@pulumi/aws";
import type * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ADDON_REQUESTS } from "../../sizing";
import type { PolicyStatement } from "../iam";
import type { AddonsArgs } from "./addons";
import { NAMESPACES, OTEL_COLLECTOR_IMAGE } from "./constants";
import { collectorValues } from "./metrics";
import { type AddonOpts, createIrsaRole, helmChart, SYSTEM_SCHEDULING } from "./shared";

/** The log group, role and chart, in the monitoring namespace (`opts` waits for it). */
export function createCollector(
  name: string,
  args: AddonsArgs,
  opts: AddonOpts,
): { logGroup: aws.cloudwatch.LogGroup; role: aws.iam.Role; chart: k8s.helm.v4.Chart } {
  const logGroup = new aws.cloudwatch.LogGroup(
    `${name}-metrics-logs`,
    {
      name: args.metricsLogGroupName,
      retentionInDays: args.context.logRetentionDays,
      kmsKeyId: args.context.kmsKeyArn,
      tags: args.tags,
    },
    { parent: opts.parent },
  );
  const role = createIrsaRole(
    name,
    "otel-collector",
    { ...args, namespace: NAMESPACES.monitoring, serviceAccount: "otel-collector", statements: collectorStatements(logGroup) },
    opts.parent,
  );
  const chart = helmChart(
    name,
    "openTelemetryCollector",
    NAMESPACES.monitoring,
    pulumi.all([role.arn]).apply(([roleArn]) => ({
      ...collectorValues({
        clusterName: args.clusterName,
        namespace: args.metricsNamespace,
        region: args.context.region,
        logGroupName: args.metricsLogGroupName,
        serviceAccountName: "otel-collector",
        roleArn,
        tritonNamespace: args.tritonNamespace,
        image: OTEL_COLLECTOR_IMAGE,
        nodeSelector: SYSTEM_SCHEDULING.nodeSelector,
      }),
      resources: { requests: ADDON_REQUESTS.collector },
    })),
    { ...opts, dependsOn: [...opts.dependsOn, logGroup] },
  );
  return { logGroup, role, chart };
}

/**
 * The collector's `awsemf` exporter writes Embedded Metric Format records with PutLogEvents to one
 * log group, and CloudWatch extracts the metrics from them: it never calls PutMetricData, so its
 * role can write only to that log group.
 */
export function collectorStatements(logGroup: aws.cloudwatch.LogGroup): pulumi.Output<PolicyStatement[]> {
  return logGroup.arn.apply((arn) => [
    {
      Sid: "WriteEmfRecordsToTheMetricsLogGroup",
      Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
      Resource: [arn, `${arn}:log-stream:*`],
    },
    {
      // The exporter checks the group exists at start-up; DescribeLogGroups has no resource-level permission.
      Sid: "FindTheLogGroup",
      Action: ["logs:DescribeLogGroups"],
      Resource: "*",
    },
  ]);
}
