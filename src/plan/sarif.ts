/**
 * Policy findings as SARIF 2.1.0 (`npm run plan -- --format sarif`, `--sarif <file>`), for GitHub code
 * scanning (github/codeql-action/upload-sarif). One run of the guardrail pack over every planned stack:
 * every rule with its Checkov/FSBP ids and remediation text, every finding located at the stack file
 * it comes from (the resource's URN as its logical location).
 *
 * Field choices follow GitHub's SARIF support
 * (https://docs.github.com/en/code-security/code-scanning/integrating-with-code-scanning/sarif-support-for-code-scanning):
 * `properties.security-severity` (0–10) sets the alert severity, `partialFingerprints` keeps an alert
 * the same alert across runs, `help.markdown` is shown with it.
 */
import { createHash } from "node:crypto";
import type * as sarif from "sarif";
import { RULES } from "../../policy/index";
import { remediationOf } from "../../policy/remediation";
import type { Plan } from "./report";

export const SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json";

/** GitHub maps security-severity > 9 critical, 7–8.9 high, 4–6.9 medium, 0.1–3.9 low. */
const SECURITY_SEVERITY: Record<string, string> = { critical: "9.5", high: "8.0", medium: "5.5", low: "3.0" };

const fingerprint = (...parts: string[]) => createHash("sha256").update(parts.join("\u0000")).digest("hex").slice(0, 32);

export function toSarif(plans: Plan[], toolVersion: string): sarif.Log {
  const index = new Map(RULES.map((r, i) => [r.id, i]));
  const rules: sarif.ReportingDescriptor[] = RULES.map((r) => {
    const checkov = r.controls.checkov ?? [];
    const fsbp = r.controls.fsbp ?? [];
    const remediation = remediationOf(r.id);
    const controls = [checkov.length ? `Checkov: ${checkov.join(", ")}` : "", fsbp.length ? `AWS FSBP: ${fsbp.join(", ")}` : ""].filter(Boolean).join("; ");
    return {
      id: r.id,
      name: r.id,
      shortDescription: { text: r.description },
      fullDescription: { text: `${r.description}${controls ? ` (${controls})` : ""}` },
      help: {
        text: `${remediation}${controls ? `\nControls: ${controls}` : ""}`,
        markdown: `**Remediation:** ${remediation}${controls ? `\n\n**Controls:** ${controls}` : ""}`,
      },
      defaultConfiguration: { level: r.enforcement === "mandatory" ? "error" : "warning" },
      properties: {
        tags: ["security", "pulumi", ...checkov, ...fsbp.map((f) => `FSBP-${f}`)],
        precision: "high",
        "security-severity": SECURITY_SEVERITY[r.severity] ?? "5.5",
        enforcement: r.enforcement,
        checkov,
        fsbp,
      },
    };
  });
  const results: sarif.Result[] = plans.flatMap((p) =>
    p.policy.failures.map((f) => ({
      ruleId: f.rule,
      ruleIndex: index.get(f.rule),
      // The level CrossGuard enforces for this stack (dev: its exceptions advisory).
      level: f.mandatory ? "error" : "warning",
      message: { text: `${p.stack} (${p.tier}): ${f.resource}: ${f.message}` },
      locations: [
        {
          physicalLocation: { artifactLocation: { uri: `Pulumi.${p.stack}.yaml` }, region: { startLine: 1 } },
          logicalLocations: [{ fullyQualifiedName: f.urn, name: f.resource, kind: "resource" }],
        },
      ],
      partialFingerprints: { "pulumiResourceRule/v1": fingerprint(p.stack, p.tier, f.rule, f.urn) },
      properties: { stack: p.stack, tier: p.tier, environment: p.environment, resourceUrn: f.urn },
    })),
  );
  return {
    $schema: SARIF_SCHEMA,
    version: "2.1.0",
    runs: [
      {
        tool: { driver: { name: "inference-platform-guardrails", version: toolVersion, informationUri: "https://www.pulumi.com/docs/iac/using-pulumi/crossguard/", rules } },
        automationDetails: { id: `inference-platform-plan/${[...new Set(plans.map((p) => p.stack))].join("+")}/` },
        results,
      },
    ],
  };
}
