// rocketmq-cdktf/core: the pure core (model, rules, rendering), for TypeScript and JavaScript users. Not part of the jsii API.
module.exports = require("./dist/js/lib/core");
