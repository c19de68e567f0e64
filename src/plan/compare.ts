/**
 * Base-vs-head comparison for pull requests (`npm run plan -- --compare-to <base.json>`): per stack and
 * tier, the monthly cost, $/DAU, budget verdict, capacity headroom and policy counts before and after,
 * and the cost lines that changed, as one Markdown comment (infracost style) or JSON.
 */
import { type CompareLine, type CompareRow, compareRow, PLAN_SCHEMA_VERSION, type Plan, usd } from "./report";
import { TIER_NAMES } from "../../sizing";

/** Marker of the pull-request comment: the workflow finds and updates the comment that carries it. */
export const COMMENT_MARKER = "<!-- inference-platform-plan -->";

/** Changes smaller than this (USD/month) are rounding, not a changed line. */
const LINE_CHANGE_USD = 0.5;
/** Changed lines listed per stack and tier before "… and N more". */
const MAX_LINES = 15;

/** The `--compare` JSON document: every tier of every planned stack. */
export interface CompareDocument {
  schemaVersion: number;
  kind: "compare";
  stacks: { stack: string; tiers: CompareRow[] }[];
}

export function compareDocument(rows: CompareRow[]): CompareDocument {
  const stacks = [...new Set(rows.map((r) => r.stack))];
  return { schemaVersion: PLAN_SCHEMA_VERSION, kind: "compare", stacks: stacks.map((stack) => ({ stack, tiers: rows.filter((r) => r.stack === stack) })) };
}

export class BaseDocumentError extends Error {
  override name = "BaseDocumentError";
}

/**
 * The rows of a base document: a plan (`--format json`), a compare document (`--compare --format
 * json`), or a compare document from before schema versions (`{ stack, tiers }`, no cost lines).
 */
export function rowsOfDocument(doc: unknown, source: string): CompareRow[] {
  const d = doc as Record<string, unknown> | null;
  if (d === null || typeof d !== "object") throw new BaseDocumentError(`${source}: not a plan JSON document`);
  if (typeof d.schemaVersion === "number" && d.schemaVersion > PLAN_SCHEMA_VERSION) {
    throw new BaseDocumentError(`${source}: schemaVersion ${d.schemaVersion} is newer than this plan's ${PLAN_SCHEMA_VERSION}`);
  }
  if (Array.isArray(d.stacks)) return (d as unknown as CompareDocument).stacks.flatMap((s) => s.tiers.map((t) => normalise({ ...t, stack: t.stack ?? s.stack })));
  if (typeof d.stack === "string" && Array.isArray(d.tiers)) return (d.tiers as CompareRow[]).map((t) => normalise({ ...t, stack: d.stack as string }));
  if (typeof d.stack === "string" && d.cost && d.capacity) {
    const p = d as unknown as Plan;
    return [compareRow({ ...p, policy: p.policy ?? { mandatoryFailures: 0, advisoryFailures: 0 } })];
  }
  throw new BaseDocumentError(`${source}: neither a plan nor a compare document (expected stack + cost, or stacks[])`);
}

/** Fills fields an older document lacks. */
function normalise(r: Partial<CompareRow> & Pick<CompareRow, "stack" | "tier" | "monthlyUsd">): CompareRow {
  return {
    environment: "",
    dau: 0,
    usdPerDau: 0,
    budgetUsd: 0,
    fitsBudget: true,
    apiHeadroom: 0,
    inferenceHeadroom: 0,
    jobsHeadroom: 0,
    requiredHeadroom: 0,
    capacityOk: true,
    mandatoryFailures: 0,
    advisoryFailures: 0,
    unpriced: [],
    lines: [],
    ...r,
    budget: r.budget ?? { status: r.fitsBudget === false ? "over" : "fits", overUsd: r.monthlyUsd - (r.budgetUsd ?? 0), allowedOverUsd: 0 },
  };
}

export interface LineChange {
  component: string;
  item: string;
  beforeUsd: number;
  afterUsd: number;
  deltaUsd: number;
}

export interface RowDiff {
  stack: string;
  tier: string;
  /** `new`: not in the base; `removed`: not in the head. */
  status: "changed" | "unchanged" | "new" | "removed";
  before?: CompareRow;
  after?: CompareRow;
  deltaUsd: number;
  lines: LineChange[];
}

export interface DiffDocument {
  schemaVersion: number;
  kind: "diff";
  rows: RowDiff[];
}

