// Parses Mermaid diagrams with Mermaid's own parser (mermaid in Node needs a DOM: jsdom).
// Input on stdin: a JSON array of diagram texts. Output: a JSON array of "ok" or the parse error, one per diagram.
import { JSDOM } from "jsdom";

const dom = new JSDOM("<!doctype html><html><body></body></html>");
globalThis.window = dom.window;
globalThis.document = dom.window.document;
const { default: mermaid } = await import("mermaid");

let input = "";
for await (const chunk of process.stdin) input += chunk;
const results = [];
for (const text of JSON.parse(input)) {
  try {
    await mermaid.parse(text);
    results.push("ok");
  } catch (e) {
    results.push(String(e?.message ?? e));
  }
}
process.stdout.write(JSON.stringify(results));
