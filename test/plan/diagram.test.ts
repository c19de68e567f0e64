/**
 * The architecture diagram: well-formed SVG with one cluster per top-level component and the
 * network's allowed flows as edges.
 */
import { describe, expect, it } from "vitest";
import { diagramModel, renderSvg, toDot } from "../../src/plan/diagram";
import { GraphIndex } from "../../src/plan/model";
import { rendered } from "../support/graph";

/** A small XML well-formedness check: every tag closes in order, attributes are quoted. */
function assertWellFormedXml(xml: string): void {
  const body = xml.replace(/<\?xml[^>]*\?>/, "").replace(/<!DOCTYPE[^>[]*(\[[^\]]*\])?>/, "").replace(/<!--[\s\S]*?-->/g, "");
  const stack: string[] = [];
  const tag = /<(\/?)([A-Za-z_][\w:.-]*)((?:\s+[\w:.-]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>/g;
  let last = 0;
  for (let m = tag.exec(body); m; m = tag.exec(body)) {
    const text = body.slice(last, m.index);
    if (/[<>]/.test(text)) throw new Error(`stray markup before offset ${m.index}: ${text.slice(0, 80)}`);
    if (/&(?!(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);)/.test(text)) throw new Error(`bare & near ${m.index}`);
    last = tag.lastIndex;
    if (m[1]) {
      const open = stack.pop();
      if (open !== m[2]) throw new Error(`</${m[2]}> closes <${open}>`);
    } else if (!m[4]) stack.push(m[2]);
  }
  if (/[<>]/.test(body.slice(last))) throw new Error("stray markup at the end");
  if (stack.length) throw new Error(`unclosed: ${stack.join(", ")}`);
}

describe("architecture diagram of prod", () => {
  it("is well-formed SVG with one cluster per top-level component", async () => {
    const g = await rendered("prod");
    const svg = await renderSvg(toDot(g, "prod"));
    assertWellFormedXml(svg);
    expect(svg).toMatch(/<svg[\s>]/);
    const clusters = [...svg.matchAll(/<title>cluster_([^<]+)<\/title>/g)].map((m) => m[1]).sort();
    const components = new GraphIndex(g).topLevelComponents().filter((c) => c.type.startsWith("platform:")).map((c) => c.name).sort();
    expect(components.length).toBeGreaterThanOrEqual(2);
    expect(clusters).toEqual(components);
  });

  it("draws the allowed flows: internet → ALB → gateway → database", async () => {
    const g = await rendered("prod");
    const model = diagramModel(g);
    const componentOfBox = (id: string) => model.components.find((c) => c.nodes.some((n) => n.id === id))?.name;
    const edges = model.flows.map((f) => `${f.from === "internet" ? "internet" : componentOfBox(f.from)}->${componentOfBox(f.to)}`);
    expect(edges).toContain("internet->gateway");
    expect(edges).toContain("gateway->database");
    expect(edges).toContain("workers->cache");
    expect(edges).toContain("gateway->inference");
  });

  it("lands Triton's load-balancer flows on a GPU node group, not the system nodes", async () => {
    const g = await rendered("prod");
    const model = diagramModel(g);
    const label = (id: string) => model.components.flatMap((c) => c.nodes).find((n) => n.id === id)?.label ?? id;
    const toNodes = model.flows.filter((f) => /Service \(NLB\)/.test(label(f.from))).map((f) => label(f.to));
    expect(toNodes.length).toBeGreaterThan(0);
    expect(toNodes.every((l) => /inference-gpu-/.test(l))).toBe(true);
  });

  it("the checker itself rejects broken XML", () => {
    expect(() => assertWellFormedXml("<svg><g></svg>")).toThrow();
    expect(() => assertWellFormedXml("<svg>a & b</svg>")).toThrow();
  });
});
