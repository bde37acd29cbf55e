import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { containers } from "./helpers";

test("the README's example synthesizes a working stack", () => {
  const readme = fs.readFileSync(path.resolve(__dirname, "../README.md"), "utf8");
  const code = /```ts\n([\s\S]*?)```/.exec(readme)![1];
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "rmq-readme-"));
  const file = path.join(__dirname, "readme-example.generated.ts");
  fs.writeFileSync(file, code.replace("new App()", `new App({ outdir: ${JSON.stringify(outdir)} })`));
  try {
    jest.isolateModules(() => require(file));
    const json = JSON.parse(fs.readFileSync(path.join(outdir, "stacks/prod/cdk.tf.json"), "utf8"));
    const names = Object.keys(containers(json)).sort();
    expect(names).toEqual([
      "defaultcluster-broker-a-0", "defaultcluster-broker-a-1", "defaultcluster-broker-b-0", "defaultcluster-broker-b-1",
      "defaultcluster-broker-c-n0", "defaultcluster-broker-c-n1", "defaultcluster-broker-c-n2",
      "defaultcluster-namesrv-ns28", "defaultcluster-namesrv-ns29",
    ]);
  } finally {
    fs.rmSync(file, { force: true });
    fs.rmSync(outdir, { recursive: true, force: true });
  }
});
