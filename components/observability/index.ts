/**
 * Observability of one stack: an encrypted SNS alert topic, CloudWatch alarms on every component
 * that exists, one dashboard drawn from the same alarm specs, and a monthly AWS Budget.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ALARM_WINDOWS, BUDGET_NOTIFICATIONS, NAME_LIMITS, type ObservabilitySizing } from "../../sizing";
import { applyTransform, PlatformComponent, physicalName, type StackContext, type Transform } from "../component";
import { policyDocument, type PolicyStatement } from "../iam";
import { type AlarmSpec, alarmSpecs, type ObservedResources } from "./alarms";
import { dashboardBody } from "./dashboard";

export * from "./alarms";
export { dashboardBody, widgetMetrics } from "./dashboard";

export interface ObservabilityArgs extends ObservedResources {
  /**
   * The stack: identity for names and tags, region (dashboard widgets name it; alarm ARNs in the
   * topic policy use it), account (the topic policy only accepts publishes made on its behalf) and
   * the stack's KMS key (the topic is encrypted with it; its key policy lets CloudWatch and Budgets
   * use it).
   */
  context: StackContext;
  /** Alarm thresholds from the tier table (`sizing.observability`). */
  sizing: ObservabilitySizing;
  /** Monthly budget in USD (`sizing.budgetUsd`). */
  budgetUsd: number;
  /**
   * Address subscribed to the alert topic (AWS e-mails a confirmation link first).
   * @default `undefined` (alarms still publish to the topic; nobody is subscribed)
   */
  alertEmail?: pulumi.Input<string>;
  /**
   * Cost-allocation tag the budget filters on: only this stack's spend counts. The tag must be
   * activated once per account (docs/runbooks.md, "First deploy").
   * @default `{ key: "stack", value: context.identity.stack }`
   */
  budgetTag?: { key: string; value: string };
  /**
   * Adjust an alarm's arguments without forking this component. The function form also gets the
   * alarm's role (`<component>-<what>`, the key of {@link Observability.alarms}, e.g.
   * `"database-writer-cpu"`) and its spec. The dashboard is drawn from the specs, so a threshold
   * changed here is not redrawn there.
   * @example `{ alarm: { actionsEnabled: false } }` (a quiet stack: alarms change state, nobody is paged)
   * @example `{ alarm: (args, role) => (role === "gateway-p95-latency" ? { ...args, evaluationPeriods: 5 } : args) }`
   * @default - no transform
   */
  transform?: { alarm?: Transform<aws.cloudwatch.MetricAlarmArgs, [role: string, spec: AlarmSpec]> };
}

/**
 * Alerts, alarms, dashboard and budget for one stack.
 *
 * ```ts
 * const observability = new Observability("observability", {
 *   context, sizing: sizing.observability, budgetUsd: sizing.budgetUsd, alertEmail: config.alertEmail,
 *   loadBalancer: { arnSuffix: alb.arnSuffix, targetGroupArnSuffix: tg.arnSuffix },
 *   queues: [{ priority: "free", name: free.name, dlqName: freeDlq.name }],
 * });
 * ```
 *
 * **Cost**: $0.10 per standard alarm-month and $0.30 per metric-math alarm-month (roughly 25–45 alarms:
 * $3–8/month); the dashboard is $3/month (the first three per account are free); SNS e-mail is free at
 * this volume; KMS requests from SNS are a few cents; AWS Budgets are free for the first two per
 * account, then $0.02/day each.
 */
export class Observability extends PlatformComponent {
  public readonly topic: aws.sns.Topic;
  public readonly topicArn: pulumi.Output<string>;
  /** The alarms by `<component>-<what>`. */
  public readonly alarms: Record<string, aws.cloudwatch.MetricAlarm>;
  /** The specs the alarms and the dashboard were built from. */
  public readonly alarmSpecs: AlarmSpec[];
  public readonly dashboard: aws.cloudwatch.Dashboard;
  public readonly dashboardName: pulumi.Output<string>;
  public readonly budget: aws.budgets.Budget;

