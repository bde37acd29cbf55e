import * as fs from "fs";
import * as path from "path";
import { catalogueFor, keySpec, keysOf, Section, sectionsOf, SUPPORTED_VERSIONS } from "../../lib/core/versions";
import tableJson from "../../lib/core/versions/data/catalogues.json";
import { CatalogueTable, unpackVersion } from "../../lib/core/versions/table";

const TABLE = tableJson as unknown as CatalogueTable;

/**
 * The project's key catalogues (lib/core/versions/data) are read from each release's jars; the reference catalogues
 * (shared/reference/rocketmq/keys, a folder that sits beside the checkout) were read from RocketMQ's source for
 * 4.7.0, 4.9.8 and 5.3.3. Two independent readings that agree key by key; and the source-only facts
 * (data/source-facts.json) are the reference's, verbatim.
 */
const REFERENCE_DIR = path.resolve(__dirname, "../../../shared/reference/rocketmq/keys");

/** Fails with a message saying where the reference is expected, instead of a bare ENOENT. */
function referenceFile(name = ""): string {
  const p = path.join(REFERENCE_DIR, name);
  if (!fs.existsSync(p)) {
    throw new Error(
      `Reference catalogue ${p} not found. The shared/ folder must sit beside the repository checkout ` +
        `(../shared relative to the repo root), as it does in /work and in CI.`,
    );
  }
  return p;
}

/**
 * shared/ sits beside the checkout in this project's workspace and in CI; a clone elsewhere may not have it.
 * There the comparisons with the reference are skipped (and said); in CI a missing reference fails.
 */
const HAVE_REFERENCE = fs.existsSync(REFERENCE_DIR) || process.env.CI === "true";
const describeWithReference = HAVE_REFERENCE ? describe : describe.skip;
if (!HAVE_REFERENCE)
  console.warn(
    `shared/ not found beside the checkout (${REFERENCE_DIR}): the drift checks against the reference are skipped.`,
  );

describeWithReference("the project's official example configs (test/fixtures/rocketmq-examples)", () => {
  const own = path.resolve(__dirname, "../fixtures/rocketmq-examples");
  const ref = path.resolve(REFERENCE_DIR, "../examples");
  const files = (dir: string): string[] =>
    fs
      .readdirSync(dir, { withFileTypes: true })
      .flatMap((e) => (e.isDirectory() ? files(path.join(dir, e.name)).map((f) => `${e.name}/${f}`) : [e.name]))
      .sort();

  it("are byte-identical copies of the reference examples", () => {
    expect(files(own)).toEqual(files(ref));
    for (const f of files(ref))
      expect({ f, text: fs.readFileSync(path.join(own, f), "utf8") }).toEqual({
        f,
        text: fs.readFileSync(path.join(ref, f), "utf8"),
      });
  });
});

/**
 * The reference catalogues were read from RocketMQ's source; the project's are read from the jars. Everything the two
 * can both say must agree, except the differences listed here, each explained.
 */
const KNOWN_DIFFERENCES: Readonly<Record<string, string>> = {
  // The jars show a setter overload that the reading of the source missed.
  "5.3.3 proxy metricsExporterType types": "ProxyConfig also has setMetricsExporterType(int)",
  "5.3.3 tieredStorePlugin tieredStorageLevel types":
    "the tiered store's MessageStoreConfig also has setTieredStorageLevel(int)",
  "5.3.3 tieredStorePlugin tieredStorageLevel enumValues":
    "... and setTieredStorageLevel(TieredStorageLevel), whose constants the jars list",
  // A field without an initializer: the reference writes null, the jars show Java's default for the primitive.
  "4.7.0 broker useTLS default": "private boolean useTLS; (NettyClientConfig) is false",
  "4.9.8 broker useTLS default": "private boolean useTLS; (NettyClientConfig) is false",
};

