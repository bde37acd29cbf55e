/**
 * Turns the library's synthesized Terraform JSON into the baseline's input: one declaration per line, each
 * what a plain cdktf script passes to the provider classes (camelCase config). Values are kept literally, as
 * the JSON has them (depends_on entries and `${docker_volume.<id>.name}` are plain strings, the provider is
 * named by its alias): the cheapest way to declare them with cdktf, so the ratio errs against the library.
 * Run by the bench, not timed.
 */
import * as fs from "fs";

export type Declaration =
  | { readonly k: "provider"; readonly type: string; readonly config: Record<string, unknown> }
  | {
      readonly k: "resource";
      readonly type: string;
      readonly id: string;
      readonly path: string[];
      readonly config: Record<string, unknown>;
    }
  | { readonly k: "output"; readonly id: string; readonly path: string[]; readonly config: Record<string, unknown> };

function camel(key: string): string {
  return key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** Config as the provider classes take it: camelCase keys, no cdktf metadata. */
function toConfig(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(toConfig);
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (k !== "//") out[camel(k)] = toConfig(v);
    return out;
  }
  return value;
}

/** Every declaration of a synthesized stack (its cdk.tf.json), written one per line to `file`. */
export function writeDeclarations(stackJsonFile: string, file: string): void {
  const tf = JSON.parse(fs.readFileSync(stackJsonFile, "utf8"));
  const known = new Set(["//", "provider", "resource", "output", "terraform"]);
  for (const k of Object.keys(tf))
    if (!known.has(k)) throw new Error(`the baseline does not re-declare top-level "${k}"`);
  const lines: string[] = [];
  for (const [type, blocks] of Object.entries<any[]>(tf.provider ?? {})) {
    for (const b of blocks) lines.push(JSON.stringify({ k: "provider", type, config: toConfig(b) }));
  }
  for (const [type, byId] of Object.entries<Record<string, any>>(tf.resource ?? {})) {
    for (const [id, body] of Object.entries(byId)) {
      const path = String(body["//"].metadata.path).split("/").slice(1);
      lines.push(JSON.stringify({ k: "resource", type, id, path, config: toConfig(body) }));
    }
  }
  // Outputs, at the construct path the stack's "//" outputs map gives them.
  const outputPaths = new Map<string, string[]>();
  const walk = (node: unknown, path: string[]) => {
    if (typeof node === "string") outputPaths.set(node, path);
    else for (const [k, v] of Object.entries(node as object)) walk(v, [...path, k]);
  };
  walk(tf["//"]?.outputs ?? {}, []);
  for (const [id, body] of Object.entries<any>(tf.output ?? {})) {
    const path = outputPaths.get(id);
    if (!path) throw new Error(`no construct path for output ${id}`);
    lines.push(JSON.stringify({ k: "output", id, path: path.slice(1), config: toConfig(body) }));
  }
  fs.writeFileSync(file, lines.join("\n") + "\n");
}
