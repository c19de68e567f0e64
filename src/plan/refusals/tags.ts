/**
 * AWS refusal rules, Tags of every AWS resource: count (with the provider's default tags), key and value lengths, the
 * reserved `aws:` prefix.
 */
import { DOCS, obj } from "./helpers";
import type { AwsRefusalRule } from "./types";

/** The rules of this family, in the table's order. */
export const TAG_RULES: readonly AwsRefusalRule[] = [
  {
    id: "tags",
    types: ["aws:*"],
    doc: DOCS.tagging,
    observed: false,
    check: (inputs, ctx) => {
      const own = obj(inputs.tags) as Record<string, unknown> | undefined;
      if (own === undefined && inputs.tags === undefined) return undefined;
      const all = { ...ctx.defaultTags, ...(own ?? {}) };
      const keys = Object.keys(all);
      if (keys.length > 50) return `ValidationException: A resource can have at most 50 tags (${keys.length} after the provider's default tags).`;
      for (const key of keys) {
        if (key.length < 1 || key.length > 128) return `ValidationException: Tag key "${key}" must be 1 to 128 characters.`;
        if (key.toLowerCase().startsWith("aws:")) return `ValidationException: Tag keys starting with "aws:" are reserved for AWS use ("${key}").`;
        const value = all[key];
        if (typeof value === "string" && value.length > 256) return `ValidationException: The value of tag "${key}" must be at most 256 characters (got ${value.length}).`;
      }
      return undefined;
    },
  },
];
