/**
 * AWS refusal rules, CloudWatch Logs: log group names, retention values, and a log group RDS already
 * created for an instance's exported logs.
 */
import { DOCS, num, str } from "./helpers";
import type { AwsRefusalRule } from "./types";

/** CloudWatch Logs' accepted retention values (PutRetentionPolicy). */
/** Where RDS publishes an instance's exported logs: `/aws/rds/instance/<identifier>/<log type>` (components/database-logs.ts). */
const RDS_EXPORT_GROUP = /^\/aws\/rds\/instance\/([^/]+)\/([^/]+)$/;

const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];

/** The rules of this family, in the table's order. */
export const LOGS_RULES: readonly AwsRefusalRule[] = [
  {
    id: "logs-log-group-name",
    types: ["aws:cloudwatch/logGroup:LogGroup"],
    doc: DOCS.logsCreateLogGroup,
    observed: false,
    check: (inputs) => {
      const name = str(inputs.name);
      if (name === undefined) return undefined;
      return name.length < 1 || name.length > 512 || !/^[.\-_/#A-Za-z0-9]+$/.test(name)
        ? `InvalidParameterException: 1 validation error detected: Value '${name}' at 'logGroupName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\.\\-_/#A-Za-z0-9]+ (1 to 512 characters)`
        : undefined;
    },
  },
  {
    id: "logs-retention-value",
    types: ["aws:cloudwatch/logGroup:LogGroup"],
    doc: DOCS.logsPutRetention,
    observed: false,
    check: (inputs) => {
      const days = num(inputs.retentionInDays);
      return days !== undefined && days !== 0 && !LOG_RETENTION_DAYS.includes(days)
        ? `InvalidParameterException: 1 validation error detected: Value '${days}' at 'retentionInDays' failed to satisfy constraint: Member must satisfy enum value set: [${LOG_RETENTION_DAYS.join(", ")}]`
        : undefined;
    },
  },
  {
    // An RDS instance created before its export log group has, by the time it is available, had RDS
    // create that group itself (no retention, no stack key), so creating it afterwards fails.
    id: "logs-rds-export-group-exists",
    types: ["aws:cloudwatch/logGroup:LogGroup"],
    doc: DOCS.logsCreateLogGroup,
    observed: false,
    check: (inputs, ctx) => {
      const match = RDS_EXPORT_GROUP.exec(str(inputs.name) ?? "");
      if (!match) return undefined;
      const [, identifier, logType] = match;
      const exported = ctx.rdsInstances.get(identifier)?.enabledCloudwatchLogsExports;
      return Array.isArray(exported) && exported.includes(logType)
        ? `ResourceAlreadyExistsException: The specified resource already exists. (RDS instance ${identifier}, created earlier in this deployment, exports ${logType} logs and so created this log group itself: create the group first and make the instance depend on it.)`
        : undefined;
    },
  },
];
