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

describe("the project's key catalogues", () => {
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
