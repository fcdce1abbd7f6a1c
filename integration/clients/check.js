// Runs the same checks through one Node.js Redis client library against a
// 3-node quoris cluster (integration/clients_test.go starts it):
//
//   node check.js <client> <follower> <node> <node>
//
// client: node-redis (v5, RESP2), node-redis-resp3 (v5 with RESP: 3, which
// opens with HELLO 3), node-redis4 (v4), ioredis. The first address must
// be a follower. Prints one line per check and exits non-zero on the first
// failure.
'use strict';

const assert = require('node:assert/strict');

const [clientName, ...addrs] = process.argv.slice(2);
if (!clientName || addrs.length !== 3) {
  console.error('usage: node check.js <client> <follower> <node> <node>');
  process.exit(2);
}
const follower = addrs[0];

function hostPort(addr) {
  const i = addr.lastIndexOf(':');
  return { host: addr.slice(0, i), port: Number(addr.slice(i + 1)) };
}

// An adapter gives the checks one API over each library.
function nodeRedisAdapter(mod, resp) {
  const { createClient } = require(mod);
  return {
    protocol: resp || 2,
    async connect(addr) {
      const { host, port } = hostPort(addr);
      const opts = { socket: { host, port, reconnectStrategy: false } };
      if (resp) opts.RESP = resp;
      const c = createClient(opts);
      c.on('error', () => {}); // surfaced by the failing command instead
      await c.connect();
      return c;
    },
    set: (c, k, v) => c.set(k, v),
    get: (c, k) => c.get(k),
    publish: (c, ch, m) => c.publish(ch, m),
    raw: (c, args) => c.sendCommand(args),
    evalScript: (c, script, keys, args) => c.eval(script, { keys, arguments: args }),
    scriptLoad: (c, script) => c.scriptLoad(script),
    evalSha: (c, sha, keys, args) => c.evalSha(sha, { keys, arguments: args }),
    // subscribe resolves once the server confirmed the subscription.
    async subscribe(c, channel, onMessage) {
      const sub = c.duplicate();
      sub.on('error', () => {});
      await sub.connect();
      await sub.subscribe(channel, (message, ch) => onMessage(ch, message));
      return sub;
    },
    async psubscribe(c, pattern, onMessage) {
      const sub = c.duplicate();
      sub.on('error', () => {});
      await sub.connect();
      await sub.pSubscribe(pattern, (message, ch) => onMessage(ch, message));
      return sub;
    },
    close: (c) => c.quit(),
  };
}

