import { App } from "cdktf";
import { buildExamples } from "./examples/seed";
import { RocketMqApp } from "./lib";

const app = new App();
buildExamples(app);
// Like app.synth(), but reports the errors of every stack in one run and prints warnings when run directly.
RocketMqApp.synth(app);
