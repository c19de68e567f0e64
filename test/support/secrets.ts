/**
 * Finds plain-text secrets in a rendered graph. Under mocks a secret input arrives wrapped in
 * Pulumi's secret envelope (the sig key below); anything a secret generator produced that shows up
 * outside that envelope, or any password/token/secret-named input holding a bare literal, is a leak.
 */
import type { RenderedGraph } from "./graph";

/** Pulumi's RPC signature marking a secret value (`specialSigKey` → `specialSecretSig`). */
const SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

/** Keys whose values must never be bare literals. */
export const SECRET_KEY_PATTERN = /password|authToken|secret/i;
/** Keys that name or point at a secret rather than hold one (ARNs, ids, names, strategies, flags). */
const REFERENCE_KEY_PATTERN = /(arn|arns|id|ids|name|names|strategy|stages|description|enabled|count)$/i;

export interface SecretLeak {
  resource: string;
  path: string;
  reason: string;
}

export function isSecretEnvelope(v: unknown): boolean {
  return typeof v === "object" && v !== null && (v as Record<string, unknown>)[SIG_KEY] === SECRET_SIG;
}

/** Every leak in the graph's resource inputs (JSON-string inputs such as policies are walked too). */
export function secretLeaks(graph: RenderedGraph, generatedPrefix = "mock-password-"): SecretLeak[] {
  const leaks: SecretLeak[] = [];
  const references = new Set(graph.resources.flatMap((r) => [r.id, r.name]).filter((s) => s));

  function visit(resource: string, path: string, key: string, value: unknown): void {
    if (isSecretEnvelope(value)) return;
    if (typeof value === "string") {
      if (value.includes(generatedPrefix)) {
        leaks.push({ resource, path, reason: `generated secret "${value.slice(0, 40)}…" outside a secret` });
        return;
      }
      if (SECRET_KEY_PATTERN.test(key) && !REFERENCE_KEY_PATTERN.test(key) && !value.startsWith("arn:") && !references.has(value)) {
        leaks.push({ resource, path, reason: `"${key}" holds a plain literal` });
      }
      const trimmed = value.trim();
      if (trimmed.startsWith("{") || trimmed.startsWith("[")) {
        try {
          visit(resource, `${path}(json)`, key, JSON.parse(trimmed));
        } catch {
          // Not JSON: already checked as a string.
        }
      }
      return;
    }
    if (Array.isArray(value)) {
      value.forEach((v, i) => visit(resource, `${path}[${i}]`, key, v));
      return;
    }
    if (typeof value === "object" && value !== null) {
      for (const [k, v] of Object.entries(value)) visit(resource, path ? `${path}.${k}` : k, k, v);
    }
  }

  for (const r of graph.resources) visit(r.name, "", "", r.inputs);
  return leaks;
}
