/**
 * Owns the Celery workers' autoscaling, all of it (a change to how workers scale touches this file
 * only): the scale-out rule as data (thresholds and steps, CDK `aws-ecs-patterns`
 * QueueProcessingServiceBase's `scalingSteps` shape), the sizing of a service that consumes several
 * priorities, the backlog metric math, the step-scaling policies and alarms (including scale-to-zero
 * and waking from it), and a fleet's backlog as a size for Triton's wake trigger.
 */
import * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import { NAME_LIMITS, SERVICES, WORKER_BACKLOG_STEPS, WORKER_SCALING, type WorkerPrioritySizing } from "../../sizing";
import { physicalName, type StackContext } from "../component";
import type { FargateCluster } from "./cluster";
import { createServiceScalableTarget } from "./service";

/** One step of a step-scaling policy, in absolute visible-message counts (upper bound exclusive). */
export interface BacklogStep {
  fromMessages: number;
  toMessages?: number;
  change: number;
}

/**
 * The scale-out rule of one priority, as data (tested on its own): the alarm fires at `threshold`
 * visible messages and the steps add tasks by backlog size — one above `backlogPerTask`, a large
 * step above `largeBacklogMultiple` times it (the CDK queue-processing pattern's shape).
 *
 * A service allowed to sit at zero tasks wakes at the FIRST visible message: with nobody consuming,
 * waiting for `backlogPerTask` messages could leave a job queued forever.
 */
export function backlogScaleOut(p: Pick<WorkerPrioritySizing, "minTasks" | "backlogPerTask">): {
  threshold: number;
  steps: BacklogStep[];
} {
  const large = p.backlogPerTask * WORKER_SCALING.largeBacklogMultiple;
  const threshold = p.minTasks === 0 ? WORKER_BACKLOG_STEPS.wakeAtMessages : p.backlogPerTask;
  return {
    threshold,
    steps: [
      { fromMessages: threshold, toMessages: large, change: WORKER_BACKLOG_STEPS.firstStepChange },
      { fromMessages: large, change: WORKER_SCALING.largeStepChange },
    ],
  };
}

export interface BacklogScalingArgs {
  /** The stack: identity (names, tags), region, account, KMS key and log retention. */
  context: StackContext;
  /** The worker service's key (a priority, or `shared`): alarm names and descriptions. */
  key: string;
  /** Its scaling bounds and backlog per task (combined with {@link combinePriorities} for a shared worker). */
  sizing: WorkerPrioritySizing;
  /** Names of the queues it consumes; its backlog is their sum. */
  queueNames: pulumi.Input<string>[];
  /** The shared cluster (the scalable target's resource id). */
  cluster: FargateCluster;
  /** The ECS service whose task count scales. */
  service: aws.ecs.Service;
}

/** A worker service's scaling pieces. */
export interface BacklogScaling {
  scalingTarget: aws.appautoscaling.Target;
  scaleOutAlarm: aws.cloudwatch.MetricAlarm;
  scaleInAlarm: aws.cloudwatch.MetricAlarm;
}

/**
 * Step scaling on a worker service's queue backlog, children named `${prefix}-...` under `parent`.
 * Target tracking on a per-task metric cannot leave zero (with no task there is no per-task value to
 * track, and target tracking never scales out from 0 on an empty denominator), so a zero-task
 * service would never wake; an alarm on the queue itself can. Scale-in waits
 * until the queues are completely idle (nothing visible AND nothing in flight), so no worker is
 * stopped in the middle of a job.
 */
