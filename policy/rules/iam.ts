/**
 * IAM: no wildcard actions, `*` resources only where AWS has no resource-level permission (the one
 * list in ../iam-star-resources.ts), no PassRole to anything, scoped trust policies.
 */
import { actionMatches, isAllOfType, isServiceWideAction, isStarResource, publicGrant } from "../iam-semantics";
import { STAR_RESOURCE_ACTIONS, starResourceEntry } from "../iam-star-resources";
import {
  arr,
  IAM_POLICY_TYPES,
  type IamStatement,
  identityPolicyDocuments,
  list,
  obj,
  resourceRule,
  type Rule,
  statementsOf,
} from "../types";

const allows = (doc: unknown) => statementsOf(doc).filter((s) => s.Effect === "Allow");
const allowStatements = (r: Parameters<typeof identityPolicyDocuments>[0]): IamStatement[] =>
  identityPolicyDocuments(r).flatMap(allows);
const sid = (s: IamStatement) => (s.Sid ? `statement ${s.Sid}` : "a statement");

/** AWS managed policies a platform role must never carry. */
export const FORBIDDEN_MANAGED_POLICIES = [
  "AdministratorAccess",
  "PowerUserAccess",
  "IAMFullAccess",
  "AmazonS3FullAccess",
  "AmazonSQSFullAccess",
  "SecretsManagerReadWrite",
  "AmazonEC2FullAccess",
];

function conditionKeys(s: IamStatement): string[] {
  return Object.values(s.Condition ?? {}).flatMap((byKey) => Object.keys(obj(byKey) ?? {}));
}

