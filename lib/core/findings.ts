/**
 * A problem found in a topology before anything is deployed.
 *
 * Every rule of the library returns findings instead of throwing, so that all problems of a
 * topology are reported together. `path` is the construct path (or, outside cdktf, any
 * stable name of the element) so that the user can find the line that declared it.
 */
export type Severity = "error" | "warning";

export interface Finding {
  readonly severity: Severity;
  /** Construct path of the element the finding is about, e.g. `stack/rmq/broker-a/slave-1`. */
  readonly path: string;
  /** Stable rule id, e.g. `ports/collision`; documented in the README's rule table. */
  readonly rule: string;
  /** What is wrong, with the values involved and the RocketMQ behaviour behind the rule. */
  readonly message: string;
  /** How to fix it. */
  readonly fix: string;
}

export function error(path: string, rule: string, message: string, fix: string): Finding {
  return { severity: "error", path, rule, message, fix };
}

export function warning(path: string, rule: string, message: string, fix: string): Finding {
  return { severity: "warning", path, rule, message, fix };
}

/**
 * One line per finding, as printed by synth: `[rule] message Fix: fix`, with every character a reader cannot see
 * escaped (`\u200B`): a name that differs from another by an invisible character shows where.
 */
export function formatFinding(f: Finding): string {
  return showInvisible(`[${f.rule}] ${f.message} Fix: ${f.fix}`);
}

/**
 * `text` with each control, format, private-use, unassigned, line or paragraph separator and space other than
 * U+0020 written as a JavaScript escape (`\u00A0`, `\u200B`, `\n`, `\u{E0001}`), so that it shows, on one line.
 */
export function showInvisible(text: string): string {
  return text.replace(/(?! )[\p{C}\p{Z}]/gu, (c) => {
    if (c === "\n") return "\\n";
    if (c === "\t") return "\\t";
    if (c === "\r") return "\\r";
    const code = c.codePointAt(0)!;
    return code > 0xffff
      ? `\\u{${code.toString(16).toUpperCase()}}`
      : `\\u${code.toString(16).toUpperCase().padStart(4, "0")}`;
  });
}

/** Sorts findings by path, then rule, then message, so output never depends on declaration order. */
export function sortFindings(findings: readonly Finding[]): Finding[] {
  return [...findings].sort((a, b) => cmp(a.path, b.path) || cmp(a.rule, b.rule) || cmp(a.message, b.message));
}

/** Sorted, and each finding once: a value declared once for many processes is reported once, where it was declared. */
export function uniqueFindings(findings: readonly Finding[]): Finding[] {
  const seen = new Set<string>();
  return sortFindings(findings).filter((f) => {
    const key = `${f.severity}\u0000${f.path}\u0000${f.rule}\u0000${f.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