/**
 * Lines are matched by component and item with the numbers taken out: an item names its quantity
 * ("nodes: min 1 + 0.1 × 24 h/day"), and a change of quantity is one changed line, not a removed and
 * an added one. Lines of one plan that share a key are summed.
 */
const lineKey = (l: CompareLine) => `${l.component}\u0000${l.item.replace(/\d+(?:[.,]\d+)*/g, "#")}`;

/** The cost lines that differ by at least {@link LINE_CHANGE_USD}, largest change first. */
export function diffLines(before: CompareLine[], after: CompareLine[]): LineChange[] {
  const sum = (ls: CompareLine[]) => {
    const m = new Map<string, CompareLine>();
    for (const l of ls) {
      const prev = m.get(lineKey(l));
      m.set(lineKey(l), { ...l, monthlyUsd: (prev?.monthlyUsd ?? 0) + l.monthlyUsd });
    }
    return m;
  };
  const b = sum(before);
  const a = sum(after);
  const out: LineChange[] = [];
  for (const key of new Set([...b.keys(), ...a.keys()])) {
    const l = a.get(key) ?? b.get(key)!;
    const beforeUsd = b.get(key)?.monthlyUsd ?? 0;
    const afterUsd = a.get(key)?.monthlyUsd ?? 0;
    if (Math.abs(afterUsd - beforeUsd) >= LINE_CHANGE_USD) out.push({ component: l.component, item: l.item, beforeUsd, afterUsd, deltaUsd: afterUsd - beforeUsd });
  }
  return out.sort((x, y) => Math.abs(y.deltaUsd) - Math.abs(x.deltaUsd) || x.component.localeCompare(y.component) || x.item.localeCompare(y.item));
}

const rowKey = (r: { stack: string; tier: string }) => `${r.stack}@${r.tier}`;
const tierOrder = (t: string) => (TIER_NAMES as readonly string[]).indexOf(t);

/** Base and head rows matched by stack and tier. */
export function diffRows(base: CompareRow[], head: CompareRow[]): DiffDocument {
  const b = new Map(base.map((r) => [rowKey(r), r]));
  const h = new Map(head.map((r) => [rowKey(r), r]));
  const rows: RowDiff[] = [];
  for (const key of new Set([...h.keys(), ...b.keys()])) {
    const before = b.get(key);
    const after = h.get(key);
    const { stack, tier } = (after ?? before)!;
    const lines = diffLines(before?.lines ?? [], after?.lines ?? []);
    const deltaUsd = (after?.monthlyUsd ?? 0) - (before?.monthlyUsd ?? 0);
    const same =
      before &&
      after &&
      lines.length === 0 &&
      Math.abs(deltaUsd) < LINE_CHANGE_USD &&
      before.budget.status === after.budget.status &&
      before.capacityOk === after.capacityOk &&
      before.mandatoryFailures === after.mandatoryFailures &&
      before.advisoryFailures === after.advisoryFailures &&
      [before.apiHeadroom, before.inferenceHeadroom, before.jobsHeadroom].join() === [after.apiHeadroom, after.inferenceHeadroom, after.jobsHeadroom].join();
    rows.push({ stack, tier, status: !before ? "new" : !after ? "removed" : same ? "unchanged" : "changed", before, after, deltaUsd, lines });
  }
  rows.sort((x, y) => x.stack.localeCompare(y.stack) || tierOrder(x.tier) - tierOrder(y.tier));
  return { schemaVersion: PLAN_SCHEMA_VERSION, kind: "diff", rows };
}

// ---------------------------------------------------------------------------------------------
// Rendering.
// ---------------------------------------------------------------------------------------------

const signedUsd = (n: number) => (Math.abs(n) < LINE_CHANGE_USD ? "$0" : `${n > 0 ? "+" : "−"}${usd(Math.abs(n))}`);
const pct = (before: number, after: number) => (before > 0 && Math.abs(after - before) >= LINE_CHANGE_USD ? ` (${after >= before ? "+" : "−"}${(Math.abs(after / before - 1) * 100).toFixed(1)}%)` : "");
const arrow = (before: string | undefined, after: string | undefined) => (before === undefined ? `new: ${after}` : after === undefined ? `${before} → removed` : before === after ? after : `${before} → ${after}`);

