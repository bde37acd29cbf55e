/**
 * JSON data as YAML, for manifests a reviewer reads: block style, keys in the order given (plain where safe), every
 * string value double-quoted (JSON's escapes are YAML's), and multi-line text (a properties file) as a literal block. Pure and
 * deterministic; the output parses back to the same data (test/targets/kubernetes.test.ts checks it with `yaml`).
 */
type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

/** The documents as one YAML stream, `---` between them. */
export function yamlDocuments(docs: readonly unknown[]): string {
  return docs.map((d) => `---\n${yamlOf(d as Json, 0)}\n`).join("");
}

function yamlOf(v: Json, indent: number): string {
  const pad = " ".repeat(indent);
  if (Array.isArray(v)) {
    if (v.length === 0) return `${pad}[]`;
    return v
      .map((item) => {
        if (isBlock(item)) return `${pad}- ${yamlOf(item, indent + 2).slice(indent + 2)}`;
        return `${pad}- ${scalar(item, indent + 2)}`;
      })
      .join("\n");
  }
  if (typeof v === "object" && v !== null) {
    const keys = Object.keys(v).filter((k) => v[k] !== undefined);
    if (keys.length === 0) return `${pad}{}`;
    return keys
      .map((k) => {
        const value = v[k];
        if (isBlock(value)) return `${pad}${key(k)}:\n${yamlOf(value, indent + 2)}`;
        return `${pad}${key(k)}: ${scalar(value, indent + 2)}`;
      })
      .join("\n");
  }
  return `${pad}${scalar(v, indent)}`;
}

/**
 * A key as written: plain when it is a name no YAML reader takes for anything else (not one of YAML 1.1's booleans or
 * nulls, which Kubernetes' reader still knows), else double-quoted.
 */
function key(k: string): string {
  const plain = /^[A-Za-z_][A-Za-z0-9_./-]*$/.test(k) && !/^(y|n|yes|no|on|off|true|false|null)$/i.test(k);
  return plain ? k : JSON.stringify(k);
}

/** A non-empty object or array: written on the lines below its key. */
function isBlock(v: Json): boolean {
  if (Array.isArray(v)) return v.length > 0;
  return typeof v === "object" && v !== null && Object.keys(v).some((k) => v[k] !== undefined);
}

function scalar(v: Json, indent: number): string {
  if (Array.isArray(v)) return "[]";
  if (typeof v === "object" && v !== null) return "{}";
  if (typeof v === "string") return literalBlock(v, indent) ?? JSON.stringify(v);
  return JSON.stringify(v);
}

/**
 * Multi-line text as a literal block (`|`, with the chomping its trailing newlines need), when every line is
 * printable and keeps no trailing blank (which a literal block would keep but a reader could not see); else undefined.
 */
function literalBlock(s: string, indent: number): string | undefined {
  if (indent === 0 || !s.includes("\n")) return undefined;
  // Printable text only (no tab, no carriage return, no other control or special line break): those are escaped.
  if (/[^\x20-\x7e\n\u00a0-\ud7ff\ue000-\ufffd]|[\u0085\u2028\u2029\ufeff]/.test(s)) return undefined;
  const body = s.replace(/\n+$/, "");
  const trailing = s.length - body.length;
  if (body === "" || body.split("\n").some((l) => / $/.test(l))) return undefined;
  const chomp = trailing === 0 ? "-" : trailing === 1 ? "" : "+";
  const pad = " ".repeat(indent);
  const indicator = body.startsWith(" ") || body.startsWith("\n") ? String(2) : "";
  const lines = s.slice(0, trailing > 1 ? s.length - 1 : body.length).split("\n");
  return `|${indicator}${chomp}\n${lines.map((l) => (l === "" ? "" : `${pad}${l}`)).join("\n")}`;
}
