/**
 * `npm run fingerprint -- [--out <dir>]`
 *
 * Renders every stack file at every tier (and a few variants that take other code paths) and prints
 * one SHA-256 per render over its canonical JSON: every resource's URN, type, parent and inputs, the
 * data-source calls, the stack outputs and the parsed config. A structural change (moving files,
 * changing where facts live) must leave every line of this output unchanged; `--out` also writes each
 * canonical graph so two runs can be diffed resource by resource.
 */
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { listStacks, renderStack } from "./harness";
import { TIER_NAMES } from "../../sizing";

/** Config variants beyond the stack files: each takes a branch the stack files do not. */
const VARIANTS: Record<string, Record<string, string>> = {
  "": {},
  a10g: { gpuType: "a10g" },
  fastpull: { overrides: JSON.stringify({ gpu: { fastImagePull: true, fastImagePullThroughputMiBps: 600 } }) },
};

/** JSON with object keys sorted, so the hash depends on content, not insertion order. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
    1,
  );
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { out: { type: "string" } } });
  if (values.out) fs.mkdirSync(values.out, { recursive: true });
  for (const stack of listStacks()) {
    for (const tier of TIER_NAMES) {
      for (const [variant, config] of Object.entries(VARIANTS)) {
        const graph = await renderStack({ stack, tier, config });
        const resources = graph.resources
          .map(({ urn, type, parent, custom, inputs }) => ({ urn, type, parent, custom, inputs }))
          .sort((a, b) => (a.urn < b.urn ? -1 : a.urn > b.urn ? 1 : 0));
        const calls = graph.calls.map((c) => canonicalJson(c)).sort();
        const text = canonicalJson({ resources, calls, outputs: graph.outputs, config: graph.config });
        const name = [stack, tier, variant].filter(Boolean).join("-");
        const hash = crypto.createHash("sha256").update(text).digest("hex");
        process.stdout.write(`${hash.slice(0, 16)}  ${name}  ${resources.length} resources\n`);
        if (values.out) fs.writeFileSync(path.join(values.out, `${name}.json`), text + "\n");
      }
    }
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
