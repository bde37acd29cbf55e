import { Testing, TerraformStack } from "cdktf";
import { withoutCreationStacks } from "../../lib/targets/docker/creation-stacks";
import { BrokerPair, DockerHost, NameServer, RocketMqCluster } from "../../lib";

/** Error as V8's hook holder: its prepareStackTrace is a value to save and compare here, not a method to call. */
const V8Error: { prepareStackTrace?: unknown } = Error;

describe("provider resources are built without formatting cdktf's creation stacks", () => {
  test("a creation stack captured meanwhile (cdktf's way: a plain object) is left empty", () => {
    const stack = withoutCreationStacks(() => {
      const o = { stack: "x" };
      Error.captureStackTrace(o);
      return o.stack;
    });
    expect(stack).toBe("");
  });

  test("a real Error thrown meanwhile keeps its message and a stack naming where it came from", () => {
    function declareSomethingWrong(): never {
      throw new Error("a construct refused its props");
    }
    let caught: Error | undefined;
    try {
      withoutCreationStacks(() => declareSomethingWrong());
    } catch (e) {
      caught = e as Error;
    }
    expect(caught?.message).toBe("a construct refused its props");
    expect(caught?.stack).toMatch(/^Error: a construct refused its props\n\s+at .*declareSomethingWrong/);
  });

  test("the process's own Error.prepareStackTrace is restored, also after a throw", () => {
    const before = V8Error.prepareStackTrace;
    expect(() =>
      withoutCreationStacks(() => {
        throw new Error("x");
      }),
    ).toThrow("x");
    withoutCreationStacks(() => 1);
    expect(V8Error.prepareStackTrace).toBe(before);
  });

  test("declaring a cluster leaves the process's Error.prepareStackTrace as it was, and errors keep their stacks", () => {
    const before = V8Error.prepareStackTrace;
    const s = new TerraformStack(Testing.app(), "s");
    const host = new DockerHost(s, "h", { address: "10.0.0.1" });
    const cluster = new RocketMqCluster(s, "rmq", { clusterName: "C" });
    new NameServer(cluster, "ns", { host });
    new BrokerPair(cluster, "a", { master: { host } });
    expect(V8Error.prepareStackTrace).toBe(before);
    expect(new Error("after").stack).toMatch(/\n\s+at /);
    expect(JSON.parse(Testing.synth(s)).resource.docker_container).toBeDefined();
  });
});
