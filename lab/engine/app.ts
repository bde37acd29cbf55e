// The deploy lab's cdktf program: the stacks of main.ts (examples/seed.ts), pointed at the lab's engines and image
// through the library's public props only (DockerHost dockerHost, RocketMqCluster image and allowStoreDestroy,
// Dashboard image, a master's properties), as a user points them at their own engines and registry.
// Options: ROCKETMQ_DEPLOY_OPTIONS (JSON: engines {address: host}, images {version: image}, allowStoreDestroy,
// masterProperties {brokerName: {key: value}}, userTopicPermissions {account: {topic: permission}}, heapMb
// {broker, nameServer}, extraNameServers); output: CDKTF_OUTDIR.
import { App } from "cdktf";
import { buildExamples } from "../../examples/seed";
import { AclPermission } from "../../lib";

interface LabOptions {
  engines: Record<string, string>;
  images: Record<string, string>;
  /** The console's image (Dashboard `image`). */
  dashboardImage?: string;
  allowStoreDestroy?: boolean;
  masterProperties?: Record<string, Record<string, string | number | boolean>>;
  /** Host directories of stores: <storeDirs>/<address>/<name> (the lab's machines share one file system). */
  storeDirs: string;
  /** Extra topic permissions of seed-secured's accounts (a change of plain_acl.yml). */
  userTopicPermissions?: Record<string, Record<string, AclPermission>>;
  /** The rollout proof's changes (ExampleOptions heapMb, extraNameServers). */
  heapMb?: { broker: number; nameServer: number };
  extraNameServers?: number;
}

const o: LabOptions = JSON.parse(
  process.env.ROCKETMQ_DEPLOY_OPTIONS ?? '{"engines":{},"images":{},"storeDirs":"/tmp"}',
);
const app = new App();
buildExamples(app, {
  dockerHostOf: (address) => {
    const engine = o.engines[address];
    if (!engine) throw new Error(`the deploy lab has no engine for ${address}`);
    return engine;
  },
  imageOf: (version) => {
    const image = o.images[version];
    if (!image) throw new Error(`the deploy lab has no image for RocketMQ ${version}`);
    return image;
  },
  dashboardImage: o.dashboardImage,
  allowStoreDestroy: o.allowStoreDestroy,
  masterProperties: o.masterProperties,
  storeDirOf: (address, name) => `${o.storeDirs}/${address}/${name}`,
  userTopicPermissions: o.userTopicPermissions,
  heapMb: o.heapMb,
  extraNameServers: o.extraNameServers,
});
app.synth();
