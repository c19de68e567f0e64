/**
 * Logs and alarms: every log group encrypted with a retention, every alarm wired to someone, and
 * the seed's "DLQ not empty" alarm on every dead-letter queue.
 */
import { arr, get, graphRule, obj, ofTypes, parseJson, type PolicyResource, refersTo, resourceRule, type Rule } from "../types";

const LOG_GROUP = ["aws:cloudwatch/logGroup:LogGroup"];
const ALARM = ["aws:cloudwatch/metricAlarm:MetricAlarm"];

export const observabilityRules: Rule[] = [
  resourceRule(
    { id: "log-group-retention", description: "Log groups have a retention period (never keep-forever by accident).", severity: "medium", enforcement: "mandatory", controls: { checkov: ["CKV_AWS_66"] } },
    LOG_GROUP,
    (i) => (Number(i.retentionInDays ?? 0) > 0 ? undefined : "retentionInDays is not set"),
  ),
  resourceRule(
    { id: "log-group-retention-year", description: "Log groups keep logs at least a year (audit).", severity: "low", enforcement: "advisory", controls: { checkov: ["CKV_AWS_338"], fsbp: ["CloudWatch.16"] } },
    LOG_GROUP,
    (i) => (Number(i.retentionInDays ?? 0) >= 365 ? undefined : `retentionInDays is ${String(i.retentionInDays ?? "unset")} (< 365)`),
  ),
  resourceRule(
    { id: "log-group-kms", description: "Log groups are encrypted with the stack's KMS key.", severity: "medium", enforcement: "mandatory", controls: { checkov: ["CKV_AWS_158"] } },
    LOG_GROUP,
    (i) => (i.kmsKeyId ? undefined : "kmsKeyId is not set"),
  ),
  resourceRule(
    { id: "alarm-has-actions", description: "Alarms are enabled and notify someone (alarmActions non-empty).", severity: "medium", enforcement: "mandatory", controls: { checkov: ["CKV_AWS_319"], fsbp: ["CloudWatch.17"] } },
    ALARM,
    (i) => (i.actionsEnabled !== false && arr(i.alarmActions).length > 0 ? undefined : "actionsEnabled is false or alarmActions is empty"),
  ),
  graphRule(
    { id: "dlq-has-alarm", description: "Every dead-letter queue has an alarm on visible messages (a failed job is never silent).", severity: "medium", enforcement: "mandatory", controls: {} },
    ["aws:sqs/queue:Queue", ...ALARM],
    (graph) => {
      const queues = ofTypes(graph, ["aws:sqs/queue:Queue"]);
      const dlqArns = queues.map((q) => obj(parseJson(q.inputs.redrivePolicy))?.deadLetterTargetArn).filter((a): a is string => typeof a === "string");
      const dlqs = queues.filter((q) => dlqArns.some((a) => refersTo(a, q) || a.endsWith(`:${String(q.inputs.name ?? q.name)}`)));
      const alarms = ofTypes(graph, ALARM).filter((a) => a.inputs.namespace === "AWS/SQS" || JSON.stringify(a.inputs.metricQueries ?? "").includes("AWS/SQS"));
      const watched = (q: PolicyResource) =>
        alarms.some((a) => {
          const dims = [get(a.inputs, "dimensions.QueueName"), ...arr(a.inputs.metricQueries).map((m) => get(m, "metric.dimensions.QueueName"))];
          return dims.some((d) => d === (q.inputs.name ?? q.name) || refersTo(d, q));
        });
      return dlqs.filter((q) => !watched(q)).map((q) => ({ resource: q, message: "dead-letter queue has no CloudWatch alarm" }));
    },
  ),
];
