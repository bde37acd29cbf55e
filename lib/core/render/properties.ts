/**
 * java.util.Properties text: one `key=value` per line, keys sorted, no trailing blanks,
 * backslashes escaped and non-ASCII written as \uXXXX (Properties.load reads ISO-8859-1).
 */
export function renderProperties(header: readonly string[], entries: Readonly<Record<string, string>>): string {
  const lines = header.map((h) => `# ${h}`.trimEnd());
  for (const key of Object.keys(entries).sort()) lines.push(`${escape(key, true)}=${escape(entries[key], false)}`);
  return lines.join("\n") + "\n";
}

function escape(s: string, isKey: boolean): string {
  let out = "";
  for (const ch of s) {
    const code = ch.codePointAt(0)!;
    if (ch === "\\") out += "\\\\";
    else if (isKey && (ch === "=" || ch === ":" || ch === " " || ch === "#" || ch === "!")) out += "\\" + ch;
    else if (code > 0x7e || code < 0x20) {
      for (const unit of ch.split("").map((c) => c.charCodeAt(0))) out += "\\u" + unit.toString(16).padStart(4, "0");
    } else out += ch;
  }
  return out;
}

/** Parses what renderProperties writes (and plain Properties files): used by tests and the lab. */
export function parseProperties(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/^\s+/, "");
    if (line === "" || line.startsWith("#") || line.startsWith("!")) continue;
    const m = /^((?:\\.|[^=:\s\\])+)\s*[=:\s]\s*(.*)$/.exec(line);
    if (!m) {
      out[unescape(line)] = "";
      continue;
    }
    out[unescape(m[1])] = unescape(m[2]);
  }
  return out;
}

function unescape(s: string): string {
  return s.replace(/\\u([0-9a-fA-F]{4})|\\(.)/g, (_, hex: string | undefined, ch: string) =>
    hex ? String.fromCharCode(parseInt(hex, 16)) : ch,
  );
}
