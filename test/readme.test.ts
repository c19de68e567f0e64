/**
 * The README and the chapters under docs/: every generated block is in exactly one file and matches the
 * code (run `npm run docs` to refresh them), every relative link lands on a file and heading that exist,
 * and the commands they tell a newcomer to run exist.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { configReferenceMarkdown } from "../src/plan/config-reference";
import { blockLocations, blockNames, blockPattern, documentFiles, GENERATED_BLOCKS, regenerate } from "../src/plan/docs";
import { REPO_ROOT } from "../src/plan/harness";

const files = documentFiles();
const text = Object.fromEntries(files.map((f) => [f, fs.readFileSync(path.join(REPO_ROOT, f), "utf8")]));
const readme = text["README.md"];
const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> };

/** GitHub's heading anchor: lower case, punctuation dropped, spaces to hyphens. */
const slug = (heading: string) =>
  heading
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9 _-]/g, "")
    .replace(/ /g, "-");

/** Anchors of a Markdown file's headings (outside code fences). */
function anchors(markdown: string): Set<string> {
  const out = new Set<string>();
  let fence = false;
  for (const line of markdown.split("\n")) {
    if (line.startsWith("```")) fence = !fence;
    const m = !fence && /^#{1,6} (.+)$/.exec(line);
    if (m) out.add(slug(m[1]));
  }
  return out;
}

describe("generated blocks", () => {
  const locations = blockLocations();

  it("README.md and docs/*.md are the documents, and each block lives in exactly one of them", () => {
    expect(files[0]).toBe("README.md");
    expect(files).toContain("docs/configuration.md");
    expect(Object.keys(locations).sort()).toEqual(Object.keys(GENERATED_BLOCKS).sort());
    // The sizing table stays on the front door: a newcomer finds any sizing number from the README.
    expect(locations.sizing).toBe("README.md");
  });

  it.each(Object.keys(GENERATED_BLOCKS))("%s is up to date (npm run docs)", async (name) => {
    const file = locations[name];
    const current = blockPattern(name).exec(text[file])?.[2];
    expect(current, `${file} lacks the closing marker of ${name}`).toBeDefined();
    expect(current).toBe(await GENERATED_BLOCKS[name]());
  });

  it.each(files)("regenerating %s changes nothing", async (file) => {
    for (const name of blockNames(text[file])) expect(GENERATED_BLOCKS, `${file}: ${name}`).toHaveProperty(name);
    expect(await regenerate(text[file], file)).toBe(text[file]);
  });
});

describe("front door", () => {
  it("the README stays about 300 lines; the rest lives in chapters", () => {
    expect(readme.split("\n").length).toBeLessThanOrEqual(320);
  });

  it("the README links every chapter under docs/", () => {
    for (const file of files.slice(1)) expect(readme, file).toContain(`](${file})`);
  });

  it("every path the README's Layout block names exists", () => {
    const section = readme.split(/^## /m).find((s) => s.startsWith("Layout\n"));
    const block = section?.split("```")[1];
    expect(block, "the Layout section's code block").toBeDefined();
    const named: string[] = [];
    let room = "";
    for (const line of block!.split("\n")) {
      const m = /^( {0,2})(\S.*)$/.exec(line);
      if (!m) continue; // a continuation line (description only)
      // The names are the tokens before the first gap of two spaces, up to the first word that is not a path.
      const tokens = m[2].split(/ {2,}/)[0].split(" ");
      const isPath = (t: string) => /^\.?[\w.-]+(\/[\w.-]*)*$/.test(t) && /[./]/.test(t);
      const end = tokens.findIndex((t) => !isPath(t));
      const paths = end === -1 ? tokens : tokens.slice(0, end);
      if (m[1] === "" && paths.length > 0) room = paths[0].endsWith("/") ? paths[0] : "";
      named.push(...paths.map((p) => (m[1] === "" ? p : `${room}${p}`)));
    }
    expect(named).toEqual(expect.arrayContaining(["sizing/", "components/network/", "components/services/", "src/config/", "src/plan/", "bench/", ".ci/run"]));
    // build/ is git-ignored: it exists only after `npm run build`.
    const missing = named.filter((p) => p !== "build/" && !fs.existsSync(path.join(REPO_ROOT, p)));
    expect(missing).toEqual([]);
  });

  it("the README points to the file every sizing number lives in", () => {
    expect(readme).toContain("<!-- generated:sizing -->");
    expect(readme).toMatch(/\]\(sizing\/[a-z-]+\.ts\)/);
  });
});

describe("configuration", () => {
  it("the README's Configuration section names every key of the generated reference", () => {
    const section = readme.split(/^## /m).find((s) => s.startsWith("Configuration\n"));
    expect(section).toBeDefined();
    // The first table: the top-level keys (the overrides table below it is reached through `overrides`).
    const lines = configReferenceMarkdown().split("\n");
    const keys = lines
      .slice(2, lines.indexOf(""))
      .flatMap((row) => [...(row.split(" | ")[0] ?? "").matchAll(/`([^`]+)`/g)].map((m) => m[1]));
    expect(keys.length).toBeGreaterThan(10);
    for (const key of keys) expect(section, key).toContain(`\`${key}\``);
  });
});

describe("links", () => {
  it.each(files)("every relative link of %s lands on an existing file and heading", (file) => {
    const dir = path.dirname(path.join(REPO_ROOT, file));
    let fence = false;
    const broken: string[] = [];
    for (const line of text[file].split("\n")) {
      if (line.startsWith("```")) fence = !fence;
      if (fence) continue;
      for (const m of line.matchAll(/\]\(([^)\s]+)\)/g)) {
        const target = m[1];
        if (/^[a-z]+:/.test(target)) continue;
        const [rel, anchor] = target.split("#");
        const full = rel ? path.resolve(dir, rel) : path.join(REPO_ROOT, file);
        if (!fs.existsSync(full)) {
          broken.push(`${target}: no such file`);
          continue;
        }
        if (anchor && full.endsWith(".md") && !anchors(fs.readFileSync(full, "utf8")).has(anchor)) broken.push(`${target}: no such heading`);
      }
    }
    expect(broken).toEqual([]);
  });
});

describe("commands", () => {
  it("the docs name only npm scripts that exist", () => {
    const named = files.flatMap((f) => [...text[f].matchAll(/npm run (?:-\S+ )*([a-z][a-z:-]*)/g)].map((m) => m[1]));
    expect(named.length).toBeGreaterThan(0);
    for (const script of named) expect(pkg.scripts, `npm run ${script}`).toHaveProperty(script);
  });

  it("the README states the test command CI runs", () => {
    const ci = fs.readFileSync(path.join(REPO_ROOT, ".ci/run"), "utf8");
    expect(readme).toContain("npm ci && npm test");
    expect(ci).toMatch(/^npm ci$/m);
    expect(ci).toMatch(/^npm test$/m);
    expect(pkg.scripts.test).toBe("npm run typecheck && npm run lint && npm run test:unit");
  });
});