/** Defaults read from the environment (`${env:...}` in the reference): machine-dependent in the jars' catalogue. */
const FROM_ENVIRONMENT = /\$\{env:/;

describeWithReference("the project's key catalogues, against the reference read from RocketMQ's source", () => {
  const refVersions = () =>
    fs
      .readdirSync(referenceFile())
      .map((f) => /^rocketmq-(\d+\.\d+\.\d+)\.json$/.exec(f)?.[1])
      .filter((v): v is string => !!v)
      .sort();
  const reference = (v: string) => JSON.parse(fs.readFileSync(referenceFile(`rocketmq-${v}.json`), "utf8"));
  const sectionsOfRef = (ref: Record<string, unknown>) =>
    Object.keys(ref)
      .filter((k) => !["version", "appliedBy"].includes(k))
      .sort();
  const literal = /^(-?\d+(\.\d+)?[LlFfDd]?|true|false|null|".*")$/;
  /** A default as a comparable string: Java string quotes dropped, numbers without suffix or leading zeros, null as null. */
  const normal = (v: string | null): string | null => {
    if (v === null || v === "null") return null;
    const u = v.replace(/^"(.*)"$/, "$1");
    return /^-?\d+(\.\d+)?[LlFfDd]?$/.test(u) ? String(Number(u.replace(/[LlFfDd]$/, ""))) : u;
  };

  it("cover every version of the reference", () => {
    expect(refVersions()).toEqual(["4.7.0", "4.9.8", "5.3.3"]);
    for (const v of refVersions()) expect(SUPPORTED_VERSIONS).toContain(v);
  });

  it.each(["4.7.0", "4.9.8", "5.3.3"])("%s: same sections, same classes applied, same keys", (v) => {
    const ref = reference(v);
    const own = catalogueFor(v);
    expect(sectionsOf(own)).toEqual(expect.arrayContaining(sectionsOfRef(ref)));
    expect(sectionsOf(own)).toHaveLength(sectionsOfRef(ref).length);
    const table = unpackVersion(TABLE, v);
    for (const s of sectionsOfRef(ref)) {
      expect({ s, classes: table.appliedBy[s] }).toEqual({
        s,
        classes: ref.appliedBy[s].map((a: { class: string }) => a.class),
      });
      expect({ s, keys: keysOf(own, s as Section) }).toEqual({ s, keys: Object.keys(ref[s]).sort() });
    }
  });

  it.each(["4.7.0", "4.9.8", "5.3.3"])(
    "%s: same types, enum values, sources, alsoSets, conditions and literal defaults, but for the known differences",
    (v) => {
      const ref = reference(v);
      const own = catalogueFor(v);
      const found: string[] = [];
      for (const s of sectionsOfRef(ref)) {
        for (const [k, r] of Object.entries<any>(ref[s])) {
          const j = keySpec(own, s as Section, k)!;
          const differs = (field: string, a: unknown, b: unknown) =>
            JSON.stringify(a) !== JSON.stringify(b) && found.push(`${v} ${s} ${k} ${field}`);
          differs("types", [...r.types].sort(), [...j.types].sort());
          differs("enumValues", r.enumValues, j.enumValues);
          differs("source", r.source, j.source);
          differs("alsoSets", r.alsoSets, j.alsoSets);
          differs("condition", r.condition, j.condition);
          differs("effectiveDefault", r.effectiveDefault, j.effectiveDefault);
          const refDefault = r.defaultEvaluated ?? r.default;
          if (refDefault !== null && FROM_ENVIRONMENT.test(refDefault)) {
            differs("default (environment)", true, j.machineDependent);
          } else if (literal.test(String(r.default)) || r.defaultEvaluated !== undefined) {
            differs("default", normal(refDefault), normal(j.default));
          }
        }
      }
      const known = Object.keys(KNOWN_DIFFERENCES).filter((d) => d.startsWith(`${v} `));
      expect(found.sort()).toEqual(known.sort());
    },
  );

  it.each(["4.7.0", "4.9.8", "5.3.3"])(
    "%s: the facts read from source (startupFacts, getterBody, note) are the reference's, verbatim",
    (v) => {
      const ref = reference(v);
      const own = catalogueFor(v);
      for (const s of sectionsOfRef(ref)) {
        for (const [k, r] of Object.entries<any>(ref[s])) {
          const j = keySpec(own, s as Section, k)!;
          for (const field of ["startupFacts", "getterBody", "note"] as const)
            expect({ k, field, value: j[field] }).toEqual({ k, field, value: r[field] });
        }
      }
    },
  );
});
