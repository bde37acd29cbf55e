// rocketmq-cdktf/core: the pure core (model, rules, rendering), for TypeScript users. Not part of the jsii API.
export * from "./dist/js/lib/core";
