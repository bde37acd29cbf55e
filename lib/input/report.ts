import { AnnotationMetadataEntryType } from "cdktf";
import { IConstruct } from "constructs";
import { Finding, formatFinding, sortFindings } from "../core/findings";

/**
 * Reports at synth the findings of a construct's own props, found when it was created: errors fail the synth (each
 * under the construct's path), warnings become annotations, once. For constructs whose props are all they are
 * checked for (a host's own props); the library's rules report through lib/synth.
 */
export function reportInput(construct: IConstruct, findings: readonly Finding[]): void {
  if (findings.length === 0) return;
  const sorted = sortFindings(findings);
  let warned = false;
  construct.node.addValidation({
    validate: () => {
      if (!warned) {
        warned = true;
        for (const f of sorted) if (f.severity === "warning") addWarning(construct, f);
      }
      return sorted.filter((f) => f.severity === "error").map(formatFinding);
    },
  });
}

/**
 * A finding as a warning annotation (cdktf's `@cdktf/warn`: `cdktf synth` prints it, manifest.json keeps it), without
 * the stack trace cdktf records by default: that trace is the library's own code, at paths of the machine that
 * synthesized, which would make the output differ between machines and runs.
 */
export function addWarning(construct: IConstruct, finding: Finding): void {
  construct.node.addMetadata(AnnotationMetadataEntryType.WARN, formatFinding(finding), { stackTrace: false });
}
