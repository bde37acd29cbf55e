/**
 * Every configuration key RocketMQ reads, per version and per process ("section"), from the catalogues in
 * `./data` (copies of shared/reference/rocketmq/keys, derived from RocketMQ's source: each public setter
 * `setXxx` of the objects a startup class applies its file to makes a key `xxx`).
 *
 * Pure: no cdktf, no constructs, no I/O beyond the bundled JSON.
 */
import cat470 from "./data/rocketmq-4.7.0.json";
import cat498 from "./data/rocketmq-4.9.8.json";
import cat533 from "./data/rocketmq-5.3.3.json";

/**
 * A process whose configuration file the catalogue describes. `broker` (broker.properties), `namesrv`
 * (name server `-c` file), and in 5.x `controller` (`mqcontroller -c`), `proxy` (`rmq-proxy.json`) and
 * `tieredStorePlugin` (broker keys read only when the broker runs the tiered store plugin).
 */
export type Section = "broker" | "namesrv" | "controller" | "proxy" | "tieredStorePlugin";

/** Parameter type of a setter; the value in the file must parse as one of a key's types. */
export type JavaType = "int" | "Integer" | "long" | "double" | "float" | "boolean" | "String";

/** What the catalogue knows about one key. */
export interface KeySpec {
  /** Setter parameter types: the value must parse as one of them (`metricsExporterType` has int and String). */
  readonly types: readonly JavaType[];
  /** The field's initializer as written in the Java source (`"\"04\""`, `"10912"`, `null` when none). */
  readonly default: string | null;
  /** The initializer evaluated when it is an expression (`16 * 1024` → `16384`). */
  readonly defaultEvaluated?: string;
  /** The value the startup class sets before reading the file, when it overrides the field's default. */
  readonly effectiveDefault?: string;
  /** Allowed values, case-sensitive (`Enum.valueOf`). */
  readonly enumValues?: readonly string[];
  /** What the startup class does to the key after reading the file. */
  readonly startupFacts?: readonly string[];
  /** The Java class that declares the setter. */
  readonly source: string;
  /** A Java condition under which the key is read at all (5.x name server: `enableControllerInNamesrv`). */
  readonly condition?: string;
  /** Other config objects the same key also sets. */
  readonly alsoSets?: readonly string[];
  /** The getter, when it derives the value (`storePathCommitLog` → `${storePathRootDir}/commitlog`). */
  readonly getterBody?: string;
  readonly note?: string;
}

/** One version's catalogue. Sections absent in a version (4.x has no `controller`/`proxy`) are undefined. */
export interface Catalogue {
  /** The catalogue's own version, e.g. `4.9.8` (may differ from the version asked for, see `catalogueFor`). */
  readonly version: string;
  readonly sections: Readonly<Partial<Record<Section, Readonly<Record<string, KeySpec>>>>>;
}

const SECTION_NAMES: readonly Section[] = ["broker", "namesrv", "controller", "proxy", "tieredStorePlugin"];

function toCatalogue(raw: unknown): Catalogue {
  const data = raw as { version: string } & Partial<Record<Section, Record<string, KeySpec>>>;
  const sections: Partial<Record<Section, Record<string, KeySpec>>> = {};
  for (const s of SECTION_NAMES) if (data[s]) sections[s] = data[s];
  return { version: data.version, sections };
}

const CATALOGUES: readonly Catalogue[] = [cat470, cat498, cat533].map(toCatalogue);

/** The versions a catalogue exists for, ascending: `["4.7.0", "4.9.8", "5.3.3"]`. */
export const SUPPORTED_VERSIONS: readonly string[] = CATALOGUES.map((c) => c.version);

/** `major.minor.patch` as numbers, or undefined when `version` is not three dot-separated integers. */
export function parseVersion(version: string): [number, number, number] | undefined {
  const m = /^(\d+)\.(\d+)\.(\d+)$/.exec(typeof version === "string" ? version : "");
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : undefined;
}

/** Compares two `major.minor.patch` versions: negative, 0 or positive. Throws on a malformed version. */
export function compareVersions(a: string, b: string): number {
  const pa = mustParse(a);
  const pb = mustParse(b);
  return pa[0] - pb[0] || pa[1] - pb[1] || pa[2] - pb[2];
}