export function createBacklogScaling(prefix: string, args: BacklogScalingArgs, parent: pulumi.Resource): BacklogScaling {
  const priority = args.key;
  const p = args.sizing;
  const queues = args.queueNames.map((name) => ({ name }));
  const tags = args.context.identity.tags;
  const child = (what: string) => `${prefix}-${what}`;
  const scalingTarget = createServiceScalableTarget(
    child("scaling-target"),
    { cluster: args.cluster, service: args.service, minTasks: p.minTasks, maxTasks: p.maxTasks },
    parent,
  );
  const target = {
    resourceId: scalingTarget.resourceId,
    scalableDimension: scalingTarget.scalableDimension,
    serviceNamespace: scalingTarget.serviceNamespace,
  };
  const rule = backlogScaleOut(p);
  const scaleOut = new aws.appautoscaling.Policy(
    child("scale-out"),
    {
      policyType: "StepScaling",
      ...target,
      stepScalingPolicyConfiguration: {
        adjustmentType: "ChangeInCapacity",
        cooldown: SERVICES.scaleOutCooldownSeconds,
        metricAggregationType: "Maximum",
        // Step bounds are relative to the alarm threshold.
        stepAdjustments: rule.steps.map((s) => ({
          metricIntervalLowerBound: String(s.fromMessages - rule.threshold),
          metricIntervalUpperBound: s.toMessages === undefined ? undefined : String(s.toMessages - rule.threshold),
          scalingAdjustment: s.change,
        })),
      },
    },
    { parent },
  );
  const scaleIn = new aws.appautoscaling.Policy(
    child("scale-in"),
    {
      policyType: "StepScaling",
      ...target,
      stepScalingPolicyConfiguration: {
        // Idle means no job is running either, so going straight to the minimum stops nothing.
        adjustmentType: "ExactCapacity",
        cooldown: SERVICES.scaleInCooldownSeconds,
        metricAggregationType: "Maximum",
        stepAdjustments: [{ metricIntervalUpperBound: "0", scalingAdjustment: p.minTasks }],
      },
    },
    { parent },
  );
  // One queue: the metric itself. Several (a shared worker): their sum, by metric math.
  const single = queues.length === 1;
  const visibleSum: Pick<aws.cloudwatch.MetricAlarmArgs, "namespace" | "metricName" | "dimensions" | "statistic" | "period" | "metricQueries"> = single
    ? {
        namespace: "AWS/SQS",
        metricName: "ApproximateNumberOfMessagesVisible",
        dimensions: { QueueName: queues[0].name },
        statistic: "Maximum",
        period: WORKER_SCALING.periodSeconds,
      }
    : {
        metricQueries: [
          ...queues.map((q, i) => sqsMetric(`visible${i}`, "ApproximateNumberOfMessagesVisible", q.name)),
          { id: "backlog", expression: `SUM([${queues.map((_, i) => `FILL(visible${i}, 0)`).join(", ")}])`, label: "Jobs waiting in its queues", returnData: true },
        ],
      };
  const scaleOutAlarm = new aws.cloudwatch.MetricAlarm(
    child("backlog-high"),
    {
      name: physicalName(args.context.identity, `workers-${priority}-backlog-high`, NAME_LIMITS.alarm),
      alarmDescription: `Scale out the ${priority} workers: jobs are waiting in their queue${single ? "" : "s"}`,
      ...visibleSum,
      evaluationPeriods: WORKER_SCALING.scaleOutEvaluationPeriods,
      threshold: rule.threshold,
      comparisonOperator: "GreaterThanOrEqualToThreshold",
      // SQS stops publishing for a queue idle for six hours: no data means no backlog.
      treatMissingData: "notBreaching",
      alarmActions: [scaleOut.arn],
      tags,
    },
    { parent },
  );
  const scaleInAlarm = new aws.cloudwatch.MetricAlarm(
    child("idle"),
    {
      name: physicalName(args.context.identity, `workers-${priority}-idle`, NAME_LIMITS.alarm),
      alarmDescription: `Scale the ${priority} workers to their minimum: nothing queued and nothing in flight`,
      metricQueries: single
        ? [
            sqsMetric("visible", "ApproximateNumberOfMessagesVisible", queues[0].name),
            sqsMetric("inflight", "ApproximateNumberOfMessagesNotVisible", queues[0].name),
            // FILL: a minute where only one of the two metrics reported still yields a sum.
            { id: "backlog", expression: "FILL(visible, 0) + FILL(inflight, 0)", label: "Jobs queued or running", returnData: true },
          ]
        : [
            ...queues.flatMap((q, i) => [
              sqsMetric(`visible${i}`, "ApproximateNumberOfMessagesVisible", q.name),
              sqsMetric(`inflight${i}`, "ApproximateNumberOfMessagesNotVisible", q.name),
            ]),
            {
              id: "backlog",
              expression: `SUM([${queues.flatMap((_, i) => [`FILL(visible${i}, 0)`, `FILL(inflight${i}, 0)`]).join(", ")}])`,
              label: "Jobs queued or running in its queues",
              returnData: true,
            },
          ],
      evaluationPeriods: WORKER_SCALING.idleMinutesBeforeScaleIn,
      datapointsToAlarm: WORKER_SCALING.idleMinutesBeforeScaleIn,
      threshold: 0,
      comparisonOperator: "LessThanOrEqualToThreshold",
      // No data is an idle queue (see above): scale in.
      treatMissingData: "breaching",
      alarmActions: [scaleIn.arn],
      tags,
    },
    { parent },
  );
  return { scalingTarget, scaleOutAlarm, scaleInAlarm };

  function sqsMetric(id: string, metricName: string, queueName: pulumi.Input<string>): aws.types.input.cloudwatch.MetricAlarmMetricQuery {
    return {
      id,
      returnData: false,
      metric: { namespace: "AWS/SQS", metricName, dimensions: { QueueName: queueName }, stat: "Maximum", period: WORKER_SCALING.periodSeconds },
    };
  }
}
