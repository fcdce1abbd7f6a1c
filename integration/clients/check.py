"""The checks of check.js through redis-py, against a 3-node quoris cluster.

    python3 check.py <follower> <node> <node>

Prints one line per check and exits non-zero on the first failure.
"""

import os
import re
import sys
import threading
import time

import redis


def host_port(addr):
    host, _, port = addr.rpartition(":")
    return host, int(port)


def wait_for(what, cond, seconds=15.0):
    deadline = time.monotonic() + seconds
    while not cond():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not within {seconds} s")
        time.sleep(0.01)


def expect(got, want, what):
    if got != want:
        raise AssertionError(f"{what}: got {got!r}, want {want!r}")


class Listener:
    """A subscription read by a thread; subscribed when constructed."""

    def __init__(self, client, pattern, name):
        self.pubsub = client.pubsub()
        if pattern:
            self.pubsub.psubscribe(name)
        else:
            self.pubsub.subscribe(name)
        # The confirmation arrives before any message published after it.
        msg = None
        deadline = time.monotonic() + 10
        while msg is None and time.monotonic() < deadline:
            msg = self.pubsub.get_message(timeout=1.0)
        if msg is None or msg["type"] not in ("subscribe", "psubscribe"):
            raise AssertionError(f"no subscription confirmation: {msg!r}")
        self.got = []
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self):
        while not self.stop.is_set():
            msg = self.pubsub.get_message(timeout=0.1)
            if msg and msg["type"] in ("message", "pmessage"):
                self.got.append((msg["channel"], msg["data"]))

    def close(self):
        self.stop.set()
        self.thread.join()
        self.pubsub.close()


def main(addrs):
    follower = addrs[0]
    clients = []
    for addr in addrs:
        host, port = host_port(addr)
        clients.append(redis.Redis(host=host, port=port, decode_responses=True, socket_timeout=10))
    tag = f"redis-py:{os.getpid()}"
    listeners = []
    try:
        for i, c in enumerate(clients):
            expect(c.set(f"{tag}:k{i}", f"v{i}"), True, "SET")
        for i in range(3):
            for c in clients:
                expect(c.get(f"{tag}:k{i}"), f"v{i}", "GET")
        expect(clients[0].get(f"{tag}:missing"), None, "GET of a missing key")
        print("ok set/get through every node")

        channel = f"{tag}:news"
        listeners = [Listener(c, False, channel) for c in clients]
        per_node = 30

        def publish(i, c):
            for k in range(per_node):
                expect(c.publish(channel, f"node{i}-{k}"), 1, "PUBLISH receivers on the leader")

        threads = [threading.Thread(target=publish, args=(i, c)) for i, c in enumerate(clients)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wait_for("all messages on every node", lambda: all(len(l.got) >= 3 * per_node for l in listeners))
        orders = [[m for _, m in l.got] for l in listeners]
        for i in (1, 2):
            expect(orders[i], orders[0], f"node {i}'s order")
        nxt = [0, 0, 0]
        for m in orders[0]:
            node, k = map(int, re.fullmatch(r"node(\d)-(\d+)", m).groups())
            expect(k, nxt[node], f"publisher {node}'s order")
            nxt[node] += 1
        expect(nxt, [per_node] * 3, "messages per publisher")
        print(f"ok pub/sub: {3 * per_node} messages on 3 nodes, one order")

        expect(clients[1].config_set("notify-keyspace-events", "KEA"), True, "CONFIG SET")
        prefix = f"{tag}:ks:"
        ks = Listener(clients[0], True, f"__keyspace@0__:{prefix}*")
        listeners.append(ks)
        clients[1].set(f"{prefix}a", "1")
        clients[2].hset(f"{prefix}h", "f", "v")
        clients[1].delete(f"{prefix}a")
        clients[2].pexpire(f"{prefix}h", 100)
        want = [f"{prefix}a set", f"{prefix}h hset", f"{prefix}a del", f"{prefix}h expire", f"{prefix}h expired"]
        wait_for("keyspace events on the follower", lambda: len(ks.got) >= len(want))
        got = [f"{ch[len('__keyspace@0__:'):]} {m}" for ch, m in ks.got]
        expect(got, want, "keyspace events")
        print(f"ok keyspace events on follower {follower}")

        script = (
            "redis.call('SET', KEYS[1], ARGV[1]); "
            "return {redis.call('INCRBY', KEYS[2], ARGV[2]), redis.call('GET', KEYS[1]), 'x'}"
        )
        keys = [f"{tag}:e1", f"{tag}:e2"]
        expect(clients[0].eval(script, 2, *keys, "hello", 5), [5, "hello", "x"], "EVAL")
        sha = clients[1].script_load(script)
        expect(bool(re.fullmatch(r"[0-9a-f]{40}", sha)), True, f"SCRIPT LOAD sha {sha!r}")
        expect(clients[2].evalsha(sha, 2, *keys, "again", 2), [7, "again", "x"], "EVALSHA")
        # register_script: EVALSHA, and EVAL after NOSCRIPT, as redis-py does.
        incr = clients[0].register_script("return redis.call('INCRBY', KEYS[1], ARGV[1])")
        expect(incr(keys=[f"{tag}:n"], args=[3]), 3, "registered script")
        try:
            clients[0].eval("return redis.error_reply('MYERR custom failure')", 0)
        except redis.ResponseError as e:
            expect("MYERR custom failure" in str(e), True, f"script error {e}")
        else:
            raise AssertionError("a script's error_reply did not raise")
        print("ok eval / evalsha across nodes")
    finally:
        for l in listeners:
            l.close()
        for c in clients:
            c.close()


if __name__ == "__main__":
    if len(sys.argv) != 4:
        print("usage: python3 check.py <follower> <node> <node>", file=sys.stderr)
        sys.exit(2)
    try:
        main(sys.argv[1:])
    except Exception as e:  # report the failed check, not a bare traceback
        import traceback

        traceback.print_exc()
        print(f"FAIL redis-py {redis.__version__}: {e}", file=sys.stderr)
        sys.exit(1)
    print(f"PASS redis-py {redis.__version__}")
