const fs = require("fs");

module.exports = async () => {
  const dir = process.env.ROCKETMQ_CDKTF_JEST_TMPDIR;
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
};
