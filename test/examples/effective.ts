/**
 * Helpers for comparing the official example configs (shared/reference/rocketmq/examples, copies of
 * RocketMQ's distribution/conf) with what the library generates: a java.util.Properties reader, and
 * the EFFECTIVE value of every key (the file's value if set, else the catalogue default, after
 * RocketMQ's startup overrides), as the server ends up with it.
 */
import * as fs from "fs";
import * as path from "path";
import { Testing, TerraformStack } from "cdktf";
import { catalogueFor, defaultOf, keySpec, Section } from "../../lib/core/versions";

/** The project's copy of shared/reference/rocketmq/examples (test/versions/catalogue.test.ts checks it has not drifted). */
export const EXAMPLES_DIR = path.resolve(__dirname, "../fixtures/rocketmq-examples");

/** The text of an official example, e.g. `exampleText("4.9.8", "2m-2s-sync/broker-a.properties")`. */
export function exampleText(version: string, file: string): string {
  const p = path.join(EXAMPLES_DIR, version, file);
  if (!fs.existsSync(p)) {
    throw new Error(
      `Official example ${p} not found: test/fixtures/rocketmq-examples is a copy of shared/reference/rocketmq/examples.`,
    );
  }
  return fs.readFileSync(p, "latin1"); // Properties.load(InputStream) reads ISO-8859-1
}

/** Every file of a version's example folder, relative to it, sorted. */
export function exampleFiles(version: string): string[] {
  const root = path.join(EXAMPLES_DIR, version);
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else out.push(path.relative(root, p).split(path.sep).join("/"));
    }
  };
  walk(root);
  return out.sort();
}

/**
 * Reads a .properties text exactly as `java.util.Properties.load` does: natural lines end at \n, \r or
 * \r\n; a line ending in an odd number of backslashes continues on the next one (whose leading blanks are
 * dropped); blank lines and lines whose first non-blank character is `#` or `!` are comments; the key runs to
 * the first unescaped `=`, `:` or blank; blanks, then one `=`/`:`, then blanks are skipped; the rest is the
 * value (trailing blanks kept); escapes `\t \n \r \f \uXXXX`, and `\x` is `x`; a later key wins.
 * (Checked once against the JDK's Properties on every example file.)
 */
export function loadJavaProperties(text: string): Record<string, string> {
  const out = new Map<string, string>();
  const natural = text.split(/\r\n|\r|\n/);
  const blank = (c: string | undefined) => c === " " || c === "\t" || c === "\f";
  for (let i = 0; i < natural.length; i++) {
    let line = natural[i].replace(/^[ \t\f]+/, "");
    if (line === "") continue;
    if (line[0] === "#" || line[0] === "!") continue; // comment lines never continue
    while (endsWithOddBackslashes(line) && i + 1 < natural.length) {
      line = line.slice(0, -1) + natural[++i].replace(/^[ \t\f]+/, "");
    }
    if (endsWithOddBackslashes(line)) line = line.slice(0, -1);
    let k = 0;
    while (k < line.length && !(line[k] === "=" || line[k] === ":" || blank(line[k]))) k += line[k] === "\\" ? 2 : 1;
    const key = line.slice(0, Math.min(k, line.length));
    let v = k;
    while (blank(line[v])) v++;
    if (line[v] === "=" || line[v] === ":") v++;
    while (blank(line[v])) v++;
    out.set(unescapeJava(key), unescapeJava(line.slice(v)));
  }
  return Object.fromEntries(out);
}

function endsWithOddBackslashes(s: string): boolean {
  const m = /\\+$/.exec(s);
  return m !== null && m[0].length % 2 === 1;
}

function unescapeJava(s: string): string {
  return s.replace(/\\(u[0-9a-fA-F]{4}|.)/g, (_, e: string) => {
    if (e[0] === "u" && e.length === 5) return String.fromCharCode(parseInt(e.slice(1), 16));
    return ({ t: "\t", n: "\n", r: "\r", f: "\f" } as Record<string, string>)[e] ?? e;
  });
}

/**
 * user.home inside the official image (apache/rocketmq): /home/rocketmq (shared/reference/rocketmq/README.md,
 * "The official Docker image": the Dockerfiles' `-Duser.home=/opt` has no effect at run time). Defaults such
 * as `${user.home}/store` are evaluated with it, because both the example and the library's file are read
 * by a server in that image.
 */
export const USER_HOME = "/home/rocketmq";

/** Initializers the catalogue keeps as Java expressions, evaluated. */
const JAVA_EXPRESSIONS: Readonly<Record<string, string>> = {
  "ProxyMode.CLUSTER.name()": "CLUSTER",
};

/**
 * Getters that derive a value when the field is unset (KeySpec.getterBody), keyed by key; each is applied
 * only when the catalogue's getterBody says so (checked by the test "the effective-value model follows the
 * catalogue").
 */
const DERIVED: Readonly<
  Record<string, { unset: (v: string) => boolean; value: (get: (k: string) => string) => string }>
> = {
  // MessageStoreConfig.getStorePathCommitLog (4.9+): null → storePathRootDir/commitlog. (4.7.0 has a plain default.)
  storePathCommitLog: { unset: (v) => v === "null", value: (get) => `${get("storePathRootDir")}/commitlog` },
  // ControllerConfig.getControllerStorePath: "" → ${user.home}/<controllerType>Controller.
  controllerStorePath: { unset: (v) => v === "", value: (get) => `${USER_HOME}/${get("controllerType")}Controller` },
};

export function isMasterRole(role: string): boolean {
  return role === "ASYNC_MASTER" || role === "SYNC_MASTER";
}

