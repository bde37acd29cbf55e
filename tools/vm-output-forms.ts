// Every form of a VmHost's user-data a user can hand to Terraform, for validate-terraform: the document (`userData`,
// the host's sensitive output), base64 (`userDataBase64`), gzip + base64 (`userDataGzipBase64`), and `attachTo` on a
// resource (OpenTofu's built-in terraform_data, so that it validates offline). The cluster signs with a secret from a
// sensitive variable: every output of the document is sensitive, as Terraform demands of what derives from a secret.
// Writes the stack `vm-output-forms` under CDKTF_OUTDIR (default cdktf.out).
import { App, TerraformOutput, TerraformResource, TerraformStack, TerraformVariable } from "cdktf";
import { BrokerPair, NameServer, RocketMqCluster, RocketMqVersion, VmHost } from "../lib";

const app = new App({ outdir: process.env.CDKTF_OUTDIR ?? "cdktf.out" });
const stack = new TerraformStack(app, "vm-output-forms");
const vm = new VmHost(stack, "vm", { address: "10.0.0.1" });
const secret = new TerraformVariable(stack, "adminSecret", { type: "string", sensitive: true });
const cluster = new RocketMqCluster(stack, "rmq", {
  version: RocketMqVersion.V4_9_8,
  accessControl: { users: [{ name: "rocketmq-admin", secret: secret.stringValue, admin: true }] },
});
new NameServer(cluster, "ns", { host: vm });
new BrokerPair(cluster, "broker-a", { master: { host: vm } });
new TerraformOutput(stack, "base64", { value: vm.userDataBase64, sensitive: true });
new TerraformOutput(stack, "gzip-base64", { value: vm.userDataGzipBase64, sensitive: true });
vm.attachTo(new TerraformResource(stack, "instance", { terraformResourceType: "terraform_data" }), "input");
app.synth();