  constructor(name: string, args: ObservabilityArgs, opts?: pulumi.ComponentResourceOptions) {
    super("observability", "Observability", name, opts);
    const { identity, region, accountId, kmsKeyArn } = args.context;
    const budgetTag = args.budgetTag ?? { key: "stack", value: identity.stack };
    const tags = identity.tags;
    const parent = this;

    this.topic = createTopic();
    this.topicArn = this.topic.arn;
    createTopicPolicy();
    if (args.alertEmail) createEmailSubscription(args.alertEmail);
    this.alarmSpecs = alarmSpecs(args, args.sizing);
    this.alarms = Object.fromEntries(this.alarmSpecs.map((spec) => [`${spec.component}-${spec.what}`, createAlarm(spec)]));
    this.dashboard = createDashboard();
    this.dashboardName = this.dashboard.dashboardName;
    this.budget = createBudget();

    this.registerOutputs({ topicArn: this.topicArn, dashboardName: this.dashboardName });

    function createTopic(): aws.sns.Topic {
      return new aws.sns.Topic(
        parent.childName("alerts"),
        {
          name: physicalName(identity, "alerts", NAME_LIMITS.snsTopic),
          kmsMasterKeyId: kmsKeyArn,
          tags,
        },
        { parent },
      );
    }

    /** CloudWatch alarms and Budgets publish as services; each may do so only for this account's resources. */
    function createTopicPolicy(): aws.sns.TopicPolicy {
      const statements: (PolicyStatement & { Principal: { Service: string } })[] = [
        {
          Sid: "CloudWatchAlarmsOfThisAccount",
          Principal: { Service: "cloudwatch.amazonaws.com" },
          Action: "sns:Publish",
          Resource: parent.topic.arn,
          Condition: {
            StringEquals: { "aws:SourceAccount": accountId },
            ArnLike: { "aws:SourceArn": pulumi.interpolate`arn:aws:cloudwatch:${region}:${accountId}:alarm:*` },
          },
        },
        {
          Sid: "BudgetsOfThisAccount",
          Principal: { Service: "budgets.amazonaws.com" },
          Action: "sns:Publish",
          Resource: parent.topic.arn,
          Condition: {
            StringEquals: { "aws:SourceAccount": accountId },
            ArnLike: { "aws:SourceArn": pulumi.interpolate`arn:aws:budgets::${accountId}:*` },
          },
        },
      ];
      return new aws.sns.TopicPolicy(
        parent.childName("alerts-policy"),
        { arn: parent.topic.arn, policy: policyDocument(statements) },
        { parent },
      );
    }

    function createEmailSubscription(email: pulumi.Input<string>): aws.sns.TopicSubscription {
      return new aws.sns.TopicSubscription(
        parent.childName("alerts-email"),
        { topic: parent.topic.arn, protocol: "email", endpoint: email },
        { parent },
      );
    }

    function createAlarm(spec: AlarmSpec): aws.cloudwatch.MetricAlarm {
      const window = ALARM_WINDOWS[spec.window];
      const entries = Object.entries(spec.metrics);
      const single = !spec.expression && entries.length === 1 ? entries[0][1] : undefined;
      const isPercentile = (stat: string) => /^p\d/.test(stat);
      const metricArgs: Partial<aws.cloudwatch.MetricAlarmArgs> = single
        ? {
            namespace: single.namespace,
            metricName: single.metricName,
            dimensions: single.dimensions,
            period: window.periodSeconds,
            ...(isPercentile(single.stat) ? { extendedStatistic: single.stat } : { statistic: single.stat }),
          }
        : {
            metricQueries: [
              { id: "e1", expression: spec.expression, label: `${spec.what} (${spec.unit})`, returnData: true },
              ...entries.map(([id, m]) => ({
                id,
                returnData: false,
                metric: {
                  namespace: m.namespace,
                  metricName: m.metricName,
                  dimensions: m.dimensions,
                  period: window.periodSeconds,
                  stat: m.stat,
                },
              })),
            ],
          };
      const role = `${spec.component}-${spec.what}`;
      const alarmArgs: aws.cloudwatch.MetricAlarmArgs = {
        name: physicalName(identity, role, NAME_LIMITS.alarm),
        alarmDescription: spec.description,
        comparisonOperator: spec.comparison,
        threshold: spec.threshold,
        evaluationPeriods: window.evaluationPeriods,
        datapointsToAlarm: window.datapointsToAlarm,
        // Chosen per alarm with the spec (missingDataReason says why).
        treatMissingData: spec.treatMissingData,
        ...metricArgs,
        // OK actions too: whoever was paged learns when it is over without opening the console.
        alarmActions: [parent.topic.arn],
        okActions: [parent.topic.arn],
        tags,
      };
      return new aws.cloudwatch.MetricAlarm(
        parent.childName(role),
        applyTransform(args.transform?.alarm, alarmArgs, role, spec),
        { parent },
      );
    }

    function createDashboard(): aws.cloudwatch.Dashboard {
      return new aws.cloudwatch.Dashboard(
        parent.childName("dashboard"),
        {
          dashboardName: physicalName(identity, "overview", NAME_LIMITS.dashboard),
          dashboardBody: pulumi.jsonStringify(dashboardBody(parent.alarmSpecs, region)),
        },
        { parent },
      );
    }

    function createBudget(): aws.budgets.Budget {
      return new aws.budgets.Budget(
        parent.childName("budget"),
        {
          name: physicalName(identity, "monthly", NAME_LIMITS.budget),
          budgetType: "COST",
          timeUnit: "MONTHLY",
          limitAmount: String(args.budgetUsd),
          limitUnit: "USD",
          // Cost Explorer's tag filter syntax: `user:<key>$<value>`.
          costFilters: [{ name: "TagKeyValue", values: [`user:${budgetTag.key}$${budgetTag.value}`] }],
          notifications: BUDGET_NOTIFICATIONS.map((n) => ({
            comparisonOperator: "GREATER_THAN",
            threshold: n.thresholdPercent,
            thresholdType: "PERCENTAGE",
            notificationType: n.type,
            subscriberSnsTopicArns: [parent.topic.arn],
          })),
          tags,
        },
        { parent },
      );
    }
  }
}
