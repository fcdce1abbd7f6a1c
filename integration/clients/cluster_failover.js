// ioredis Cluster with default options writes continuously to a quoris
// cluster; the test kills the leader and sends the kill time (Unix ms)
// on stdin. Prints the time from the kill to the first write that
// succeeds afterwards, then reads every acknowledged write back.
//
//     node cluster_failover.js <node> <node> <node>
"use strict";
const Redis = require("ioredis");
const readline = require("readline");

const nodes = process.argv.slice(2).map((a) => {
  const i = a.lastIndexOf(":");
  return { host: a.slice(0, i), port: Number(a.slice(i + 1)) };
});
const cluster = new Redis.Cluster(nodes);
cluster.on("error", () => {}); // reported per command below

let killedAt = null;
readline.createInterface({ input: process.stdin }).on("line", (l) => {
  killedAt = Number(l.trim());
});

async function main() {
  const acked = new Map();
  let ready = false, resumedAfter = null, errors = 0;
  const give = Date.now() + 60000;
  for (let i = 0; Date.now() < give; i++) {
    const key = "fo:" + i, val = "v" + i;
    try {
      await cluster.set(key, val);
      acked.set(key, val);
      const end = Date.now();
      if (!ready) { ready = true; console.log("READY"); }
      if (killedAt !== null && end > killedAt && resumedAfter === null) {
        resumedAfter = end - killedAt;
      }
      if (resumedAfter !== null && end - killedAt > resumedAfter + 1000) break;
    } catch (e) {
      errors++;
      if (errors <= 5 || errors % 100 === 0) console.log("write error: " + e.message);
      await new Promise((r) => setTimeout(r, 10));
    }
  }
  let lost = 0;
  for (const [k, v] of acked) {
    const got = await cluster.get(k);
    if (got !== v) { lost++; if (lost <= 5) console.log(`LOST ${k}: got ${got}, want ${v}`); }
  }
  console.log(`RESULT resumed_ms=${resumedAfter === null ? -1 : resumedAfter} acked=${acked.size} errors=${errors} lost=${lost}`);
  cluster.disconnect();
  process.exit(lost === 0 && resumedAfter !== null ? 0 : 1);
}
main().catch((e) => { console.log("FAIL " + e.stack); process.exit(1); });
