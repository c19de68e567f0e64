/**
 * Logs and alarms: every log group encrypted with a retention (including the groups RDS writes its
 * exported logs to), every alarm wired to someone, and the seed's "DLQ not empty" alarm on every
 * dead-letter queue.
 */
import { arr, get, graphRule, obj, ofTypes, parseJson, type PolicyResource, refersTo, resourceRule, type Rule } from "../types";

const LOG_GROUP = ["aws:cloudwatch/logGroup:LogGroup"];
const ALARM = ["aws:cloudwatch/metricAlarm:MetricAlarm"];
const RDS_INSTANCE = "aws:rds/instance:Instance";

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
  graphRule(
    {
      id: "log-group-rds-exports-managed",
      description: "Every log type an RDS instance exports goes to a log group the stack creates, so the retention and KMS rules reach it.",
      severity: "medium",
      enforcement: "mandatory",
      controls: {},
    },
    [RDS_INSTANCE, ...LOG_GROUP],
    (graph) => {
      // RDS creates /aws/rds/instance/<identifier>/<log type> itself when it is missing, kept forever and
      // without the stack key (RDS user guide, "Publishing PostgreSQL logs to Amazon CloudWatch Logs").
      const groups = new Set(ofTypes(graph, LOG_GROUP).map((g) => g.inputs.name));
      return ofTypes(graph, [RDS_INSTANCE]).flatMap((db) => {
        const identifier = db.inputs.identifier;
        if (typeof identifier !== "string") return [];
        const missing = arr(db.inputs.enabledCloudwatchLogsExports).filter((t) => !groups.has(`/aws/rds/instance/${identifier}/${String(t)}`));
        return missing.length === 0 ? [] : [{ resource: db, message: `no log group for exported logs ${missing.join(", ")} (RDS would create /aws/rds/instance/${identifier}/<type> unencrypted by the stack key, kept forever)` }];
      });
    },
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
