import { Annotations } from "cdktf";
import { Construct } from "constructs";
import { formatFinding } from "../core/findings";
import { findingsAt, registerReporter } from "./analysis";

/**
 * Reports at synth the findings of the library's rules whose path is this construct: errors
 * fail the synth (all of them, each under its construct path), warnings become annotations.
 */
export function reportFindings(construct: Construct): void {
  registerReporter(construct);
  let warned = false;
  construct.node.addValidation({
    validate: () => {
      const findings = findingsAt(construct);
      if (!warned) {
        warned = true;
        for (const f of findings) if (f.severity === "warning") Annotations.of(construct).addWarning(formatFinding(f));
      }
      return findings.filter((f) => f.severity === "error").map(formatFinding);
    },
  });
}

