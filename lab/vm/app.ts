// The VM lab's cdktf program: the stacks of main.ts (examples/seed.ts), with the VMs' RocketMQ distribution pointed at
// the lab's HTTP server through the library's public props only (VmHost distribution: a copy of the Apache archive's
// layout, and optionally a pinned SHA-512), as a user points them at their own mirror.
// Options: ROCKETMQ_VM_OPTIONS (JSON: mirror, sha512, heapMb {broker, nameServer}: the rollout proof's change);
// output: CDKTF_OUTDIR.
import { App } from "cdktf";
import { buildExamples } from "../../examples/seed";
import { VmDistribution } from "../../lib";

const o: { mirror: string; sha512?: string; heapMb?: { broker: number; nameServer: number } } = JSON.parse(
  process.env.ROCKETMQ_VM_OPTIONS ?? '{"mirror":"http://127.0.0.1:8080/rocketmq"}',
);
const app = new App();
buildExamples(app, {
  vmDistribution: VmDistribution.apacheArchive({ mirror: o.mirror, sha512: o.sha512 }),
  heapMb: o.heapMb,
});
app.synth();
