// The floor a listing command is measured against: a bare keep-alive pager over the same ListObjectsV2
// pages (with RestoreStatus asked, as the command asks), which reads each body only for its continuation
// token and parses nothing. No signing, no SDK, no summary: what the endpoint and the network cost alone.
// Usage: node bench/floor.mjs <endpoint> <bucket> <prefix>; prints the pages it read.
import http from "node:http";
import { URL, URLSearchParams } from "node:url";

const [endpoint, bucket, prefix] = process.argv.slice(2);
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
const url = new URL(endpoint);
const get = (path) =>
  new Promise((resolve, reject) => {
    http
      .get(
        {
          host: url.hostname,
          port: url.port,
          path,
          agent,
          headers: { "x-amz-optional-object-attributes": "RestoreStatus" },
        },
        (res) => {
          const chunks = [];
          res.on("data", (c) => chunks.push(c));
          res.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
        },
      )
      .on("error", reject);
  });
let token;
let pages = 0;
do {
  const query = new URLSearchParams({ "list-type": "2", prefix, ...(token ? { "continuation-token": token } : {}) });
  const body = await get(`/${bucket}?${query}`);
  pages += 1;
  token = /<NextContinuationToken>([^<]*)<\/NextContinuationToken>/.exec(body)?.[1]?.replace(/&amp;/g, "&");
} while (token);
process.stdout.write(`${pages}\n`);
agent.destroy();
