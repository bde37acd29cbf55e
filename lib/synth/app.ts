import { App, TerraformStack } from "cdktf";
import { IConstruct } from "constructs";
import { showInvisible } from "../core/findings";
import { markDeployedAlone } from "./analysis";

/** How `RocketMqApp.synth` reports. */
export interface RocketMqAppSynthOptions {
  /**
   * Print every warning annotation of every stack to stderr, `[construct path] message`. The cdktf CLI prints them
   * itself from the manifest, so they are printed only when the program runs on its own (`ts-node main.ts`).
   * @default true unless the program is run by the cdktf CLI
   */
  readonly printWarnings?: boolean;
  /**
   * Throw the errors as one Error (cdktf's own format) instead of printing them: for a program that synthesizes
   * inside a larger one, or a test. By default each error is printed once to stderr, with no stack trace, the exit
   * code is set to 1 and nothing is synthesized (`ts-node main.ts` and `cdktf synth` then show the problems only).
   * A program in another language (Python, through jsii) gets the Error: the exit code would be jsii's process's.
   * @default true in a jsii runtime (Python), else false
   */
  readonly throwOnError?: boolean;
}

/**
 * `app.synth()` that reports the errors of every stack in one run. cdktf validates stack by stack and stops at the
 * first stack with an error, hiding the others; this validates every construct of every stack first (the library's
 * rules and cdktf's own validations), prints all of them once in cdktf's format (no stack trace; exit code 1), or
 * throws them as one error (`throwOnError`), and synthesizes only when there is none. Warnings are printed to stderr
 * when the program is run directly. `skipValidation` is honoured.
 */
export class RocketMqApp {
  /**
   * Says that `stack` is never deployed beside the app's other stacks: it is an alternative to them (as each example
   * stack is, deployed on its own by a lab), so its processes may take the machines, ports, stores and names the other
   * stacks take. By default the per-machine rules (ports, stores, container and volume names) compare the processes of
   * every stack of the app, since `cdktf deploy '*'` runs them side by side: two stacks that each place a name server
   * at port 9876 of one machine are refused at synth, not at the second deploy.
   */
  public static deployedAlone(stack: TerraformStack): void {
    if (!TerraformStack.isStack(stack))
      throw new Error(
        `RocketMqApp.deployedAlone: ${describe(stack)} is not a TerraformStack. Pass the stack, e.g. RocketMqApp.deployedAlone(myStack) (in Python: RocketMqApp.deployed_alone(my_stack)).`,
      );
    markDeployedAlone(stack);
  }

  public static synth(app: App, options: RocketMqAppSynthOptions = {}): void {
    const stacks = app.node.findAll().filter((c): c is TerraformStack => TerraformStack.isStack(c));
    if (!app.skipValidation) {
      const errors = stacks.flatMap((s) =>
        s.node.findAll().flatMap((c) => c.node.validate().map((m) => `[${showInvisible(c.node.path)}] ${m}`)),
      );
      if (options.printWarnings ?? !runByCdktfCli()) printWarnings(stacks);
      if (errors.length > 0) {
        const text = `Validation failed with the following errors:\n  ${errors.join("\n  ")}\n\nIf you wish to ignore these validations, pass 'skipValidation: true' to your App configuration.\n`;
        if (options.throwOnError ?? runByJsii()) throw new Error(text);
        // The cdktf CLI echoes a program's stderr as it comes and again when the program fails; its stdout only then.
        (runByCdktfCli() ? process.stdout : process.stderr).write(text);
        process.exitCode = 1;
        return;
      }
    }
    app.synth();
  }
}

/**
 * A jsii client (Python) runs the library in a node process of its own: the jsii runtime's program (and the client's
 * JSII_AGENT, when it sets one).
 */
function runByJsii(): boolean {
  return process.env.JSII_AGENT !== undefined || /jsii[-_/]?runtime/i.test(process.argv[1] ?? "");
}

/** The cdktf CLI runs the app with these set, and prints the manifest's annotations itself. */
function runByCdktfCli(): boolean {
  return process.env.CDKTF_OUTDIR !== undefined && process.env.CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS !== undefined;
}

function printWarnings(stacks: readonly TerraformStack[]): void {
  const lines = stacks.flatMap((s) =>
    s.node
      .findAll()
      .flatMap((c: IConstruct) =>
        c.node.metadata
          .filter((m) => m.type === "@cdktf/warn")
          .map((m) => `[${showInvisible(c.node.path)}] ${String(m.data)}`),
      ),
  );
  for (const line of lines) process.stderr.write(`Warning: ${line}\n`);
}

function describe(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  const path = (value as { node?: { path?: unknown } }).node?.path;
  if (typeof path === "string") return `the construct ${showInvisible(path)}`;
  return /^[aeiou]/.test(typeof value) ? `an ${typeof value}` : `a ${typeof value}`;
}
