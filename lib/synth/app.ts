import { App, TerraformStack } from "cdktf";
import { IConstruct } from "constructs";
import { showInvisible } from "../core/findings";

/** How `RocketMqApp.synth` reports. */
export interface RocketMqAppSynthOptions {
  /**
   * Print every warning annotation of every stack to stderr, `[construct path] message`. The cdktf CLI prints them
   * itself from the manifest, so they are printed only when the program runs on its own (`ts-node main.ts`).
   * @default true unless the program is run by the cdktf CLI
   */
  readonly printWarnings?: boolean;
}

/**
 * `app.synth()` that reports the errors of every stack in one run. cdktf validates stack by stack and stops at the
 * first stack with an error, hiding the others; this validates every construct of every stack first (the library's
 * rules and cdktf's own validations), throws one error listing all of them in cdktf's format, and synthesizes only when
 * there is none. Warnings are printed to stderr when the program is run directly. `skipValidation` is honoured.
 */
export class RocketMqApp {
  public static synth(app: App, options: RocketMqAppSynthOptions = {}): void {
    const stacks = app.node.findAll().filter((c): c is TerraformStack => TerraformStack.isStack(c));
    if (!app.skipValidation) {
      const errors = stacks.flatMap((s) =>
        s.node.findAll().flatMap((c) => c.node.validate().map((m) => `[${showInvisible(c.node.path)}] ${m}`)),
      );
      if (options.printWarnings ?? !runByCdktfCli()) printWarnings(stacks);
      if (errors.length > 0) {
        throw new Error(
          `Validation failed with the following errors:\n  ${errors.join("\n  ")}\n\nIf you wish to ignore these validations, pass 'skipValidation: true' to your App configuration.\n`,
        );
      }
    }
    app.synth();
  }
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
