// Preloaded (node --require) into CLI processes under test: resolves `localhost` and every
// `<name>.localhost` to 127.0.0.1, as RFC 6761 reserves them for loopback. The S3 Control client puts the
// account ID in front of its endpoint's host (`<account>.localhost:<port>`), and the system resolver
// here does not answer such names; the project's emulators listen on 127.0.0.1 only.
const dns = require("node:dns");
const original = dns.lookup;
dns.lookup = function lookup(hostname, options, callback) {
  if (typeof hostname === "string" && (hostname === "localhost" || hostname.endsWith(".localhost"))) {
    const cb = typeof options === "function" ? options : callback;
    const all = typeof options === "object" && options !== null && options.all;
    return process.nextTick(() => (all ? cb(null, [{ address: "127.0.0.1", family: 4 }]) : cb(null, "127.0.0.1", 4)));
  }
  return original.call(this, hostname, options, callback);
};
