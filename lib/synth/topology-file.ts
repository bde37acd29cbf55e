/**
 * The topology report of a stack (lib/report), computed once per synth from the stack's analysis, and written as
 * `topology.md` beside the stack's `cdk.tf.json` in the synthesized output.
 */
import { TerraformStack } from "cdktf";
// The hook cdktf's own TerraformAsset uses to write files beside a stack (not re-exported by the package index).
import { addCustomSynthesis } from "cdktf/lib/synthesize/synthesizer";
import { IConstruct } from "constructs";
import * as fs from "fs";
import * as path from "path";
import { renderTopology } from "../report/topology";
import { isRocketMqHost } from "../targets/contract";
import { analysisOf } from "./analysis";

export const TOPOLOGY_FILE = "topology.md";

/**
 * The topology report (Markdown) of the stack that contains `scope`: every RocketMQ cluster of the stack, its hosts,
 * processes, ports, stores, a Mermaid diagram and the warnings. Deterministic, for snapshots:
 * `expect(topologyOf(stack)).toMatchSnapshot()`.
 */
export function topologyOf(scope: IConstruct): string {
  const stack = TerraformStack.of(scope);
  const a = analysisOf(stack);
  const hostNotes = new Map(
    stack.node
      .findAll()
      .filter(isRocketMqHost)
      .map((h) => [h.node.path, h.reportNotes ?? []] as const)
      .filter(([, notes]) => notes.length > 0),
  );
  return renderTopology({
    stack: stack.node.id,
    model: a.model,
    plans: [...a.plans.values()],
    findings: a.findings,
    hostNotes,
  });
}

/** The topology report, for every language (jsii has no free functions): `TopologyReport.of(stack)` is `topologyOf(stack)`. */
export class TopologyReport {
  /** The topology report (Markdown) of the stack that contains `scope`, as written to `topology.md`. */
  public static of(scope: IConstruct): string {
    return topologyOf(scope);
  }

  private constructor() {}
}

const registered = new WeakSet<TerraformStack>();

/**
 * Writes `topology.md` beside the stack's `cdk.tf.json` whenever the stack is synthesized (once per stack), and the
 * files its hosts render (`outputFiles`).
 */
export function writeTopologyOnSynth(scope: IConstruct): void {
  const stack = TerraformStack.of(scope);
  if (registered.has(stack)) return;
  registered.add(stack);
  addCustomSynthesis(stack, {
    onSynthesize(session) {
      const dir = path.join(session.outdir, session.manifest.forStack(stack).workingDirectory);
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(path.join(dir, TOPOLOGY_FILE), topologyOf(stack));
      // What a target renders for use without Terraform (a Kubernetes namespace's manifests), by its plain file name.
      for (const host of stack.node.findAll().filter(isRocketMqHost)) {
        for (const [name, content] of Object.entries(host.outputFiles ?? {})) {
          if (path.basename(name) === name && name !== TOPOLOGY_FILE) fs.writeFileSync(path.join(dir, name), content);
        }
      }
    },
  });
}
