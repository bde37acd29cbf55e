/**
 * Every configuration key RocketMQ reads, per version and per process ("section"): one catalogue for every release
 * from 4.5.0 on whose configuration jars Maven Central serves, each read from that release's jars by reflection
 * (`npm run catalogue -- --write`: each public setter `setXxx` of the objects a startup class applies its file to
 * makes a key `xxx`), stored as one shared table (`./data/catalogues.json`, see table.ts), plus the facts read
 * from RocketMQ's source for 4.7.0, 4.9.8 and 5.3.3 (`./data/source-facts.json`).
 *
 * Lookup is exact: a version without its own catalogue is an error naming the closest supported ones.
 *
 * Pure: no cdktf, no constructs, no I/O beyond the bundled JSON.
 */
import sourceFacts from "./data/source-facts.json";
import tableJson from "./data/catalogues.json";
import { CatalogueTable, JarKeySpec, UNSUPPORTED, unpackVersion } from "./table";

/**
 * A process whose configuration file the catalogue describes. `broker` (broker.properties), `namesrv`
 * (name server `-c` file), and in 5.x `controller` (`mqcontroller -c`), `proxy` (`rmq-proxy.json`) and
 * `tieredStorePlugin` (broker keys read only when the broker runs the tiered store plugin, 5.1.0+).
 */
export type Section = "broker" | "namesrv" | "controller" | "proxy" | "tieredStorePlugin";

/** Parameter type of a setter; the value in the file must parse as one of a key's types. */
export type JavaType = "int" | "Integer" | "long" | "double" | "float" | "boolean" | "String";

/**
 * What the catalogue knows about one key: what the jars show (JarKeySpec: `default` is the field's value on a fresh
 * instance, with the machine's home, host name and address written `${user.home}`, `${hostName}`, `${localAddress}`,
 * and null when null or machine-dependent), plus, for 4.7.0, 4.9.8 and 5.3.3, the facts read from their source.
 */
export interface KeySpec extends Omit<JarKeySpec, "types"> {
  /** Setter parameter types: the value must parse as one of them (`metricsExporterType` has int and String). */
  readonly types: readonly JavaType[];
  /** What the startup class does to the key after reading the file (read from source: 4.7.0, 4.9.8, 5.3.3 only). */
  readonly startupFacts?: readonly string[];
  /** The getter, when it derives the value (read from source: 4.7.0, 4.9.8, 5.3.3 only). */
  readonly getterBody?: string;
  readonly note?: string;
}

/** One version's catalogue. Sections absent in a version (4.x has no `controller`/`proxy`) are undefined. */
export interface Catalogue {
  /** The catalogue's own version, e.g. `4.9.8` (always the version asked for: lookup is exact). */
  readonly version: string;
  readonly sections: Readonly<Partial<Record<Section, Readonly<Record<string, KeySpec>>>>>;
  /**
   * Per section, the configuration classes the startup class applies but whose module Maven Central lacks for this
   * release (5.5.1 broker: AuthConfig; proxy: ProxyConfig, AuthConfig). Their keys are unknown here: a key the
   * catalogue does not list may still be real in such a section.
   */
  readonly missing: Readonly<Partial<Record<Section, readonly string[]>>>;
}

const SECTION_NAMES: readonly Section[] = ["broker", "namesrv", "controller", "proxy", "tieredStorePlugin"];

const TABLE = tableJson as unknown as CatalogueTable;
const SOURCE_FACTS = (
  sourceFacts as unknown as { versions: Record<string, Record<string, Record<string, Partial<KeySpec>>>> }
).versions;

