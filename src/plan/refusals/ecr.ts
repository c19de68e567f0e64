/**
 * AWS refusal rules, ECR: repository names.
 */
import { DOCS, str } from "./helpers";
import type { AwsRefusalRule } from "./types";

/** The rules of this family, in the table's order. */
export const ECR_RULES: readonly AwsRefusalRule[] = [
  {
    id: "ecr-repository-name",
    types: ["aws:ecr/repository:Repository"],
    doc: DOCS.ecrCreateRepository,
    observed: false,
    check: (inputs) => {
      const name = str(inputs.name);
      if (name === undefined) return undefined;
      const ok = name.length >= 2 && name.length <= 256 && /^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$/.test(name);
      return ok ? undefined : `InvalidParameterException: Invalid parameter at 'repositoryName' failed to satisfy constraint: 'must satisfy regular expression '(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*'' ("${name}")`;
    },
  },
];
