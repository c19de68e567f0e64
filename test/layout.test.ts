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
import { isRelative, isTypeScriptSource, moduleSpecifiers, typeScriptSources } from "./support/imports";

const ROOT = path.resolve(__dirname, "..");
const SOURCE_ROOTS = ["sizing", "src", "components", "policy", "bench"];
/** Lines a source file may have (tests excluded): STYLE.md's "one concern per file", measured. */
const MAX_SOURCE_LINES = 450;

/** Repository-relative targets of the relative specifiers in `text`, a file at `file` (every import form). */
function relativeTargets(file: string, text: string): string[] {
  return moduleSpecifiers(text)
    .filter(isRelative)
    .map((s) => path.normalize(path.join(path.dirname(file), s)));
}

/** Repository-relative targets of a file's relative imports. */
function relativeImports(file: string): string[] {
  return relativeTargets(file, fs.readFileSync(path.join(ROOT, file), "utf8"));
}

const roomOf = (target: string) => target.split(path.sep)[0];

describe("layout", () => {
  const files = SOURCE_ROOTS.flatMap((dir) => typeScriptSources(ROOT, dir));

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

describe("the import scan", () => {
  // Each form a file can load another by, as a one-line fixture in components/: the scan must see
  // src/ in every one, or a leak written that way would pass the rules above.
  const FILE = path.join("components", "inference", "fixture.ts");
  it.each([
    ["static import, double quotes", 'import { x } from "../../src/platform";'],
    ["static import, single quotes", "import { x } from '../../src/platform';"],
    ["type-only import", 'import type { X } from "../../src/platform";'],
    ["re-export", 'export * from "../../src/platform";'],
    ["side-effect import", 'import "../../src/platform";'],
    ["import = require", 'import platform = require("../../src/platform");'],
    ["require", "const platform = require('../../src/platform');"],
    ["dynamic import", 'const platform = await import("../../src/platform");'],
    ["template-literal dynamic import, static prefix", "const mod = await import(`../../src/${name}`);"],
    ["template-literal dynamic import, no placeholder", "const mod = await import(`../../src/platform`);"],
  ])("sees %s", (_form, fixture) => {
    expect(relativeTargets(FILE, fixture).map(roomOf)).toEqual(["src"]);
  });

  it("sees a bare `..` and `.`", () => {
    expect(relativeTargets(path.join("src", "plan", "x.ts"), 'import { a } from "..";\nimport { b } from ".";')).toEqual(["src", path.join("src", "plan")]);
  });

  it("ignores package imports and reads .mts and .cts files, not declarations", () => {
    expect(relativeTargets(FILE, 'import * as aws from "@pulumi/aws";\nconst fs = require("node:fs");')).toEqual([]);
    expect(["a.ts", "a.mts", "a.cts", "a.d.ts", "a.d.mts", "a.js"].filter(isTypeScriptSource)).toEqual(["a.ts", "a.mts", "a.cts"]);
  });
});
