// The deployment check (scripts/deploy-check): the app through nginx over HTTPS, the browser
// trusting the district CA from its NSS store, the host name mapped to this machine.
const base = require("./playwright.config.js");

const host = process.env.PCMD_HOST || "pcmd.test";
module.exports = {
  ...base,
  testDir: "./deploy",
  use: {
    ...base.use,
    launchOptions: {
      ...base.use.launchOptions,
      args: [...base.use.launchOptions.args, `--host-resolver-rules=MAP ${host} 127.0.0.1`],
    },
  },
};
