/**
 * The "Security and guardrails" blocks of docs/security.md, generated from the rule table, the dev exceptions,
 * the `*`-resource list and the acknowledgement keys (`npm run docs`; test/readme.test.ts keeps them
 * current). Not imported by the CrossGuard pack.
 */
import { WEAKENING_ACKNOWLEDGEMENTS } from "../sizing";
import { ACKNOWLEDGEMENT_RULES, type AcknowledgementName } from "./acknowledgements";
import { devExceptionsMarkdown, RULES, ruleTableMarkdown, starResourceMarkdown } from "./index";

const TOP_LEVEL = ["eksPublicAccessCidrs", "corsAllowedOrigins", "environment"];

function acknowledgementsMarkdown(): string {
  return [
    "| acknowledgement | keys it allows weakening in prod | mandatory rules it turns into an advisory finding |",
    "|---|---|---|",
    ...Object.entries(WEAKENING_ACKNOWLEDGEMENTS).map(([name, rule]) => {
      const rules = ACKNOWLEDGEMENT_RULES[name as AcknowledgementName];
      const keys = [rule.path, ...("also" in rule ? rule.also : [])].map((p) => `\`${TOP_LEVEL.includes(p) ? p : `overrides.${p}`}\``).join(", ");
      return `| \`${name}\` | ${keys} | ${rules.length ? rules.map((r) => `\`${r}\``).join(", ") : "– (config-only promise, or advisory rules)"} |`;
    }),
  ].join("\n");
}

function summary(): string {
  const mandatory = RULES.filter((r) => r.enforcement === "mandatory").length;
  const graph = RULES.filter((r) => "checkGraph" in r).length;
  return `${RULES.length} rules: ${mandatory} mandatory, ${RULES.length - mandatory} advisory; ${graph} of them graph rules (joins across resources).`;
}

/** Generated README blocks (name → content) for src/plan/docs.ts. */
export const SECURITY_BLOCKS: Record<string, () => string> = {
  "policy-summary": summary,
  "policy-rules": () => ruleTableMarkdown(),
  "policy-dev-exceptions": devExceptionsMarkdown,
  "policy-star-resources": starResourceMarkdown,
  "policy-acknowledgements": acknowledgementsMarkdown,
};
