import * as fs from "fs";
import * as path from "path";

const LIB = path.resolve(__dirname, "../lib");

function tsFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) =>
      e.isDirectory() ? tsFiles(path.join(dir, e.name)) : e.name.endsWith(".ts") ? [path.join(dir, e.name)] : [],
    );
}

/** The lib folders a file imports from (relative imports only), e.g. ["core", "synth"]. */
function importedLayers(file: string): string[] {
  const text = fs.readFileSync(file, "utf8");
  const layers = new Set<string>();
  for (const m of text.matchAll(/from "(\.[^"]*)"/g)) {
    const target = path.relative(LIB, path.resolve(path.dirname(file), m[1]));
    layers.add(target.split(path.sep)[0]);
  }
  return [...layers].sort();
}

// core <- report <- synth <- targets <- constructs: each layer imports only the layers to its left (and itself).
const ALLOWED: Record<string, string[]> = {
  core: ["core"],
  report: ["core", "report"],
  synth: ["core", "report", "synth"],
  targets: ["core", "synth", "targets"],
  constructs: ["core", "synth", "targets", "constructs"],
};

describe("cdktf stays in the construct layers", () => {
  for (const layer of ["core", "report"]) {
    test(`lib/${layer} imports neither cdktf nor constructs`, () => {
      for (const f of tsFiles(path.join(LIB, layer))) {
        const imports = /from "(cdktf|constructs|@cdktf\/[^"]*)(\/[^"]*)?"/.test(fs.readFileSync(f, "utf8"));
        expect({ file: path.relative(LIB, f), imports }).toEqual({ file: path.relative(LIB, f), imports: false });
      }
    });
  }
});

describe("layers", () => {
  for (const [layer, allowed] of Object.entries(ALLOWED)) {
    test(`lib/${layer} imports only from ${allowed.join(", ")}`, () => {
      for (const f of tsFiles(path.join(LIB, layer))) {
        const bad = importedLayers(f).filter((l) => !allowed.includes(l));
        expect({ file: path.relative(LIB, f), bad }).toEqual({ file: path.relative(LIB, f), bad: [] });
      }
    });
  }
});
