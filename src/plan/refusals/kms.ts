/**
 * AWS refusal rules, KMS: alias names and the key deletion window.
 */
import { DOCS, num, str } from "./helpers";
import type { AwsRefusalRule } from "./types";

/** The rules of this family, in the table's order. */
export const KMS_RULES: readonly AwsRefusalRule[] = [
  {
    id: "kms-alias-name",
    types: ["aws:kms/alias:Alias"],
    doc: DOCS.kmsCreateAlias,
    observed: false,
    check: (inputs) => {
      const name = str(inputs.name);
      if (name === undefined) return undefined;
      if (!name.startsWith("alias/")) return `ValidationException: Alias must start with the prefix "alias/" ("${name}").`;
      if (name.startsWith("alias/aws/")) return `NotAuthorizedException: Alias names cannot begin with alias/aws/; that prefix is reserved for AWS managed keys ("${name}").`;
      return name.length > 256 || !/^alias\/[A-Za-z0-9/_-]+$/.test(name)
        ? `ValidationException: 1 validation error detected: Value '${name}' at 'aliasName' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-zA-Z0-9:/_-]+$ and length 1 to 256`
        : undefined;
    },
  },
  {
    id: "kms-deletion-window",
    types: ["aws:kms/key:Key"],
    doc: DOCS.kmsScheduleDeletion,
    observed: false,
    check: (inputs) => {
      const days = num(inputs.deletionWindowInDays);
      return days !== undefined && (days < 7 || days > 30) ? `ValidationException: PendingWindowInDays must be between 7 and 30 (got ${days}).` : undefined;
    },
  },
];
