import { IConstruct } from "constructs";
import { Finding, formatFinding, sortFindings } from "../core/findings";
import { addWarning } from "../input/report";
import { findingsAt, registerReporter } from "./analysis";

/**
 * Reports at synth the findings whose path is this construct: those of its own props (`input`, found when it was
 * created, before anything read them) and those of the library's rules. Errors fail the synth (all of them, each under
 * its construct path), warnings become annotations.
 */
export function reportFindings(construct: IConstruct, input: readonly Finding[] = []): void {
  registerReporter(construct);
  let warned = false;
  construct.node.addValidation({
    validate: () => {
      const findings = sortFindings([...input, ...findingsAt(construct)]);
      if (!warned) {
        warned = true;
        for (const f of findings) if (f.severity === "warning") addWarning(construct, f);
      }
      return findings.filter((f) => f.severity === "error").map(formatFinding);
    },
  });
}
