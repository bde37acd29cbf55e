/**
 * Summarizes a V8 CPU profile (node --cpu-prof): the functions with the most self time, and the library's
 * own functions (lib/) by self time and by own inclusive time (with what they call in the library, not what
 * they call in cdktf), each as a share of the whole process.
 */
import * as fs from "fs";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

export interface FunctionTime {
  readonly name: string;
  readonly where: string;
  readonly library: boolean;
  readonly selfShare: number;
  readonly inclusiveShare: number;
  /** Inclusive time in samples whose innermost code (library or node_modules) is the library's. */
  readonly ownShare: number;
}

export function summarizeProfile(
  file: string,
  root: string,
): { totalMs: number; libraryShare: number; functions: FunctionTime[] } {
  const profile = JSON.parse(fs.readFileSync(file, "utf8")) as {
    nodes: ProfileNode[];
    samples: number[];
    timeDeltas: number[];
  };
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const timeOf = new Map<number, number>();
  profile.samples.forEach((id, i) => timeOf.set(id, (timeOf.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const keyOf = (n: ProfileNode) => {
    const url = n.callFrame.url.replace(/^file:\/\//, "");
    const where = url.startsWith(root)
      ? url.slice(root.length + 1)
      : url.replace(/.*\/node_modules\//, "node_modules/");
    return `${n.callFrame.functionName || "(anonymous)"}\u0000${where}:${n.callFrame.lineNumber + 1}`;
  };
  const isLibrary = (where: string) => /^bench\/\.out\/lib\//.test(where);
  const isCode = (where: string) => isLibrary(where) || where.startsWith("node_modules/");
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  const own = new Map<string, number>();
  let total = 0;
  let library = 0;
  for (const [id, t] of timeOf) {
    total += t;
    const k = keyOf(nodes.get(id)!);
    self.set(k, (self.get(k) ?? 0) + t);
    const seen = new Set<string>();
    let innermost: string | undefined; // the innermost frame of the library or of node_modules
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const ck = keyOf(nodes.get(cur)!);
      const where = ck.split("\u0000")[1];
      if (innermost === undefined && isCode(where)) innermost = where;
      if (seen.has(ck)) continue; // recursion counts once
      seen.add(ck);
      inclusive.set(ck, (inclusive.get(ck) ?? 0) + t);
      if (innermost !== undefined && isLibrary(innermost)) own.set(ck, (own.get(ck) ?? 0) + t);
    }
    if (innermost !== undefined && isLibrary(innermost)) library += t;
  }
  const functions = [...inclusive.keys()].map((k) => {
    const [name, where] = k.split("\u0000");
    return {
      name,
      where,
      library: isLibrary(where),
      selfShare: (self.get(k) ?? 0) / total,
      inclusiveShare: inclusive.get(k)! / total,
      ownShare: (own.get(k) ?? 0) / total,
    };
  });
  return { totalMs: total / 1000, libraryShare: library / total, functions };
}
