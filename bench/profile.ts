/**
 * Summarizes a V8 CPU profile (node --cpu-prof): the functions with the most self time, and the library's
 * own functions (lib/) by self and by inclusive time, each as a share of the whole process.
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
}

export function summarizeProfile(file: string, root: string): { totalMs: number; functions: FunctionTime[] } {
  const profile = JSON.parse(fs.readFileSync(file, "utf8")) as { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] };
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const timeOf = new Map<number, number>();
  profile.samples.forEach((id, i) => timeOf.set(id, (timeOf.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const keyOf = (n: ProfileNode) => {
    const url = n.callFrame.url.replace(/^file:\/\//, "");
    const where = url.startsWith(root) ? url.slice(root.length + 1) : url.replace(/.*\/node_modules\//, "node_modules/");
    return `${n.callFrame.functionName || "(anonymous)"}\u0000${where}:${n.callFrame.lineNumber + 1}`;
  };
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  let total = 0;
  for (const [id, t] of timeOf) {
    total += t;
    const k = keyOf(nodes.get(id)!);
    self.set(k, (self.get(k) ?? 0) + t);
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const ck = keyOf(nodes.get(cur)!);
      if (seen.has(ck)) continue; // recursion counts once
      seen.add(ck);
      inclusive.set(ck, (inclusive.get(ck) ?? 0) + t);
    }
  }
  const functions = [...inclusive.keys()].map((k) => {
    const [name, where] = k.split("\u0000");
    return { name, where, library: /^bench\/\.out\/lib\//.test(where), selfShare: (self.get(k) ?? 0) / total, inclusiveShare: inclusive.get(k)! / total };
  });
  return { totalMs: total / 1000, functions };
}
