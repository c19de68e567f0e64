/**
 * The module specifiers a TypeScript source names, in every form that loads a module: static
 * `import ... from` and `export ... from`, a side-effect `import "x"`, `import x = require("x")`,
 * `require("x")`, `import("x")`, and a template-literal `import(`x/${y}`)` (its static prefix). Single
 * and double quotes alike. For the rules that pin which way the rooms depend (test/layout.test.ts)
 * and that the policy pack is self-contained (test/policy/rules.test.ts).
 *
 * It reads text, not a syntax tree: a specifier quoted after `from` in a comment counts too, which
 * errs on the side of flagging.
 */
import * as fs from "node:fs";
import * as path from "node:path";

/** `from "x"`, `import "x"`, `import("x")`, `require("x")` (and `import x = require("x")`). */
const QUOTED = /(?:\bfrom\s*|\bimport\s*\(?\s*|\brequire\s*\(\s*)(["'])([^"'\n]+)\1/g;
/** `import(`x/${y}`)` / `require(`x`)`: the part before the first `${` (all of it if there is none). */
const TEMPLATE = /\b(?:import|require)\s*\(\s*`([^`$\n]*)(?:\$\{|`)/g;

/** Every module specifier in `text`; a template literal's static prefix stands for its specifier. */
export function moduleSpecifiers(text: string): string[] {
  const quoted = [...text.matchAll(QUOTED)].map((m) => m[2]);
  const templates = [...text.matchAll(TEMPLATE)].map((m) => m[1]).filter((s) => s !== "");
  return [...quoted, ...templates];
}

/** A specifier that names a file of ours: `.`, `..`, or one starting `./` or `../`. */
export const isRelative = (spec: string): boolean => /^\.{1,2}(?:\/|$)/.test(spec);

/** TypeScript sources (`.ts`, `.mts`, `.cts`; declarations excluded). */
export const isTypeScriptSource = (file: string): boolean => /\.[cm]?ts$/.test(file) && !/\.d\.[cm]?ts$/.test(file);

/** TypeScript sources under `dir` (relative to `root`), recursively, never inside node_modules. */
export function typeScriptSources(root: string, dir: string): string[] {
  const abs = path.join(root, dir);
  if (!fs.existsSync(abs)) return [];
  return fs.readdirSync(abs, { withFileTypes: true }).flatMap((e) => {
    const rel = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === "node_modules" ? [] : typeScriptSources(root, rel);
    return isTypeScriptSource(e.name) ? [rel] : [];
  });
}