function verdict(r: CompareRow | undefined, markdown: boolean): string | undefined {
  if (!r) return undefined;
  const b = r.budget;
  const icon = (ok: string, warn: string, bad: string) => (markdown ? (b.status === "fits" ? ok : b.status === "exception" ? warn : bad) : "");
  const text = b.status === "fits" ? `fits ${usd(r.budgetUsd)}` : b.status === "exception" ? `+${usd(b.overUsd)} over ${usd(r.budgetUsd)} (documented)` : `OVER ${usd(r.budgetUsd)} by ${usd(b.overUsd)}`;
  return `${icon("✅ ", "⚠️ ", "❌ ")}${text}`;
}

const headroom = (r: CompareRow | undefined) => (r ? `${r.apiHeadroom}× / ${r.inferenceHeadroom}× / ${r.jobsHeadroom}×` : undefined);
const capacity = (r: CompareRow | undefined, markdown: boolean) => (r ? `${r.capacityOk ? (markdown ? "✅ " : "") + "ok" : (markdown ? "❌ " : "") + "NOT OK"}` : undefined);
const policy = (r: CompareRow | undefined) => (r ? `${r.mandatoryFailures} / ${r.advisoryFailures}` : undefined);

function table(headers: string[], rows: string[][], markdown: boolean): string {
  if (markdown) {
    const line = (r: string[]) => `| ${r.map((c) => c.replace(/\|/g, "\\|")).join(" | ")} |`;
    return [line(headers), line(headers.map(() => "---")), ...rows.map(line)].join("\n");
  }
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i])).join("  ").trimEnd();
  return [line(headers), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}

/** The comparison as the pull-request comment (Markdown, with {@link COMMENT_MARKER}) or a terminal table. */
export function formatDiff(diff: DiffDocument, markdown: boolean): string {
  const out: string[] = [];
  const changed = diff.rows.filter((r) => r.status !== "unchanged");
  const total = diff.rows.reduce((s, r) => s + r.deltaUsd, 0);
  if (markdown) out.push(COMMENT_MARKER);
  out.push(markdown ? "## Cost and capacity of this pull request" : "Cost and capacity: base → head");
  out.push("");
  out.push(
    changed.length === 0
      ? "No change in monthly cost, budget verdict, capacity or policy for any stack and tier."
      : `${changed.length} of ${diff.rows.length} stack × tier plans change; monthly cost ${signedUsd(total)} summed over them.`,
  );
  out.push("");
  const money = (r: CompareRow | undefined) => (r ? usd(r.monthlyUsd) : undefined);
  const perDau = (r: CompareRow | undefined) => (r ? `$${r.usdPerDau.toFixed(4)}` : undefined);
  out.push(
    table(
      ["stack", "tier", "monthly", "change", "$/DAU", "budget", "headroom API / inference / jobs", "capacity", "policy mandatory / advisory"],
      diff.rows.map((r) => [
        r.stack,
        r.tier,
        arrow(money(r.before), money(r.after)),
        `${signedUsd(r.deltaUsd)}${r.before && r.after ? pct(r.before.monthlyUsd, r.after.monthlyUsd) : ""}`,
        arrow(perDau(r.before), perDau(r.after)),
        arrow(verdict(r.before, markdown), verdict(r.after, markdown)),
        arrow(headroom(r.before), headroom(r.after)),
        arrow(capacity(r.before, markdown), capacity(r.after, markdown)),
        arrow(policy(r.before), policy(r.after)),
      ]),
      markdown,
    ),
  );
  for (const r of diff.rows.filter((x) => x.lines.length > 0)) {
    const shown = r.lines.slice(0, MAX_LINES);
    const rows = shown.map((l) => [l.component, l.item, usd(l.beforeUsd), usd(l.afterUsd), signedUsd(l.deltaUsd)]);
    if (r.lines.length > shown.length) rows.push(["…", `and ${r.lines.length - shown.length} more`, "", "", ""]);
    const title = `${r.stack} at ${r.tier}: ${r.lines.length} cost line${r.lines.length === 1 ? "" : "s"} changed (${signedUsd(r.deltaUsd)}/month)`;
    out.push("");
    if (markdown) out.push(`<details><summary>${title}</summary>`, "");
    else out.push(title);
    out.push(table(["component", "item", "before", "after", "change"], rows, markdown));
    if (markdown) out.push("", "</details>");
  }
  out.push("");
  out.push(
    markdown
      ? "<sub>Offline plan under mocks (`npm run plan -- --compare-to`), list prices; budget verdicts count the documented exceptions of src/plan/budget.ts. Headroom: capacity at max scale over the modeled peak.</sub>"
      : "Offline plan under mocks; list prices; headroom = capacity at max scale over the modeled peak.",
  );
  return `${out.join("\n")}\n`;
}