function toCatalogue(version: string): Catalogue {
  const raw = unpackVersion(TABLE, version);
  const facts = SOURCE_FACTS[version] ?? {};
  const sections: Partial<Record<Section, Record<string, KeySpec>>> = {};
  const missing: Partial<Record<Section, readonly string[]>> = {};
  for (const s of SECTION_NAMES) {
    // A section whose classes all lack their jars still exists (5.5.1 proxy): empty, with what is missing.
    const keys = raw.sections[s] ?? (raw.missing[s] ? {} : undefined);
    if (raw.missing[s]) missing[s] = raw.missing[s];
    if (!keys) continue;
    const out: Record<string, KeySpec> = {};
    for (const [k, spec] of Object.entries(keys)) out[k] = { ...(spec as KeySpec), ...(facts[s]?.[k] ?? {}) };
    sections[s] = out;
  }
  return { version, sections, missing };
}

const CACHE = new Map<string, Catalogue>();

/**
 * The version a cluster gets when it names none: the newest release whose servers (namesrv, broker, controller,
 * proxy) Maven Central serves and whose `apache/rocketmq:<version>` image is published (README, "Versions").
 */
export const DEFAULT_VERSION = "5.5.0";

/** The versions a catalogue exists for, ascending: `["4.5.0", ..., "5.5.1"]`. */
export const SUPPORTED_VERSIONS: readonly string[] = [...TABLE.versions];

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

/** The supported versions closest to `version`: the newest one below it and the oldest one above it (when they exist). */
export function closestSupported(version: string): string[] {
  const p = parseVersion(version);
  // "5.5": the releases of that line (5.5.0, 5.5.1), not a guess at one of them.
  const line = /^(\d+)\.(\d+)$/.exec(typeof version === "string" ? version.trim() : "");
  const ofLine = line ? SUPPORTED_VERSIONS.filter((v) => v.startsWith(`${Number(line[1])}.${Number(line[2])}.`)) : [];
  if (ofLine.length > 0) return ofLine;
  if (!p) return [SUPPORTED_VERSIONS[SUPPORTED_VERSIONS.length - 1]];
  const below = SUPPORTED_VERSIONS.filter((v) => compareVersions(v, version) < 0);
  const above = SUPPORTED_VERSIONS.filter((v) => compareVersions(v, version) > 0);
  return [below[below.length - 1], above[0]].filter((v): v is string => v !== undefined);
}

/**
 * The catalogue of exactly `version`. Throws, naming the closest supported versions and listing all of them, for a
 * malformed version or one without its own catalogue: keys change between patch releases (5.4.0 added
 * `timerRocksDBEnable`), so another release's keys would refuse real keys and accept removed ones.
 */
export function catalogueFor(version: string): Catalogue {
  const hit = CACHE.get(version);
  if (hit) return hit;
  if (!SUPPORTED_VERSIONS.includes(version)) throw new Error(unsupportedMessage(version));
  const c = toCatalogue(version);
  CACHE.set(version, c);
  return c;
}

/** Why `version` has no catalogue, the closest supported versions, and all of them. */
export function unsupportedMessage(version: string): string {
  const all = `Supported versions: ${SUPPORTED_VERSIONS.join(", ")}.`;
  if (!parseVersion(version)) {
    return `Malformed RocketMQ version "${String(version)}": expected major.minor.patch, e.g. ${SUPPORTED_VERSIONS[SUPPORTED_VERSIONS.length - 1]}. ${all}`;
  }
  const why =
    UNSUPPORTED[version] ??
    "no key catalogue: not a release whose configuration jars Maven Central serves, or older than 4.5.0 (the first with DLedger)";
  return `RocketMQ ${version} is not supported: ${why}. The closest supported versions are ${closestSupported(version).join(" and ")}. ${all}`;
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

/** What `defaultOf` says for a default that depends on the machine. */
export const MACHINE_DEPENDENT = "(depends on the machine)";

/**
 * The value a key has when the file does not set it (or sets it to something that does not parse), as a
 * readable string: the startup override, else the field's value; `null` → "null"; a machine-dependent default →
 * MACHINE_DEPENDENT.
 */
export function defaultOf(spec: KeySpec): string {
  if (spec.effectiveDefault !== undefined) return spec.effectiveDefault;
  if (spec.machineDependent) return MACHINE_DEPENDENT;
  return spec.default === null || spec.default === undefined ? "null" : spec.default;
}
