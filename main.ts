import { App } from "cdktf";
import { buildExamples } from "./examples/seed";

const app = new App();
buildExamples(app);
app.synth();