export const iamRules: Rule[] = [
  resourceRule(
    { id: "iam-no-star-action", description: "No identity policy allows `*` or service-wide actions in any spelling (`service:*`, `iam:?*`, `*:Get*`), or uses NotAction in an Allow.", severity: "critical", enforcement: "mandatory", controls: { checkov: ["CKV_AWS_62", "CKV_AWS_63"], fsbp: ["IAM.1", "IAM.21"] } },
    IAM_POLICY_TYPES,
    (_i, r) => {
      for (const s of allowStatements(r)) {
        if (s.NotAction !== undefined) return `${sid(s)} allows NotAction`;
        const star = list(s.Action).find(isServiceWideAction);
        if (star) return `${sid(s)} allows ${star}`;
      }
      return undefined;
    },
  ),
  resourceRule(
    { id: "iam-no-star-resource", description: `Resource \`*\` (or an ARN as broad: \`arn:aws:s3:::*\`, \`arn:*:*:*:*:*\`) only for actions with no resource-level permission (${STAR_RESOURCE_ACTIONS.length} documented in policy/iam-star-resources.ts), with their required conditions.`, severity: "high", enforcement: "mandatory", controls: { checkov: ["CKV_AWS_355", "CKV_AWS_290"], fsbp: ["IAM.21"] } },
    IAM_POLICY_TYPES,
    (_i, r) => {
      for (const s of allowStatements(r)) {
        if (s.NotResource !== undefined) return `${sid(s)} allows NotResource`;
        if (!list(s.Resource).some(isStarResource)) continue;
        for (const action of list(s.Action)) {
          const entry = starResourceEntry(action);
          if (!entry) return `${sid(s)} allows ${action} on Resource "*"; name the resources (or document the action in policy/iam-star-resources.ts if AWS has no resource type for it)`;
          const need = entry.requiredConditionKeys;
          if (need && !conditionKeys(s).some((k) => need.some((n) => k.startsWith(n)))) return `${sid(s)} allows ${action} on "*" without a condition on ${need.join(" or ")}`;
        }
      }
      return undefined;
    },
  ),
  resourceRule(
    { id: "iam-no-passrole-star", description: "iam:PassRole (or any action pattern matching it) names the roles it passes (never `*`, a wildcard role path, or NotResource).", severity: "critical", enforcement: "mandatory", controls: { checkov: ["CKV_AWS_286"] } },
    IAM_POLICY_TYPES,
    (_i, r) => {
      for (const s of allowStatements(r)) {
        const passes = list(s.Action).some((a) => actionMatches(a, "iam:PassRole"));
        if (passes && (s.NotResource !== undefined || list(s.Resource).some((res) => isAllOfType(res, "role") || /[*?]/.test(res.split(":role/")[1] ?? "")))) return `${sid(s)} allows iam:PassRole on ${list(s.Resource).join(", ") || "NotResource"}`;
      }
      return undefined;
    },
  ),
  resourceRule(
    { id: "iam-no-kms-decrypt-star", description: "kms:Decrypt (or any action pattern matching it) is granted on named keys only (not `*`, `key/*`, `arn:aws:kms:*:*:*` or NotResource).", severity: "high", enforcement: "mandatory", controls: { fsbp: ["KMS.1", "KMS.2"] } },
    IAM_POLICY_TYPES,
    (_i, r) => {
      for (const s of allowStatements(r)) {
        const decrypts = list(s.Action).some((a) => actionMatches(a, "kms:Decrypt") || actionMatches(a, "kms:ReEncryptFrom"));
        if (decrypts && (s.NotResource !== undefined || list(s.Resource).some((res) => isAllOfType(res, "key") || isAllOfType(res, "alias")))) return `${sid(s)} allows kms:Decrypt on every key`;
      }
      return undefined;
    },
  ),
  resourceRule(
    { id: "iam-trust-scoped", description: "Role trust policies name their principal (no `*` in any spelling, no NotPrincipal, unless a scoping condition confines it); web-identity (IRSA) trust pins both `sub` and `aud`.", severity: "critical", enforcement: "mandatory", controls: { checkov: ["CKV_AWS_60", "CKV_AWS_61"] } },
    ["aws:iam/role:Role"],
    (i) => {
      for (const s of statementsOf(i.assumeRolePolicy)) {
        if (s.Effect !== "Allow") continue;
        const p = obj(s.Principal);
        const open = publicGrant(s);
        if (open) return `${sid(s)} lets any principal assume the role (${open})`;
        if (p?.Federated !== undefined && list(s.Action).includes("sts:AssumeRoleWithWebIdentity")) {
          const keys = conditionKeys(s);
          if (!keys.some((k) => k.endsWith(":sub")) || !keys.some((k) => k.endsWith(":aud"))) return `${sid(s)} trusts a web identity without pinning :sub and :aud`;
        }
      }
      return undefined;
    },
  ),
  resourceRule(
    { id: "iam-no-admin-managed-policy", description: `No role carries a broad AWS managed policy (${FORBIDDEN_MANAGED_POLICIES.join(", ")}).`, severity: "critical", enforcement: "mandatory", controls: { checkov: ["CKV_AWS_274"] } },
    ["aws:iam/rolePolicyAttachment:RolePolicyAttachment", "aws:iam/policyAttachment:PolicyAttachment", "aws:iam/role:Role"],
    (i) => {
      const arns = [...list(i.policyArn), ...list(i.managedPolicyArns)];
      const bad = arns.find((a) => FORBIDDEN_MANAGED_POLICIES.some((p) => a.endsWith(`:policy/${p}`)));
      return bad ? `attaches ${bad}` : undefined;
    },
  ),
  resourceRule(
    { id: "iam-role-no-inline-managed-mix", description: "Roles do not declare inlinePolicies / managedPolicyArns (exclusive lists that fight separate attachments on every update).", severity: "low", enforcement: "advisory", controls: {} },
    ["aws:iam/role:Role"],
    (i) => (arr(i.inlinePolicies).length > 0 || arr(i.managedPolicyArns).length > 0 ? "use RolePolicy / RolePolicyAttachment resources instead" : undefined),
  ),
];