/**
 * True when `version` is `min` or newer, for version gates: `versionAtLeast("4.9.8", "4.8.0")` → true.
 * Throws on a malformed version (gates are only evaluated on versions `catalogueFor` accepted).
 */
export function versionAtLeast(version: string, min: string): boolean {
  return compareVersions(version, min) >= 0;
}

function mustParse(version: string): [number, number, number] {
  const p = parseVersion(version);
  if (!p) throw new Error(`Malformed RocketMQ version "${version}": expected major.minor.patch, e.g. 4.9.8.`);
  return p;
}

/**
 * The catalogue version used for `version`. Rule: among the catalogues of the same major version, the
 * greatest one that is <= `version`; when `version` is older than all of them, the smallest one. So
 * 4.0.0–4.9.7 → 4.7.0 (older 4.x such as 4.5 are closest to 4.7.0), 4.9.8 and later 4.x → 4.9.8,
 * every 5.x → 5.3.3.
 * Keys change within a major (4.9 added `storePathDLedgerCommitLog`), so the answer for a version without its
 * own catalogue is the closest known approximation, not an exact list.
 * Throws, listing the supported versions, for a malformed version or a major without a catalogue (3.x, 6.x).
 */
export function catalogueVersionFor(version: string): string {
  const p = parseVersion(version);
  const supported = `Supported versions: ${SUPPORTED_VERSIONS.join(", ")} (any ${majors().join(".x, ")}.x release maps to the nearest of them).`;
  if (!p) {
    throw new Error(`Malformed RocketMQ version "${version}": expected major.minor.patch, e.g. 4.9.8. ${supported}`);
  }
  const sameMajor = SUPPORTED_VERSIONS.filter((v) => mustParse(v)[0] === p[0]);
  if (sameMajor.length === 0) {
    throw new Error(`RocketMQ ${version} is not supported: no key catalogue for major version ${p[0]}. ${supported}`);
  }
  const atOrBelow = sameMajor.filter((v) => compareVersions(v, version) <= 0);
  return atOrBelow.length > 0 ? atOrBelow[atOrBelow.length - 1] : sameMajor[0];
}

/** The catalogue for `version` (nearest one, see `catalogueVersionFor`). Throws for unsupported versions. */
export function catalogueFor(version: string): Catalogue {
  const v = catalogueVersionFor(version);
  return CATALOGUES.find((c) => c.version === v)!;
}

function majors(): number[] {
  return [...new Set(SUPPORTED_VERSIONS.map((v) => mustParse(v)[0]))];
}

/** Sections present in a catalogue, e.g. `["broker", "namesrv"]` for 4.x. */
export function sectionsOf(catalogue: Catalogue): Section[] {
  return SECTION_NAMES.filter((s) => catalogue.sections[s] !== undefined);
}

/** True when the catalogue has that section (4.x has no `controller` and no `proxy`). */
export function hasSection(catalogue: Catalogue, section: Section): boolean {
  return catalogue.sections[section] !== undefined;
}

/** Every key of a section, sorted; empty when the version has no such section. */
export function keysOf(catalogue: Catalogue, section: Section): string[] {
  return Object.keys(catalogue.sections[section] ?? {}).sort();
}

/** The spec of a key (exact, case-sensitive spelling, as RocketMQ matches it), or undefined. */
export function keySpec(catalogue: Catalogue, section: Section, key: string): KeySpec | undefined {
  const keys = catalogue.sections[section];
  return keys && Object.prototype.hasOwnProperty.call(keys, key) ? keys[key] : undefined;
}

/** True when RocketMQ reads `key` (exact spelling) in that section of that version. */
export function hasKey(catalogue: Catalogue, section: Section, key: string): boolean {
  return keySpec(catalogue, section, key) !== undefined;
}

/**
 * The value a key has when the file does not set it (or sets it to something that does not parse), as a
 * readable string: the startup override, else the evaluated initializer, else the initializer with Java
 * string quotes removed; `null` → "null".
 */
export function defaultOf(spec: KeySpec): string {
  const raw = spec.effectiveDefault ?? spec.defaultEvaluated ?? spec.default;
  if (raw === null || raw === undefined) return "null";
  const quoted = /^"(.*)"$/.exec(raw);
  return quoted ? quoted[1] : raw;
}
