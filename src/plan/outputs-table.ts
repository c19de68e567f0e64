/**
 * The docs' stack-outputs table: every output the program returns (found by rendering every shipped
 * stack at every tier with the harness), its description from src/outputs.ts, and the stacks and tiers
 * that export it. test/outputs.test.ts holds the two sides equal.
 */
import { STACK_OUTPUTS } from "../outputs";
import { TIER_NAMES } from "../../sizing";
import { listStacks, renderStack } from "./harness";

/** Which stacks export an output, at which tiers: stack → tiers. */
export type OutputPresence = Record<string, Record<string, string[]>>;

/** Renders a stack at a tier; the tests pass their shared, already rendered graphs. */
export type Render = (stack: string, tier: (typeof TIER_NAMES)[number]) => Promise<{ outputs: Record<string, unknown> }>;

/** Which outputs each shipped stack × tier returns. */
export async function collectOutputs(render: Render = (stack, tier) => renderStack({ stack, tier })): Promise<OutputPresence> {
  const presence: OutputPresence = {};
  for (const stack of listStacks()) {
    for (const tier of TIER_NAMES) {
      for (const name of Object.keys((await render(stack, tier)).outputs)) ((presence[name] ??= {})[stack] ??= []).push(tier);
    }
  }
  return presence;
}

let rendered: Promise<OutputPresence> | undefined;

/** {@link collectOutputs} with the harness, once per process. */
export function renderedOutputs(): Promise<OutputPresence> {
  rendered ??= collectOutputs();
  return rendered;
}

/** "every stack × tier", or per stack the tiers that export it ("prod: every tier", "dev: 1k"). */
function where(byStack: Record<string, string[]>, stacks: string[]): string {
  const everyTier = (s: string) => (byStack[s] ?? []).length === TIER_NAMES.length;
  if (stacks.every(everyTier)) return "every stack × tier";
  return stacks
    .filter((s) => byStack[s])
    .map((s) => `${s}: ${everyTier(s) ? "every tier" : byStack[s].join(", ")}`)
    .join("; ");
}

/** Markdown table of every stack output, in src/outputs.ts order. Throws when the two sides differ. */
export async function outputsTableMarkdown(): Promise<string> {
  const presence = await renderedOutputs();
  const undocumented = Object.keys(presence).filter((n) => !(n in STACK_OUTPUTS));
  const unexported = Object.keys(STACK_OUTPUTS).filter((n) => !(n in presence));
  if (undocumented.length || unexported.length) {
    throw new Error(
      `src/outputs.ts and the program disagree: undocumented ${undocumented.join(", ") || "none"}; never exported ${unexported.join(", ") || "none"}`,
    );
  }
  const stacks = listStacks();
  const chapterLink = (c: string) => (c === "stack" ? "[README](../README.md#stack-outputs)" : `[${c}](${c}.md)`);
  return [
    `${Object.keys(STACK_OUTPUTS).length} outputs (\`pulumi stack output <name>\`), from rendering ${stacks.join(" and ")} at ${TIER_NAMES.join(", ")}:`,
    "",
    "| output | meaning | exported by | explained in |",
    "|---|---|---|---|",
    ...Object.entries(STACK_OUTPUTS).map(
      ([name, doc]) => `| \`${name}\` | ${doc.description} | ${where(presence[name], stacks)} | ${chapterLink(doc.chapter)} |`,
    ),
  ].join("\n");
}
