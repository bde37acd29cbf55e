/**
 * One bench run of the library, in a process of its own: declares the bench topology with the public API,
 * synthesizes it into `outdir` as `cdktf synth` does, and prints the process's own figures as the last line.
 *
 * node bench/.out/bench/library.js <pair|dledger> <sets> <outdir>
 */
import { App } from "cdktf";
import { BenchStack, Shape } from "./topology";
import { printFigures } from "./figures";

const [shape, sets, outdir] = [process.argv[2] as Shape, Number(process.argv[3]), process.argv[4]];
const app = new App({ outdir });
new BenchStack(app, "bench", shape, sets);
app.synth();
printFigures({});