/**
 * The effective value of each key of `section` for a server of `version` that reads `file`: the file's value
 * if set, else the catalogue default (`defaultOf`, with `${user.home}` = USER_HOME, Java expressions and
 * derived getters evaluated), then RocketMQ's startup overrides (KeySpec.startupFacts):
 * - broker `brokerId`: -1 with enableDLegerCommitLog=true; else (4.x, or 5.x without enableControllerMode)
 *   0 for ASYNC_MASTER/SYNC_MASTER;
 * - broker `haListenPort`: 4.x always listenPort+1; 5.x listenPort+1 unless the file sets a value > 0.
 * Defaults that depend on the machine (namesrvAddr from the environment, brokerIP1 = a local address) stay
 * as the catalogue writes them, e.g. `RemotingUtil.getLocalAddress()`.
 */
export function effectiveSettings(
  version: string,
  section: Section,
  file: Readonly<Record<string, string>>,
): (key: string) => string {
  const catalogue = catalogueFor(version);
  const is4 = catalogue.version.startsWith("4.");
  const has = (k: string) => Object.prototype.hasOwnProperty.call(file, k);
  const bool = (k: string) => get(k).toLowerCase() === "true"; // Boolean.parseBoolean
  const fieldValue = (key: string): string => {
    const spec = keySpec(catalogue, section, key);
    if (!spec) throw new Error(`${key} is not a ${section} key of RocketMQ ${catalogue.version}`);
    let v = has(key) ? file[key] : defaultOf(spec).replace("${user.home}", USER_HOME);
    v = JAVA_EXPRESSIONS[v] ?? v;
    const derived = DERIVED[key];
    if (derived && spec.getterBody && derived.unset(v)) v = derived.value(get);
    return v;
  };
  function get(key: string): string {
    const v = fieldValue(key);
    if (section === "broker" && key === "brokerId") {
      if (bool("enableDLegerCommitLog")) return "-1";
      const controllerMode = !is4 && bool("enableControllerMode");
      if (!controllerMode && isMasterRole(get("brokerRole"))) return "0";
    }
    if (section === "broker" && key === "haListenPort") {
      const set = has("haListenPort") ? Number(file.haListenPort) : 0;
      if (is4 || !(set > 0)) return String(Number(get("listenPort")) + 1);
    }
    return v;
  }
  return get;
}

/** A key whose effective value differs between the example and the library's file, and why. */
export interface Difference {
  readonly key: string;
  /** The example's effective value; DEFAULT when the example does not set the key (catalogue default). */
  readonly example: string | typeof DEFAULT;
  readonly library: string;
  readonly why: string;
}

/** The example does not set the key: its effective value is the catalogue default. */
export const DEFAULT = Symbol("catalogue default");

export interface Comparison {
  /** Keys of the example that are not keys of the section (RocketMQ ignores them), dropped. */
  readonly droppedFromExample: string[];
  /** Keys of the generated file that are not keys of the section (must be none). */
  readonly unknownInGenerated: string[];
  /** Keys of the section that either file sets, sorted. */
  readonly compared: string[];
  /** Keys whose effective values differ, with both values, sorted by key. */
  readonly differences: { key: string; example: string; library: string }[];
  /** The values of blanks-padded entries (5.x trims strings, 4.x keeps the blanks): must be none. */
  readonly padded: string[];
}

/** Compares the effective settings of an example file and a generated file, for every key either sets. */
export function compareEffective(
  version: string,
  section: Section,
  example: Readonly<Record<string, string>>,
  generated: Readonly<Record<string, string>>,
): Comparison {
  const catalogue = catalogueFor(version);
  const isKey = (k: string) => keySpec(catalogue, section, k) !== undefined;
  const exampleKeys = Object.keys(example).filter(isKey);
  const exampleFile = Object.fromEntries(exampleKeys.map((k) => [k, example[k]]));
  const ex = effectiveSettings(version, section, exampleFile);
  const lib = effectiveSettings(version, section, generated);
  const compared = [...new Set([...exampleKeys, ...Object.keys(generated).filter(isKey)])].sort();
  return {
    droppedFromExample: Object.keys(example).filter((k) => !isKey(k)),
    unknownInGenerated: Object.keys(generated).filter((k) => !isKey(k)),
    compared,
    differences: compared
      .map((key) => ({ key, example: ex(key), library: lib(key) }))
      .filter((d) => d.example !== d.library),
    padded: [...Object.entries(exampleFile), ...Object.entries(generated)]
      .filter(([, v]) => v !== v.trim())
      .map(([k, v]) => `${k}=${JSON.stringify(v)}`),
  };
}

/** The documented differences with DEFAULT resolved to the example's catalogue default. */
export function resolveDifferences(
  version: string,
  section: Section,
  documented: readonly Difference[],
): { key: string; example: string; library: string }[] {
  const defaults = effectiveSettings(version, section, {});
  return [...documented]
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .map((d) => ({ key: d.key, example: d.example === DEFAULT ? defaults(d.key) : d.example, library: d.library }));
}

/** Synthesizes a stack with the library's validations (errors throw) and returns the JSON and the warnings. */
export function synthChecked(build: (stack: TerraformStack) => void): { json: any; warnings: string[] } {
  const stack = new TerraformStack(Testing.app(), "stack");
  build(stack);
  const json = JSON.parse(Testing.synth(stack, true));
  const warnings = stack.node
    .findAll()
    .flatMap((c) => c.node.metadata.filter((m) => m.type === "@cdktf/warn").map((m) => `${c.node.path}: ${m.data}`));
  return { json, warnings };
}
