/**
 * AWS refusal rules, IAM: role names, trust, managed and inline policy sizes (the per-role aggregate too), statement ids
 * and policy names.
 */
import { DOCS, IAM_ROLE, obj, policyChars, str } from "./helpers";
import type { AwsRefusalRule, Inputs } from "./types";

/** IAM's default size quotas (IAM user guide, "IAM and AWS STS quotas"). */
const IAM_QUOTAS = { trustPolicyChars: 2048, managedPolicyChars: 6144, inlinePolicyCharsPerRole: 10240 } as const;

/** The rules of this family, in the table's order. */
export const IAM_RULES: readonly AwsRefusalRule[] = [
  {
    id: "iam-role-name",
    types: [IAM_ROLE],
    doc: `${DOCS.iamCreateRole} ${DOCS.iamQuotas}`,
    observed: false,
    check: (inputs) => {
      const name = str(inputs.name);
      const prefix = str(inputs.namePrefix);
      // The provider appends a 26-character unique suffix to a prefix: 64 - 26 = 38.
      if (prefix !== undefined && prefix.length > 38) return `ValidationError: name_prefix "${prefix}" cannot be longer than 38 characters.`;
      if (name === undefined) return undefined;
      if (name.length > 64) return `ValidationError: 1 validation error detected: Value '${name}' at 'roleName' failed to satisfy constraint: Member must have length less than or equal to 64`;
      return /^[\w+=,.@-]+$/.test(name) ? undefined : `ValidationError: Value '${name}' at 'roleName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+`;
    },
  },
  {
    id: "iam-trust-policy-size",
    types: [IAM_ROLE],
    doc: DOCS.iamQuotas,
    observed: true,
    check: (inputs) => {
      const chars = policyChars(inputs.assumeRolePolicy);
      return chars !== undefined && chars > IAM_QUOTAS.trustPolicyChars
        ? `LimitExceeded: Cannot exceed quota for ACLSizePerRole: ${IAM_QUOTAS.trustPolicyChars} (trust policy has ${chars} characters without whitespace).`
        : undefined;
    },
  },
  {
    id: "iam-managed-policy-size",
    types: ["aws:iam/policy:Policy"],
    doc: DOCS.iamQuotas,
    observed: true,
    check: (inputs) => {
      const chars = policyChars(inputs.policy);
      return chars !== undefined && chars > IAM_QUOTAS.managedPolicyChars
        ? `LimitExceeded: Cannot exceed quota for PolicySize: ${IAM_QUOTAS.managedPolicyChars} (policy has ${chars} characters without whitespace).`
        : undefined;
    },
  },
  {
    id: "iam-inline-policy-size",
    types: ["aws:iam/rolePolicy:RolePolicy"],
    doc: DOCS.iamQuotas,
    observed: true,
    check: (inputs, ctx) => {
      const chars = policyChars(inputs.policy);
      const role = str(inputs.role);
      if (chars === undefined || role === undefined) return undefined;
      const total = (ctx.inlinePolicyChars.get(role) ?? 0) + chars;
      ctx.inlinePolicyChars.set(role, total);
      return total > IAM_QUOTAS.inlinePolicyCharsPerRole
        ? `LimitExceeded: Maximum policy size of ${IAM_QUOTAS.inlinePolicyCharsPerRole} bytes exceeded for role ${role} (${total} characters of inline policy without whitespace).`
        : undefined;
    },
  },
  {
    // IAM: "In IAM, the Sid value must be unique within a JSON policy" and takes only A-Z, a-z, 0-9.
    // The error text is IAM's (as mirrored by moto's IAM policy validator and quoted in CloudFormation
    // failures). Grant helpers joined into one policy are where this bites (a shared worker joins
    // three queues' grants).
    id: "iam-policy-sid",
    types: ["aws:iam/policy:Policy", "aws:iam/rolePolicy:RolePolicy"],
    doc: DOCS.iamSid,
    observed: true,
    check: (inputs) => {
      const statements = obj(inputs.policy)?.Statement;
      if (!Array.isArray(statements)) return undefined;
      const sids = statements.map((st) => (st !== null && typeof st === "object" ? (st as Inputs).Sid : undefined)).filter((x): x is string => typeof x === "string" && x !== "");
      const bad = sids.find((sid) => !/^[A-Za-z0-9]+$/.test(sid));
      if (bad !== undefined) return `MalformedPolicyDocument: Statement IDs (SID) must be alpha-numeric. Check that your input satisfies the regular expression [0-9A-Za-z]* (got "${bad}").`;
      const dup = sids.find((sid, i) => sids.indexOf(sid) !== i);
      return dup !== undefined ? `MalformedPolicyDocument: Statement IDs (SID) in a single policy must be unique. ("${dup}" repeats)` : undefined;
    },
  },
  {
    id: "iam-policy-name",
    types: ["aws:iam/policy:Policy", "aws:iam/rolePolicy:RolePolicy"],
    doc: DOCS.iamQuotas,
    observed: false,
    check: (inputs) => {
      const name = str(inputs.name);
      return name !== undefined && name.length > 128 ? `ValidationError: Value '${name}' at 'policyName' failed to satisfy constraint: Member must have length less than or equal to 128` : undefined;
    },
  },
];
