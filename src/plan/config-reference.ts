/**
 * The configuration reference, generated from the schemas: every top-level key of the stack file
 * (src/config/schema.ts, with TOP_LEVEL_DOCS) and every sizing path `overrides` may set
 * (sizing/schema.ts, each field's `.describe()`), with its type or allowed values, its default (per
 * tier, prod and where it differs dev: sizing/table.ts, sizing/environments.ts) and its description. Suggested generated block name:
 * `config-reference`.
 */
import type { z } from "zod";
import { resolveSizing, sizingSchema, type Sizing, type Tier, TIER_NAMES } from "../../sizing";
import { TOP_LEVEL_DOCS, topLevelSchema } from "../config/schema";

/** A zod schema as far as the reference reads it: its definition's kind and parts. */
interface Def {
  type: string;
  innerType?: z.ZodType;
  entries?: Record<string, string>;
  options?: z.ZodType[];
  values?: unknown[];
  element?: z.ZodType;
  shape?: Record<string, z.ZodType>;
  format?: string;
}

const defOf = (schema: z.ZodType): Def => (schema as unknown as { _zod: { def: Def } })._zod.def;

/** Strips `optional` wrappers. */
function unwrap(schema: z.ZodType): z.ZodType {
  let s = schema;
  while (defOf(s).type === "optional" && defOf(s).innerType) s = defOf(s).innerType as z.ZodType;
  return s;
}

/** The object schema's fields, or undefined for a leaf. */
function fieldsOf(schema: z.ZodType): Record<string, z.ZodType> | undefined {
  const s = unwrap(schema) as unknown as { shape?: Record<string, z.ZodType> };
  return defOf(unwrap(schema)).type === "object" ? s.shape : undefined;
}

interface Bound {
  value: number;
  inclusive: boolean;
}

/**
 * A number schema's bounds, read from its checks (zod v4 records `.min()`, `.positive()`, `.max()` ... as
 * `greater_than`/`less_than` checks with `inclusive`; the schema's `minValue` cannot tell `.positive()`,
 * an exclusive 0, from `.nonnegative()`). The tightest of each side wins.
 */
function numberBounds(schema: z.ZodType): { min?: Bound; max?: Bound } {
  const checks = ((defOf(schema) as Def & { checks?: { _zod: { def: { check: string; value?: unknown; inclusive?: boolean } } }[] }).checks ?? []).map((c) => c._zod.def);
  const bounds = (kind: string) => checks.filter((c) => c.check === kind && typeof c.value === "number").map((c) => ({ value: c.value as number, inclusive: c.inclusive !== false }));
  const tighter = (better: (a: Bound, b: Bound) => boolean) => (a: Bound | undefined, b: Bound) => (a === undefined || better(b, a) ? b : a);
  const min = bounds("greater_than").reduce<Bound | undefined>(tighter((a, b) => a.value > b.value || (a.value === b.value && !a.inclusive)), undefined);
  const max = bounds("less_than").reduce<Bound | undefined>(tighter((a, b) => a.value < b.value || (a.value === b.value && !a.inclusive)), undefined);
  return { min, max };
}

/** "number (integer, 2–4)", "one of: single, perAz", "list of string", ... */
export function typeOf(schema: z.ZodType): string {
  const s = unwrap(schema);
  const def = defOf(s);
  const bag = s as unknown as { isInt?: boolean };
  switch (def.type) {
    case "enum":
      return `one of: ${Object.values(def.entries ?? {}).join(", ")}`;
    case "union": {
      const literals = (def.options ?? []).flatMap((o) => defOf(o).values ?? []);
      return literals.length === (def.options ?? []).length ? `one of: ${literals.join(", ")}` : "union";
    }
    case "number": {
      const { min, max } = numberBounds(s);
      const lower = min && (min.inclusive ? `≥ ${min.value}` : `> ${min.value}`);
      const upper = max && (max.inclusive ? `≤ ${max.value}` : `< ${max.value}`);
      const range = min?.inclusive && max?.inclusive ? `${min.value}–${max.value}` : [lower, upper].filter(Boolean).join(", ");
      const kind = bag.isInt ? "integer" : "number";
      return range ? `${kind} (${range})` : kind;
    }
    case "string":
      return def.format && def.format !== "regex" ? `string (${def.format})` : "string";
    case "boolean":
      return "boolean";
    case "array":
      return `list of ${def.element ? typeOf(def.element) : "values"}`;
    case "record":
      return "map";
    case "object":
      return `object (${Object.keys(fieldsOf(s) ?? {}).join(", ")})`;
    default:
      return def.type;
  }
}

