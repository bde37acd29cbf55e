import { App, TerraformStack, Testing } from "cdktf";
import { Node } from "constructs";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { BrokerPair, DockerHost, NameServer, RocketMqCluster } from "../../lib";
import * as spec from "../../lib/targets/docker/container-spec";
import { containers } from "../helpers";

/** A stack of `sets` BrokerPairs over 4 hosts with 2 name servers, synthesized as `cdktf synth` does (both of cdktf's resolution passes). */
function synthApp(sets: number, during: { declare?: () => void; synth?: () => void } = {}): any {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "rmq-once-"));
  try {
    const app = new App({ outdir });
    const stack = new TerraformStack(app, "s");
    const hosts = [1, 2, 3, 4].map((i) => new DockerHost(stack, `h${i}`, { address: `10.0.0.${i}` }));
    const cluster = new RocketMqCluster(stack, "rmq");
    new NameServer(cluster, "ns1", { host: hosts[0] });
    new NameServer(cluster, "ns2", { host: hosts[1] });
    for (let i = 0; i < sets; i++) {
      new BrokerPair(cluster, `b${i}`, {
        master: { host: hosts[i % 4], listenPort: 10911 + 4 * i },
        slaves: [{ host: hosts[(i + 1) % 4], listenPort: 20911 + 4 * i }],
      });
    }
    during.declare?.();
    app.synth();
    during.synth?.();
    return JSON.parse(fs.readFileSync(path.join(outdir, "stacks/s/cdk.tf.json"), "utf8"));
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

afterEach(() => jest.restoreAllMocks());

test("every container's attributes are computed once per synth, not once per attribute or per resolution pass", () => {
  const server = jest.spyOn(spec, "dockerContainerSpec");
  const init = jest.spyOn(spec, "initSpec");
  const json = synthApp(3);
  expect(Object.keys(containers(json))).toHaveLength(2 + 3 * 2);
  expect(server).toHaveBeenCalledTimes(2 + 3 * 2);
  expect(init).toHaveBeenCalledTimes(2 + 3 * 2);
});

test("synthesis walks the construct tree as often for 20 broker sets as for 2 (every lookup of the library is indexed)", () => {
  const walks = (sets: number) => {
    const findAll = jest.spyOn(Node.prototype, "findAll");
    let declared = 0;
    synthApp(sets, { declare: () => (declared = findAll.mock.calls.length) });
    const counts = { declaring: declared, synthesizing: findAll.mock.calls.length - declared };
    findAll.mockRestore();
    return counts;
  };
  const small = walks(2);
  expect(small.declaring).toBe(0);
  expect(walks(20)).toEqual(small);
});

test("a construct added after a synth is in the next one (the per-synth results are dropped)", () => {
  const app = Testing.app();
  const stack = new TerraformStack(app, "s");
  const h1 = new DockerHost(stack, "h1", { address: "10.0.0.1" });
  const h2 = new DockerHost(stack, "h2", { address: "10.0.0.2" });
  const cluster = new RocketMqCluster(stack, "rmq");
  new NameServer(cluster, "ns1", { host: h1 });
  new BrokerPair(cluster, "broker-a", { master: { host: h1 } });
  const before = JSON.parse(Testing.synth(stack, true));
  new NameServer(cluster, "ns2", { host: h2 });
  const after = JSON.parse(Testing.synth(stack, true));
  const master = (json: any) => containers(json)["defaultcluster-broker-a-0"];
  expect(master(before).depends_on).toHaveLength(2);
  expect(master(after).depends_on).toHaveLength(3);
  expect(master(after).upload[0].content).toContain("namesrvAddr=10.0.0.1:9876;10.0.0.2:9876\n");
  expect(after.output.rmq_namesrvAddr.value).toBe("10.0.0.1:9876;10.0.0.2:9876");
});
