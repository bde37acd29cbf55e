import * as fs from "fs";
import * as path from "path";

/**
 * The project's key catalogues (lib/core/versions/data) are copies of the reference catalogues derived from
 * RocketMQ's source (shared/reference/rocketmq/keys, a folder that sits beside the checkout). A copy that drifts
 * from the reference would let typos through or reject real keys, so the copies must stay byte-identical.
 */
const REFERENCE_DIR = path.resolve(__dirname, "../../../shared/reference/rocketmq/keys");
const PROJECT_DIR = path.resolve(__dirname, "../../lib/core/versions/data");

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
if (!HAVE_REFERENCE) console.warn(`shared/ not found beside the checkout (${REFERENCE_DIR}): the drift checks against the reference are skipped.`);

describeWithReference("the project's official example configs (test/fixtures/rocketmq-examples)", () => {
  const own = path.resolve(__dirname, "../fixtures/rocketmq-examples");
  const ref = path.resolve(REFERENCE_DIR, "../examples");
  const files = (dir: string): string[] =>
    fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(path.join(dir, e.name)).map((f) => `${e.name}/${f}`) : [e.name])).sort();

  it("are byte-identical copies of the reference examples", () => {
    expect(files(own)).toEqual(files(ref));
    for (const f of files(ref)) expect({ f, text: fs.readFileSync(path.join(own, f), "utf8") }).toEqual({ f, text: fs.readFileSync(path.join(ref, f), "utf8") });
  });
});

describeWithReference("the project's key catalogues", () => {
  it("hold exactly the catalogue files of the reference, no more, no fewer", () => {
    const ref = fs.readdirSync(referenceFile()).filter((f) => f.endsWith(".json")).sort();
    const own = fs.readdirSync(PROJECT_DIR).filter((f) => f.endsWith(".json")).sort();
    expect(own).toEqual(ref);
  });

  it.each(["4.7.0", "4.9.8", "5.3.3"])("rocketmq-%s.json is byte-identical to the reference", (version) => {
    const file = `rocketmq-${version}.json`;
    const refFile = referenceFile(file);
    const own = fs.readFileSync(path.join(PROJECT_DIR, file), "utf8");
    const ref = fs.readFileSync(refFile, "utf8");
    // Compare parsed content first for a readable diff, then the bytes.
    expect(JSON.parse(own)).toEqual(JSON.parse(ref));
    expect(own).toBe(ref);
  });
});
