/**
 * AWS refusal rules, CloudWatch Logs: log group names and retention values.
 */
import { DOCS, num, str } from "./helpers";
import type { AwsRefusalRule } from "./types";

/** CloudWatch Logs' accepted retention values (PutRetentionPolicy). */
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
];
