import { App } from "cdktf";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { main, stackChanges } from "../../lib/cli";
import { changeImpact } from "../../lib/report/impact";
import { buildExamples } from "../../examples/seed";

describe("the rocketmq-cdktf command", () => {
  const dirs: string[] = [];
  const synthTo = (options: Parameters<typeof buildExamples>[1] = {}): string => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "rmq-cli-"));
    dirs.push(outdir);
    const app = new App({ outdir });
    buildExamples(app, options);
    app.synth();
    return outdir;
  };
  const run = (args: string[]): { code: number; out: string } => {
    let out = "";
    const stdout = jest.spyOn(process.stdout, "write").mockImplementation((s) => ((out += String(s)), true));
    try {
      return { code: main(args), out };
    } finally {
      stdout.mockRestore();
    }
  };
  afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

  test("topology prints the report of every synthesized stack", () => {
    const r = run(["topology", synthTo()]);
    expect(r.code).toBe(0);
    for (const s of ["dev", "seed-2m-2s-sync", "seed-5x-controller", "seed-dledger"])
      expect(r.out).toContain(`# RocketMQ topology of stack \`${s}\``);
  });

  test("diff of two output folders names the restarted container of each stack", () => {
    const r = run(["diff", synthTo(), synthTo({ masterProperties: { "broker-a": { fileReservedTime: 120 } } })]);
    expect(r.code).toBe(0);
    expect(r.out).toContain(
      "- `defaultcluster-broker-a-0` (broker broker-a, 172.17.160.28): broker.properties fileReservedTime: (unset) -> 120",
    );
    expect(r.out).toContain("## Stack `seed-dledger`\n\nNo RocketMQ process restarts, starts or stops.");
  });

  test("diff --json prints every stack's impact as a JSON array, the report's own objects", () => {
    const before = synthTo();
    const after = synthTo({ masterProperties: { "broker-a": { fileReservedTime: 120 } } });
    const r = run(["diff", "--json", before, after]);
    expect(r.code).toBe(0);
    const impacts = JSON.parse(r.out);
    expect(impacts.map((i: any) => i.stack)).toEqual([
      "dev",
      "seed-2m-2s-sync",
      "seed-5x-controller",
      "seed-5x-controller-k8s",
      "seed-dledger",
      "seed-dledger-k8s",
      "seed-dledger-secured",
      "seed-dledger-secured-5x",
      "seed-dledger-vm",
      "seed-secured",
      "seed-secured-5x",
      "seed-secured-vm",
      "seed-secured-vm-5x",
      "seed-tls",
      "seed-tls-vm",
    ]);
    expect(impacts.find((i: any) => i.stack === "seed-2m-2s-sync").restarted).toEqual([
      expect.objectContaining({
        name: "defaultcluster-broker-a-0",
        role: "broker",
        brokerName: "broker-a",
        reasons: ["broker.properties fileReservedTime: (unset) -> 120"],
      }),
    ]);
    expect(impacts.find((i: any) => i.stack === "seed-dledger").restarted).toEqual([]);
    // Byte for byte the impacts the library computes, keys in their order: what a script reads is the report's data.
    const read = (dir: string, s: string) =>
      JSON.parse(fs.readFileSync(path.join(dir, "stacks", s, "cdk.tf.json"), "utf8"));
    const direct = impacts.map((i: any) =>
      changeImpact(i.stack, stackChanges(read(before, i.stack), read(after, i.stack))),
    );
    expect(r.out).toBe(`${JSON.stringify(direct, null, 2)}\n`);
    // The flag may come anywhere after diff.
    expect(run(["diff", before, after, "--json"]).out).toBe(r.out);
  });

  test("diff reads VM stacks too: a changed broker restarts every process of its VM, which is replaced to apply it", () => {
    const r = run(["diff", synthTo(), synthTo({ masterProperties: { "broker-a": { fileReservedTime: 120 } } })]);
    const vm = r.out.slice(r.out.indexOf("## Stack `seed-secured-vm`"), r.out.indexOf("## Stack `seed-secured-vm-5x`"));
    expect(vm).toContain("### Restarted: VM replaced (2)");
    expect(vm).toContain(
      "- `securedcluster-broker-a-0` (broker broker-a, 172.17.160.51): broker.properties fileReservedTime: (unset) -> 120; its VM (output vm51_userData) is replaced to apply the changed user-data",
    );
    expect(vm).toContain(
      "- `securedcluster-namesrv-ns51` (namesrv, 172.17.160.51): its VM (output vm51_userData) is replaced",
    );
    // the other VM's processes do not move
    expect(vm).not.toContain("securedcluster-broker-a-1");
    // where the replaced VM's broker keeps its data, and what keeps it
    expect(vm).toContain(
      "**Stores on replaced VMs**: each broker below keeps its data only if its store is on a disk the new VM gets",
    );
    expect(vm).toContain(
      "- `securedcluster-broker-a-0`: directory /var/lib/rocketmq/securedcluster-broker-a-0 of the VM (output vm51_userData)",
    );
    expect(r.out).toContain("## Stack `seed-dledger-vm`\n\nNo RocketMQ process restarts, starts or stops.");
  });

  test("wrong arguments print the usage and fail", () => {
    expect(main(["diff", "only-one"])).toBe(2);
    expect(main(["diff", "--json", "only-one"])).toBe(2);
  });
});
