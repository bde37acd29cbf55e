/**
 * The compact form of the key catalogues (`data/catalogues.json`): one table of key specs shared by every version,
 * each row saying which versions have it. Versions share most of their keys, so 29 catalogues take little more room
 * than a few. Written by `npm run catalogue -- --write` (lab/catalogue.ts) from each release's jars; read here.
 *
 * Pure: no cdktf, no I/O.
 */

/**
 * Every release whose configuration classes (rocketmq-common, -remoting, -store) Maven Central serves, from 4.5.0
 * (the first with DLedger) on, ascending. Not here: 4.9.6 and 5.1.2 (Central has only their client-side modules:
 * common, remoting, client) and 5.3.4 (no rocketmq-common, -remoting or -client 5.3.4): see UNSUPPORTED.
 */
export const CATALOGUE_DATA_VERSIONS: readonly string[] = [
  "4.5.0",
  "4.5.1",
  "4.5.2",
  "4.6.0",
  "4.6.1",
  "4.7.0",
  "4.7.1",
  "4.8.0",
  "4.9.0",
  "4.9.1",
  "4.9.2",
  "4.9.3",
  "4.9.4",
  "4.9.5",
  "4.9.7",
  "4.9.8",
  "5.0.0",
  "5.1.0",
  "5.1.1",
  "5.1.3",
  "5.1.4",
  "5.2.0",
  "5.3.0",
  "5.3.1",
  "5.3.2",
  "5.3.3",
  "5.4.0",
  "5.5.0",
  "5.5.1",
];

/** Releases from 4.5.0 on without a catalogue, and why (said in the versions/unknown error). */
export const UNSUPPORTED: Readonly<Record<string, string>> = {
  "4.9.6":
    "Maven Central has no rocketmq-store, -broker or -namesrv 4.9.6 (only common, remoting and client), so its keys cannot be read from its jars",
  "5.1.2":
    "Maven Central has no rocketmq-store, -broker or -namesrv 5.1.2 (only common, remoting and client), so its keys cannot be read from its jars",
  "5.3.4":
    "Maven Central has no rocketmq-common, -remoting or -client 5.3.4 (BrokerConfig, NamesrvConfig and the Netty configs live there), so its keys cannot be read from its jars",
};

/** One key as read from the jars (see lab/java/Catalogue.java). */
export interface JarKeySpec {
  /** Setter parameter types (int, Integer, long, double, float, boolean, String). */
  readonly types: readonly string[];
  /** The field's value on a fresh instance (`${user.home}`, `${hostName}`, `${localAddress}` for the machine's); null when null or machine-dependent. */
  readonly default: string | null;
  /** The default depends on the machine (CPU count, environment): no value is recorded. */
  readonly machineDependent?: boolean;
  /** The value the startup class sets before reading the file, when it overrides the field's default. */
  readonly effectiveDefault?: string;
  /** Allowed values, case-sensitive (`Enum.valueOf`). */
  readonly enumValues?: readonly string[];
  /** The Java class that declares the setter. */
  readonly source: string;
  /** Other config objects the same key also sets. */
  readonly alsoSets?: readonly string[];
  /** A Java condition under which the key is read at all (5.1.0+ name server: `enableControllerInNamesrv`). */
  readonly condition?: string;
  /** The setter is `@Deprecated` in this release. */
  readonly deprecated?: boolean;
}

/** One version's catalogue as read from its jars. */
export interface JarCatalogue {
  readonly version: string;
  /** Per section, the configuration classes applied to the file whose jar exists. */
  readonly appliedBy: Readonly<Record<string, readonly string[]>>;
  /** Per section, the classes the startup applies whose module Maven Central lacks for this release (no keys from them). */
  readonly missing: Readonly<Record<string, readonly string[]>>;
  readonly sections: Readonly<Record<string, Readonly<Record<string, JarKeySpec>>>>;
}

/** A row: section, key, the versions that have exactly this spec (`4.5.0..4.9.8,5.0.0`), the spec. */
export type TableRow = [string, string, string, JarKeySpec];

export interface CatalogueTable {
  readonly about: string;
  readonly versions: readonly string[];
  /** Per version (only where not empty). */
  readonly missing: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>>;
  /** Rows of [section, versions, classes]. */
  readonly appliedBy: readonly [string, string, readonly string[]][];
  readonly keys: readonly TableRow[];
}

/** Indices → `a..b,c` over the ordered version list. */
export function encodeRange(indices: readonly number[], versions: readonly string[]): string {
  const parts: string[] = [];
  for (let i = 0; i < indices.length;) {
    let j = i;
    while (j + 1 < indices.length && indices[j + 1] === indices[j] + 1) j++;
    parts.push(i === j ? versions[indices[i]] : `${versions[indices[i]]}..${versions[indices[j]]}`);
    i = j + 1;
  }
  return parts.join(",");
}