function ioredisAdapter() {
  const Redis = require('ioredis');
  const connect = async (addr) => {
    const { host, port } = hostPort(addr);
    const c = new Redis({ host, port, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    c.on('error', () => {});
    await c.connect();
    return c;
  };
  return {
    protocol: 2,
    connect,
    set: (c, k, v) => c.set(k, v),
    get: (c, k) => c.get(k),
    publish: (c, ch, m) => c.publish(ch, m),
    raw: (c, args) => c.call(...args),
    evalScript: (c, script, keys, args) => c.eval(script, keys.length, ...keys, ...args),
    scriptLoad: (c, script) => c.script('LOAD', script),
    evalSha: (c, sha, keys, args) => c.evalsha(sha, keys.length, ...keys, ...args),
    async subscribe(c, channel, onMessage) {
      const sub = c.duplicate();
      sub.on('error', () => {});
      sub.on('message', (ch, message) => onMessage(ch, message));
      await sub.subscribe(channel);
      return sub;
    },
    async psubscribe(c, pattern, onMessage) {
      const sub = c.duplicate();
      sub.on('error', () => {});
      sub.on('pmessage', (_p, ch, message) => onMessage(ch, message));
      await sub.psubscribe(pattern);
      return sub;
    },
    close: (c) => c.quit(),
  };
}

const adapters = {
  'node-redis': () => nodeRedisAdapter('redis', 0),
  'node-redis-resp3': () => nodeRedisAdapter('redis', 3),
  'node-redis4': () => nodeRedisAdapter('redis4', 0),
  ioredis: () => ioredisAdapter(),
};

// waitFor polls cond until it holds or ms pass.
async function waitFor(what, cond, ms = 15000) {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function main() {
  const make = adapters[clientName];
  if (!make) throw new Error(`unknown client ${clientName}; one of ${Object.keys(adapters).join(', ')}`);
  const a = make();
  const clients = [];
  for (const addr of addrs) clients.push(await a.connect(addr));
  const subs = [];
  const tag = `${clientName}:${process.pid}`;
  try {
    // SET on each node, GET from every node: followers proxy both.
    for (let i = 0; i < 3; i++) {
      assert.equal(await a.set(clients[i], `${tag}:k${i}`, `v${i}`), 'OK');
    }
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 3; j++) {
        assert.equal(await a.get(clients[j], `${tag}:k${i}`), `v${i}`);
      }
    }
    assert.equal(await a.get(clients[0], `${tag}:missing`), null);
    console.log('ok set/get through every node');

    // The protocol the library negotiated (node-redis v5 with RESP: 3
    // opens with HELLO 3), as the follower that proxies for it sees it.
    const info = String(await a.raw(clients[0], ['CLIENT', 'INFO']));
    assert.match(info, new RegExp(`\\bresp=${a.protocol}\\b`), info);
    console.log(`ok connection speaks RESP${a.protocol}`);

    // Pub/sub: a subscriber on every node receives every message published
    // on any node, in one order, each publisher's messages in its order.
    const channel = `${tag}:news`;
    const got = [[], [], []];
    for (let i = 0; i < 3; i++) {
      subs.push(await a.subscribe(clients[i], channel, (ch, m) => {
        assert.equal(ch, channel);
        got[i].push(m);
      }));
    }
    const perNode = 30;
    await Promise.all(clients.map(async (c, i) => {
      for (let k = 0; k < perNode; k++) {
        // The leader counts the subscribers it has: one per node.
        const n = await a.publish(c, channel, `node${i}-${k}`);
        assert.equal(Number(n), 1);
      }
    }));
    await waitFor('all messages on every node', () => got.every((g) => g.length >= 3 * perNode));
    for (let i = 1; i < 3; i++) assert.deepEqual(got[i], got[0], `node ${i} saw another order`);
    const next = [0, 0, 0];
    for (const m of got[0]) {
      const [, node, k] = /^node(\d)-(\d+)$/.exec(m);
      assert.equal(Number(k), next[node], `publisher ${node}'s order`);
      next[node]++;
    }
    assert.deepEqual(next, [perNode, perNode, perNode]);
    console.log(`ok pub/sub: ${3 * perNode} messages on 3 nodes, one order`);

    // Keyspace events, subscribed on a follower, for writes through the
    // other nodes (CONFIG SET is replicated).
    assert.equal(await a.raw(clients[1], ['CONFIG', 'SET', 'notify-keyspace-events', 'KEA']), 'OK');
    const events = [];
    const prefix = `${tag}:ks:`;
    subs.push(await a.psubscribe(clients[0], `__keyspace@0__:${prefix}*`, (ch, m) => events.push(`${ch.slice('__keyspace@0__:'.length)} ${m}`)));
    await a.set(clients[1], `${prefix}a`, '1');
    await a.raw(clients[2], ['HSET', `${prefix}h`, 'f', 'v']);
    await a.raw(clients[1], ['DEL', `${prefix}a`]);
    await a.raw(clients[2], ['PEXPIRE', `${prefix}h`, '100']);
    const want = [`${prefix}a set`, `${prefix}h hset`, `${prefix}a del`, `${prefix}h expire`, `${prefix}h expired`];
    await waitFor('keyspace events on the follower', () => events.length >= want.length);
    assert.deepEqual(events, want);
    console.log(`ok keyspace events on follower ${follower}`);

    // EVAL through a follower; SCRIPT LOAD on one node, EVALSHA on another;
    // a script's error reaches the client as an error.
    const script = "redis.call('SET', KEYS[1], ARGV[1]); return {redis.call('INCRBY', KEYS[2], ARGV[2]), redis.call('GET', KEYS[1]), 'x'}";
    const r = await a.evalScript(clients[0], script, [`${tag}:e1`, `${tag}:e2`], ['hello', '5']);
    assert.deepEqual(r.map(String), ['5', 'hello', 'x']);
    const sha = await a.scriptLoad(clients[1], script);
    assert.match(sha, /^[0-9a-f]{40}$/);
    const r2 = await a.evalSha(clients[2], sha, [`${tag}:e1`, `${tag}:e2`], ['again', '2']);
    assert.deepEqual(r2.map(String), ['7', 'again', 'x']);
    assert.equal(await a.get(clients[1], `${tag}:e1`), 'again');
    await assert.rejects(
      a.evalScript(clients[0], "return redis.error_reply('MYERR custom failure')", [], []),
      (err) => String(err.message).includes('MYERR custom failure'),
    );
    console.log('ok eval / evalsha across nodes');
  } finally {
    for (const s of subs) await s.quit().catch(() => {});
    for (const c of clients) await a.close(c).catch(() => {});
  }
}

main().then(
  () => console.log(`PASS ${clientName}`),
  (err) => {
    console.error(`FAIL ${clientName}: ${err && err.stack ? err.stack : err}`);
    process.exit(1);
  },
);
