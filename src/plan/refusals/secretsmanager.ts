/**
 * AWS refusal rules, Secrets Manager: the recovery window of a deleted secret.
 */
import { DOCS, lengthRule, num } from "./helpers";
import type { AwsRefusalRule } from "./types";

/** The rules of this family, in the table's order. */
export const SECRETS_MANAGER_RULES: readonly AwsRefusalRule[] = [
  {
    id: "secrets-recovery-window",
    types: ["aws:secretsmanager/secret:Secret"],
    doc: DOCS.secretsDelete,
    observed: false,
    check: (inputs) => {
      const days = num(inputs.recoveryWindowInDays);
      return days !== undefined && days !== 0 && (days < 7 || days > 30)
        ? `InvalidParameterException: The RecoveryWindowInDays value must be between 7 and 30 days (got ${days}).`
        : lengthRule(inputs.name, 1, 512, "The secret name");
    },
  },
];
