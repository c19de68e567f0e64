/**
 * What an IAM statement means, not how it is spelt: wildcard actions and resources as globs, and
 * public principals in every spelling. The IAM, S3, SQS, SNS and KMS rules judge statements here.
 *
 * IAM matches `*` (any run of characters) and `?` (one character) in actions and resource ARNs
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html,
 * .../reference_policies_elements_resource.html), so `iam:?*` is every IAM action and
 * `arn:aws:s3:::*`, `arn:*:*:*:*:*` or `arn:aws:kms:*:*:*` are as broad as `*` for their service.
 */
import { opensToInternet } from "./cidr";
import { arr, type IamStatement, iamGlob, list, obj } from "./types";

/** True for a pattern made only of wildcards (`*`, `?*`, `**`) that can match any non-empty text. */
const onlyWildcards = (p: string) => p.length > 0 && /^[*?]+$/.test(p) && p.includes("*");

/**
 * An action pattern as broad as `*` or `<service>:*`: a wildcard in the service prefix, or an action
 * name made only of wildcards (`iam:?*`, `s3:**`).
 */
export function isServiceWideAction(action: string): boolean {
  if (onlyWildcards(action)) return true;
  const [service, name] = action.split(":", 2);
  if (name === undefined) return false;
  return /[*?]/.test(service) || onlyWildcards(name);
}

/** True when an action pattern can match `action` (`kms:Decrypt` is matched by `kms:*`, `kms:De*`, `*`, `kms:?ecrypt`). */
export function actionMatches(pattern: string, action: string): boolean {
  return iamGlob(pattern, action);
}

/**
 * A resource pattern as broad as `*`: `*` itself, or an ARN whose resource part is only wildcards
 * (`arn:aws:s3:::*`, `arn:*:*:*:*:*`, `arn:aws:kms:*:*:*`). For S3 the bucket name is the first path
 * segment, so every object of every bucket (a wildcard bucket, then `/` and a wildcard) is too.
 */
export function isStarResource(resource: string): boolean {
  if (onlyWildcards(resource)) return true;
  const parts = resource.split(":");
  if (parts.length < 6 || parts[0] !== "arn") return false;
  const service = parts[2];
  const rest = parts.slice(5).join(":");
  if (onlyWildcards(rest) || rest.split(":").every(onlyWildcards)) return true;
  if (service === "s3" || onlyWildcards(service)) return onlyWildcards(rest.split("/")[0]);
  return false;
}

/** Every resource of a type (`key/` or `role/` followed by only a wildcard, or a path ending in one): broad within an account. */
export function isAllOfType(resource: string, type: string): boolean {
  if (isStarResource(resource)) return true;
  const rest = resource.split(":").slice(5).join(":");
  const m = new RegExp(`^${type}/(.*)$`).exec(rest);
  return !!m && (onlyWildcards(m[1]) || /(^|\/)\*$/.test(m[1]));
}

/**
 * Condition keys that confine a public principal to known callers ("The meaning of 'public'", S3
 * Block Public Access, https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html#access-control-block-public-access-policy-status,
 * and the AWS global condition keys reference). Only with a fixed value under a positive operator
 * (StringEquals, StringLike, ArnEquals, ArnLike, IpAddress; not the Not* operators, not IfExists).
 * `aws:SecureTransport` is not among them: TLS says nothing about who calls.
 */
export const SCOPING_CONDITION_KEYS = [
  "aws:SourceArn",
  "aws:SourceAccount",
  "aws:SourceOwner",
  "aws:SourceOrgID",
  "aws:SourceOrgPaths",
  "aws:SourceVpc",
  "aws:SourceVpce",
  "aws:SourceIp",
  "aws:PrincipalOrgID",
  "aws:PrincipalOrgPaths",
  "aws:PrincipalAccount",
  "aws:PrincipalArn",
  "aws:userid",
  "kms:CallerAccount",
] as const;

const POSITIVE_OPERATORS = /^(ForAnyValue:|ForAllValues:)?(StringEquals|StringEqualsIgnoreCase|StringLike|ArnEquals|ArnLike|IpAddress)$/;

/** True when the statement carries a scoping condition with a fixed (non-wildcard, non-open) value. */
export function hasScopingCondition(s: IamStatement): boolean {
  for (const [operator, byKey] of Object.entries(s.Condition ?? {})) {
    if (!POSITIVE_OPERATORS.test(operator)) continue;
    for (const [key, value] of Object.entries(obj(byKey) ?? {})) {
      const known = SCOPING_CONDITION_KEYS.find((k) => k.toLowerCase() === key.toLowerCase());
      if (!known) continue;
      const values = list(value);
      if (values.length === 0 || values.some((v) => onlyWildcards(v) || v.split(":").every((p) => p === "" || onlyWildcards(p) || p === "arn"))) continue;
      if (known === "aws:SourceIp" && opensToInternet(values)) continue;
      return true;
    }
  }
  return false;
}

/** The principal values of a statement that grant to anyone: `"*"`, `{AWS: "*"}`, `{AWS: ["*"]}`, `arn:aws:iam::*:root`. */
function publicPrincipal(principal: unknown): boolean {
  if (typeof principal === "string") return onlyWildcards(principal);
  const p = obj(principal);
  if (!p) return false;
  return [...arr(p.AWS), ...arr(p.CanonicalUser)].some((v) => typeof v === "string" && (onlyWildcards(v) || /^arn:[^:]*:iam::[*?]+:/.test(v)));
}

/**
 * Why an Allow statement of a resource policy is open to anyone, or undefined: a public principal
 * (any spelling), or NotPrincipal (allows everyone but the listed), unless a scoping condition
 * confines it.
 */
export function publicGrant(s: IamStatement & { NotPrincipal?: unknown }): string | undefined {
  if (s.Effect !== "Allow") return undefined;
  const open = s.NotPrincipal !== undefined ? "NotPrincipal (everyone except the listed)" : publicPrincipal(s.Principal) ? "a public principal" : undefined;
  if (!open) return undefined;
  return hasScopingCondition(s) ? undefined : open;
}