/** One row per leaf of the sizing schema: its dotted path and schema. Objects keyed by GPU type are leaves. */
export function sizingFields(schema: z.ZodType = sizingSchema, prefix = ""): { path: string; schema: z.ZodType }[] {
  const fields = fieldsOf(schema);
  if (!fields || (prefix !== "" && !schema.description && prefix.split(".").length > 1 && Object.values(fields).every((f) => !f.description))) {
    return [{ path: prefix, schema }];
  }
  return Object.entries(fields).flatMap(([k, f]) => {
    const path = prefix ? `${prefix}.${k}` : k;
    // A documented object whose fields are not (per-GPU-type lists, per-GPU throughput) is one setting.
    const sub = fieldsOf(f);
    if (sub && f.description && Object.values(sub).every((x) => !x.description)) return [{ path, schema: f }];
    return sub ? sizingFields(f, path) : [{ path, schema: f }];
  });
}

/** The description of a field: its own, or (a shared sub-schema such as a worker priority) its parent's. */
function descriptionOf(schema: z.ZodType): string {
  return schema.description ?? defOf(schema).innerType?.description ?? "";
}

function valueAt(sizing: Sizing, path: string): unknown {
  return path.split(".").reduce<unknown>((v, k) => (v !== null && typeof v === "object" ? (v as Record<string, unknown>)[k] : undefined), sizing);
}

/** A value as one short table cell. */
function show(v: unknown): string {
  if (Array.isArray(v)) return v.length === 0 ? "none" : v.map(show).join(", ");
  if (v !== null && typeof v === "object") return Object.entries(v).map(([k, x]) => `${k}: ${show(x)}`).join("; ");
  return String(v);
}

/** A tier's value of a sizing path: prod's, followed by dev's where the dev profile changes it. */
function tierValue(tier: Tier, path: string): string {
  const prod = show(valueAt(resolveSizing(tier, "prod"), path));
  const dev = show(valueAt(resolveSizing(tier, "dev"), path));
  return prod === dev ? prod : `${prod} (dev: ${dev})`;
}

const cell = (s: string) => s.replace(/\|/g, "\\|").replace(/\n/g, " ");
const row = (cells: string[]) => `| ${cells.map(cell).join(" | ")} |`;

/**
 * The reference as markdown: the top-level keys (key, type, default, description), then every
 * `overrides` path with the prod value per tier and the dev value where it differs (sizing/environments.ts).
 */
export function configReferenceMarkdown(): string {
  const out: string[] = [];
  out.push(row(["key", "type / allowed values", "default", "description"]));
  out.push(row(["---", "---", "---", "---"]));
  // The region is the AWS provider's key, not this project's: required all the same.
  out.push(row(["`aws:region`", "an AWS region", "required", "Region of the stack (the cost model prices us-east-1; the AZ count is checked against sizing/regions.ts)."]));
  for (const [key, schema] of Object.entries(topLevelSchema.shape) as [keyof typeof TOP_LEVEL_DOCS, z.ZodType][]) {
    const doc = TOP_LEVEL_DOCS[key];
    const required = defOf(schema).type !== "optional";
    out.push(row([`\`${key}\``, typeOf(schema), doc.default ?? (required ? "required" : "unset"), doc.description]));
  }
  out.push("");
  out.push(
    "Every `overrides` path (JSON in the stack file, e.g. `overrides: '{\"gateway\":{\"maxTasks\":30}}'`); defaults are the prod table per tier, followed by `(dev: …)` where the dev profile adjusts it (sizing/environments.ts).",
  );
  out.push("");
  out.push(row(["`overrides` path", "type / allowed values", ...TIER_NAMES, "description"]));
  out.push(row(["---", "---", ...TIER_NAMES.map(() => "---"), "---"]));
  for (const { path, schema } of sizingFields()) {
    out.push(row([`\`${path}\``, typeOf(schema), ...TIER_NAMES.map((t) => tierValue(t, path)), descriptionOf(schema)]));
  }
  return out.join("\n") + "\n";
}
