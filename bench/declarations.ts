/**
 * Turns the library's synthesized Terraform JSON into the baseline's input: one declaration per line, each
 * what a plain cdktf script passes to the provider classes (camelCase config, references as markers), in an
 * order where everything a declaration refers to is declared before it. Run by the bench, not timed.
 */
import * as fs from "fs";

/** A reference to another declared resource: `${<type>.<id>.<attr>}` in the JSON, or a depends_on entry. */
export interface Ref {
  readonly $ref: string;
  readonly attr?: string;
}

export type Declaration =
  | { readonly k: "provider"; readonly type: string; readonly config: Record<string, unknown> }
  | { readonly k: "resource"; readonly type: string; readonly id: string; readonly path: string[]; readonly config: Record<string, unknown> }
  | { readonly k: "output"; readonly id: string; readonly path: string[]; readonly config: Record<string, unknown> };

const REF = /^\$\{([a-z0-9_]+\.[A-Za-z0-9_-]+)\.([a-z0-9_]+)\}$/;

function camel(key: string): string {
  return key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** Config as the provider classes take it: camelCase keys, references as markers, no cdktf metadata. */
function toConfig(value: unknown, refs: Set<string>): unknown {
  if (typeof value === "string") {
    const m = REF.exec(value);
    if (m) {
      refs.add(m[1]);
      return { $ref: m[1], attr: m[2] } satisfies Ref;
    }
    if (value.includes("${")) throw new Error(`the baseline cannot re-declare the expression ${value}`);
    return value;
  }
  if (Array.isArray(value)) return value.map((v) => toConfig(v, refs));
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (k === "//") continue;
      if (k === "depends_on") {
        out.dependsOn = (v as string[]).map((d) => {
          refs.add(d);
          return { $ref: d } satisfies Ref;
        });
      } else if (k === "provider" && typeof v === "string") {
        out.provider = { $provider: v };
      } else out[camel(k)] = toConfig(v, refs);
    }
    return out;
  }
  return value;
}

/** Every declaration of a synthesized stack (its cdk.tf.json), written one per line to `file`. */
export function writeDeclarations(stackJsonFile: string, file: string): number {
  const tf = JSON.parse(fs.readFileSync(stackJsonFile, "utf8"));
  const known = new Set(["//", "provider", "resource", "output", "terraform"]);
  for (const k of Object.keys(tf)) if (!known.has(k)) throw new Error(`the baseline does not re-declare top-level "${k}"`);
  if (Object.keys(tf.terraform ?? {}).some((k) => k !== "backend" && k !== "required_providers")) throw new Error("unexpected terraform block settings");
  const lines: string[] = [];
  for (const [type, blocks] of Object.entries<any[]>(tf.provider ?? {})) {
    for (const b of blocks) lines.push(JSON.stringify({ k: "provider", type, config: toConfig(b, new Set()) }));
  }
  // Resources, each after everything it refers to (depth-first over the references).
  const resources = new Map<string, { decl: Declaration; refs: Set<string> }>();
  for (const [type, byId] of Object.entries<Record<string, any>>(tf.resource ?? {})) {
    for (const [id, body] of Object.entries(byId)) {
      const refs = new Set<string>();
      const config = toConfig(body, refs) as Record<string, unknown>;
      const path = String(body["//"].metadata.path).split("/").slice(1);
      resources.set(`${type}.${id}`, { decl: { k: "resource", type, id, path, config }, refs });
    }
  }
  const done = new Set<string>();
  const visit = (key: string, stack: string[]) => {
    if (done.has(key)) return;
    const r = resources.get(key);
    if (!r) throw new Error(`reference to an undeclared resource ${key}`);
    if (stack.includes(key)) throw new Error(`reference cycle through ${key}`);
    for (const ref of r.refs) visit(ref, [...stack, key]);
    done.add(key);
    lines.push(JSON.stringify(r.decl));
  };
  for (const key of resources.keys()) visit(key, []);
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
    lines.push(JSON.stringify({ k: "output", id, path: path.slice(1), config: toConfig(body, new Set()) }));
  }
  fs.writeFileSync(file, lines.join("\n") + "\n");
  return lines.length;
}
