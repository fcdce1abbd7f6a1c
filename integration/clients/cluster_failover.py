"""redis-py RedisCluster with default options writes continuously to a
quoris cluster; the test kills the leader and sends the kill time (Unix
ms) on stdin. Prints the time from the kill to the first write that
succeeds afterwards, then reads every acknowledged write back.

    python3 cluster_failover.py <node> <node> <node>
"""

import sys
import threading
import time

from redis.cluster import ClusterNode, RedisCluster


def now_ms():
    return int(time.time() * 1000)


def main():
    nodes = []
    for a in sys.argv[1:]:
        host, _, port = a.rpartition(":")
        nodes.append(ClusterNode(host, int(port)))
    rc = RedisCluster(startup_nodes=nodes)
    killed_at = []
    threading.Thread(target=lambda: killed_at.append(int(sys.stdin.readline())), daemon=True).start()

    acked = {}
    ready, resumed, errors = False, None, 0
    give = time.monotonic() + 60
    i = 0
    while time.monotonic() < give:
        key, val = f"fo:{i}", f"v{i}"
        i += 1
        try:
            rc.set(key, val)
        except Exception as e:  # any failure is an unacknowledged write
            errors += 1
            if errors <= 5 or errors % 100 == 0:
                print(f"write error: {type(e).__name__}: {e}", flush=True)
            time.sleep(0.01)
            continue
        acked[key] = val
        end = now_ms()
        if not ready:
            ready = True
            print("READY", flush=True)
        if killed_at and end > killed_at[0] and resumed is None:
            resumed = end - killed_at[0]
        if resumed is not None and end - killed_at[0] > resumed + 1000:
            break
    lost = 0
    for k, v in acked.items():
        got = rc.get(k)
        if got != v.encode():
            lost += 1
            if lost <= 5:
                print(f"LOST {k}: got {got!r}, want {v!r}")
    print(f"RESULT resumed_ms={-1 if resumed is None else resumed} acked={len(acked)} errors={errors} lost={lost}", flush=True)
    sys.exit(0 if lost == 0 and resumed is not None else 1)


main()
