// Every temporary directory the tests make (cdktf's Testing.app makes one per synth, about 2000 a run, and never
// removes them) goes under one directory of this run, removed by global-teardown.cjs: a run leaves /tmp as it found it.
const fs = require("fs");
const os = require("os");
const path = require("path");

module.exports = async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "rocketmq-cdktf-jest-"));
  process.env.ROCKETMQ_CDKTF_JEST_TMPDIR = dir;
  // os.tmpdir() reads TMPDIR on every call; the workers are started after this and inherit it.
  process.env.TMPDIR = dir;
};