/** The version indices of a `a..b,c` range. */
export function decodeRange(range: string, versions: readonly string[]): number[] {
  const out: number[] = [];
  for (const part of range.split(",")) {
    const [from, to] = part.split("..");
    const a = versions.indexOf(from);
    const b = to === undefined ? a : versions.indexOf(to);
    if (a < 0 || b < a) throw new Error(`bad version range "${part}" in the catalogue table`);
    for (let i = a; i <= b; i++) out.push(i);
  }
  return out;
}

/** Canonical JSON of a spec: fields in a fixed order, so equal specs are equal strings. */
const FIELDS: readonly (keyof JarKeySpec)[] = [
  "types",
  "default",
  "machineDependent",
  "effectiveDefault",
  "enumValues",
  "source",
  "alsoSets",
  "condition",
  "deprecated",
];
export function canonical(spec: JarKeySpec): JarKeySpec {
  const out: Record<string, unknown> = {};
  for (const f of FIELDS) if (spec[f] !== undefined) out[f] = spec[f];
  return out as unknown as JarKeySpec;
}

/** Packs catalogues (in CATALOGUE_DATA_VERSIONS order) into the table; deterministic. */
export function packTable(catalogues: readonly JarCatalogue[]): CatalogueTable {
  const versions = catalogues.map((c) => c.version);
  const rows = new Map<string, { section: string; key: string; spec: JarKeySpec; idx: number[] }>();
  const applied = new Map<string, { section: string; classes: readonly string[]; idx: number[] }>();
  const missing: Record<string, Record<string, readonly string[]>> = {};
  catalogues.forEach((c, i) => {
    if (Object.keys(c.missing).length > 0) missing[c.version] = c.missing;
    for (const [section, classes] of Object.entries(c.appliedBy)) {
      const id = JSON.stringify([section, classes]);
      const a = applied.get(id) ?? { section, classes, idx: [] };
      a.idx.push(i);
      applied.set(id, a);
    }
    for (const [section, keys] of Object.entries(c.sections)) {
      for (const [key, raw] of Object.entries(keys)) {
        const spec = canonical(raw);
        const id = JSON.stringify([section, key, spec]);
        const r = rows.get(id) ?? { section, key, spec, idx: [] };
        r.idx.push(i);
        rows.set(id, r);
      }
    }
  });
  const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  const keys: TableRow[] = [...rows.values()]
    .sort((a, b) => cmp(a.section, b.section) || cmp(a.key, b.key) || a.idx[0] - b.idx[0])
    .map((r) => [r.section, r.key, encodeRange(r.idx, versions), r.spec]);
  return {
    about:
      "RocketMQ key catalogues, one row per key spec with the versions that have it. Generated from each release's jars by `npm run catalogue -- --write`; do not edit.",
    versions,
    missing,
    appliedBy: [...applied.values()]
      .sort((a, b) => cmp(a.section, b.section) || a.idx[0] - b.idx[0])
      .map((a) => [a.section, encodeRange(a.idx, versions), a.classes]),
    keys,
  };
}

/** Per row of a table, the set of version indices it holds (decoded once per table). */
const DECODED = new WeakMap<CatalogueTable, { keys: Set<number>[]; appliedBy: Set<number>[] }>();
function decoded(table: CatalogueTable): { keys: Set<number>[]; appliedBy: Set<number>[] } {
  let d = DECODED.get(table);
  if (!d) {
    d = {
      keys: table.keys.map(([, , range]) => new Set(decodeRange(range, table.versions))),
      appliedBy: table.appliedBy.map(([, range]) => new Set(decodeRange(range, table.versions))),
    };
    DECODED.set(table, d);
  }
  return d;
}

/** One version's catalogue out of the table (throws when the table has no such version). */
export function unpackVersion(table: CatalogueTable, version: string): JarCatalogue {
  const i = table.versions.indexOf(version);
  if (i < 0) throw new Error(`the catalogue table has no version ${version}`);
  const d = decoded(table);
  const sections: Record<string, Record<string, JarKeySpec>> = {};
  table.keys.forEach(([section, key, , spec], r) => {
    if (d.keys[r].has(i)) (sections[section] ??= {})[key] = spec;
  });
  const appliedBy: Record<string, readonly string[]> = {};
  table.appliedBy.forEach(([section, , classes], r) => {
    if (d.appliedBy[r].has(i)) appliedBy[section] = classes;
  });
  return { version, appliedBy, missing: table.missing[version] ?? {}, sections };
}
