/**
 * The rooms of the codebase and which way they may depend (README "Layout"):
 *
 *   sizing/      the floor: every number and AWS fact the platform is sized against; imports nothing of ours
 *   components/  ComponentResources; read their args and sizing/ types, never src/
 *   policy/      the policy pack; published on its own, so never src/ either
 *   src/         the entry, config, composition root and the offline plan; may read everything
 *
 * and how big a file may grow before it should be split (a file a reader can hold in mind).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(__dirname, "..");
const SOURCE_ROOTS = ["sizing", "src", "components", "policy", "bench"];
/** Lines a source file may have (tests excluded): STYLE.md's "one concern per file", measured. */
const MAX_SOURCE_LINES = 450;

function sourceFiles(dir: string): string[] {
  const abs = path.join(ROOT, dir);
  if (!fs.existsSync(abs)) return [];
  return fs.readdirSync(abs, { withFileTypes: true }).flatMap((e) => {
    const rel = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === "node_modules" ? [] : sourceFiles(rel);
    return e.name.endsWith(".ts") && !e.name.endsWith(".d.ts") ? [rel] : [];
  });
}

/** Repository-relative targets of a file's relative imports (static, dynamic and `export ... from`). */
function relativeImports(file: string): string[] {
  const text = fs.readFileSync(path.join(ROOT, file), "utf8");
  const specs = [...text.matchAll(/(?:from\s+|import\(\s*)["'](\.{1,2}\/[^"']*)["']/g)].map((m) => m[1]);
  return specs.map((s) => path.normalize(path.join(path.dirname(file), s)));
}

const roomOf = (target: string) => target.split(path.sep)[0];

describe("layout", () => {
  const files = SOURCE_ROOTS.flatMap(sourceFiles);

  it("finds the source rooms", () => {
    for (const room of ["sizing", "src", "components", "policy"]) expect(files.some((f) => roomOf(f) === room)).toBe(true);
  });

  it("sizing/ imports nothing of ours outside sizing/", () => {
    const leaks = files.filter((f) => roomOf(f) === "sizing").flatMap((f) => relativeImports(f).filter((t) => roomOf(t) !== "sizing").map((t) => `${f} -> ${t}`));
    expect(leaks).toEqual([]);
  });

  it.each(["components", "policy"])("%s/ never imports from src/", (room) => {
    const leaks = files.filter((f) => roomOf(f) === room).flatMap((f) => relativeImports(f).filter((t) => roomOf(t) === "src").map((t) => `${f} -> ${t}`));
    expect(leaks).toEqual([]);
  });

  it(`no source file is longer than ${MAX_SOURCE_LINES} lines`, () => {
    const long = files
      .map((f) => ({ f, lines: fs.readFileSync(path.join(ROOT, f), "utf8").split("\n").length }))
      .filter(({ lines }) => lines > MAX_SOURCE_LINES)
      .map(({ f, lines }) => `${f}: ${lines}`);
    expect(long).toEqual([]);
  });

  it("the import scan sees imports (a scan that finds nothing would pass every rule above)", () => {
    expect(relativeImports("src/platform.ts").some((t) => roomOf(t) === "components")).toBe(true);
  });
});
