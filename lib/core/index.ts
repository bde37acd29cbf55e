/** The pure core: topology model, rules, rendering. No cdktf import anywhere below this folder. */
export * from "./findings";
export * from "./model";
export * from "./ports";
export * from "./plan";
export { checkTopology } from "./rules";
export * from "./render/properties";
export * from "./render/servers";
export * from "./render/jvm";
// RocketMQ keys per version (catalogues, version helpers, the shipped table): core.versions.catalogueFor(...).
export * as versions from "./versions/index";
