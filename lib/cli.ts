#!/usr/bin/env node
/**
 * rocketmq-cdktf: review commands for synthesized stacks.
 *   rocketmq-cdktf topology [outdir]          the topology report of every stack (written at synth as topology.md)
 *   rocketmq-cdktf diff <before> <after>      which RocketMQ processes a change restarts, and whether groups keep a majority
 *     --json                                  the same as JSON, for scripts: the array of StackImpact, one per stack
 * <before>/<after>: a cdktf output folder (cdktf.out), one stack's folder, or a cdk.tf.json file.
 */
import * as fs from "fs";
import * as path from "path";
import { changeImpact, renderImpact } from "./report/impact";
import { mergeChanges, StackChanges } from "./core/changes";
import { dockerStackChanges } from "./targets/docker/changes";
import { vmStackChanges } from "./targets/vm/changes";

/** stack name -> cdk.tf.json path. */
export function stacksIn(target: string): Map<string, string> {
  const out = new Map<string, string>();
  if (!fs.existsSync(target)) throw new Error(`${target} does not exist`);
  if (fs.statSync(target).isFile()) {
    out.set(path.basename(path.dirname(path.resolve(target))), target);
    return out;
  }
  const direct = path.join(target, "cdk.tf.json");
  if (fs.existsSync(direct)) {
    out.set(path.basename(path.resolve(target)), direct);
    return out;
  }
  const stacks = path.join(target, "stacks");
  if (!fs.existsSync(stacks))
    throw new Error(`${target}: no cdk.tf.json and no stacks/ folder (is it a cdktf output folder?)`);
  for (const s of fs.readdirSync(stacks).sort()) {
    const f = path.join(stacks, s, "cdk.tf.json");
    if (fs.existsSync(f)) out.set(s, f);
  }
  return out;
}

/** What a change does to a stack's processes, read by every target's reader (a stack may hold containers and VMs). */
export function stackChanges(before: unknown, after: unknown): StackChanges {
  return mergeChanges([dockerStackChanges(before, after), vmStackChanges(before, after)]);
}

export function diff(before: string, after: string, json = false): string {
  const a = stacksIn(before);
  const b = stacksIn(after);
  const names = [...new Set([...a.keys(), ...b.keys()])].sort();
  const read = (f: string | undefined): unknown => (f ? JSON.parse(fs.readFileSync(f, "utf8")) : {});
  const impacts = names.map((n) => changeImpact(n, stackChanges(read(a.get(n)), read(b.get(n)))));
  return json ? `${JSON.stringify(impacts, null, 2)}\n` : renderImpact(impacts);
}

export function topology(outdir: string): string {
  return [...stacksIn(outdir).values()]
    .map((f) => path.join(path.dirname(f), "topology.md"))
    .filter((f) => fs.existsSync(f))
    .map((f) => fs.readFileSync(f, "utf8"))
    .join("\n");
}

export function main(argv: string[]): number {
  const [cmd, ...args] = argv;
  try {
    const paths = args.filter((a) => a !== "--json");
    if (cmd === "diff" && paths.length === 2) {
      process.stdout.write(diff(paths[0], paths[1], paths.length < args.length));
      return 0;
    }
    if (cmd === "topology" && args.length <= 1) {
      const text = topology(args[0] ?? "cdktf.out");
      process.stdout.write(text || "no topology.md found: synthesize first (cdktf synth)\n");
      return text ? 0 : 1;
    }
  } catch (e) {
    process.stderr.write(`rocketmq-cdktf ${cmd}: ${(e as Error).message}\n`);
    return 1;
  }
  process.stderr.write("usage: rocketmq-cdktf topology [outdir] | rocketmq-cdktf diff [--json] <before> <after>\n");
  return 2;
}

if (require.main === module) process.exit(main(process.argv.slice(2)));
