#!/usr/bin/python3
"""The original AutoSpot (FastAPI) nearest-slot algorithm, re-written from
the domain specification (autospot-domain.md section 4) for a timing
comparison with the Go route package on the same maps.

Graph: corridor polylines (4-adjacent pairs, weight 1, direction-aware);
car entrances and ramps linked both ways, exits one way, to the nearest
non-slot corridor point (ties: 4-adjacent, then same y, then first); slots
entered one way from a 4-adjacent non-slot corridor point; ramps weight 2.
Dijkstra as the original: a heap of (cost, node, path) where each push
copies the path, a visited set, neighbours sorted by direction similarity,
nodes without out-edges skipped unless they are the target, and a 0.1 turn
penalty. Nearest slot: one Dijkstra per available slot on the start's
level; with none, the nearest same-level ramp by path, then one Dijkstra
per available slot of the ramp's to_level from the ramp target.

usage: nearest_slot.py REPEAT MAP.json...
prints "python <name> <build_us> <query_us> slot=<id> level=<n> distance=<d>"
"""
import heapq
import json
import math
import sys
import timeit


def euclid(a, b):
    return math.sqrt((a[0] - b[0]) ** 2 + (a[1] - b[1]) ** 2)


def adjacent(a, b):
    dx, dy = abs(a[0] - b[0]), abs(a[1] - b[1])
    return (dx == 1 and dy == 0) or (dx == 0 and dy == 1)


def build_graph(levels):
    g = {}
    for ld in levels:
        lv = ld["level"]
        for c in ld.get("corridors", []):
            pts = c["points"]
            for a, b in zip(pts, pts[1:]):
                if not adjacent(a, b):
                    continue
                na, nb = (lv, a[0], a[1]), (lv, b[0], b[1])
                w = euclid(a, b)
                if c["direction"] in ("forward", "both"):
                    g.setdefault(na, []).append((nb, w))
                if c["direction"] in ("backward", "both"):
                    g.setdefault(nb, []).append((na, w))
    for ld in levels:
        lv = ld["level"]
        cors = ld.get("corridors", [])
        if not cors:
            continue
        slots = {(lv, s["x"], s["y"]) for s in ld.get("slots", [])}
        pts = []
        for e in ld.get("entrances", []):
            if e.get("type") == "car":
                pts.append((e["x"], e["y"], "bi"))
        for r in ld.get("ramps", []):
            pts.append((r["x"], r["y"], "bi"))
        for x in ld.get("exits", []):
            pts.append((x["x"], x["y"], "exit"))
        for px, py, kind in pts:
            best, cands = float("inf"), []
            for c in cors:
                for p in c["points"]:
                    if (lv, p[0], p[1]) in slots:
                        continue
                    d = euclid((px, py), p)
                    if d < best:
                        best, cands = d, [(lv, p[0], p[1])]
                    elif d == best:
                        cands.append((lv, p[0], p[1]))
            if not cands:
                continue
            near = cands[0]
            if len(cands) > 1:
                adj = [c for c in cands if adjacent((px, py), (c[1], c[2]))]
                if adj:
                    near = adj[0]
                else:
                    for c in cands:
                        if c[2] == py:
                            near = c
                            break
            node = (lv, px, py)
            if kind == "bi":
                g.setdefault(node, []).append((near, best))
                g.setdefault(near, []).append((node, best))
            else:
                g.setdefault(near, []).append((node, best))
        for s in ld.get("slots", []):
            sc = (s["x"], s["y"])
            best, near = float("inf"), None
            for c in cors:
                for p in c["points"]:
                    if (lv, p[0], p[1]) in slots or not adjacent(sc, p):
                        continue
                    d = euclid(sc, p)
                    if d < best:
                        best, near = d, (lv, p[0], p[1])
            if near:
                g.setdefault(near, []).append(((lv, sc[0], sc[1]), best))
                g.setdefault((lv, sc[0], sc[1]), [])
    for ld in levels:
        for r in ld.get("ramps", []):
            a, b = (r["level"], r["x"], r["y"]), (r["to_level"], r["to_x"], r["to_y"])
            d = r.get("direction", "both")
            if d in ("both", "up"):
                g.setdefault(a, []).append((b, 2.0))
            if d in ("both", "down"):
                g.setdefault(b, []).append((a, 2.0))
    return g


def dijkstra(g, start, end):
    if start not in g or end not in g:
        return None, float("inf")
    heap = [(0, start, [])]
    visited = set()
    while heap:
        cost, node, path = heapq.heappop(heap)
        if node in visited:
            continue
        path = path + [node]
        if node == end:
            return path, cost
        visited.add(node)
        nbrs = g.get(node, [])
        if len(path) >= 2:
            prev = path[-2]
            cd = (node[1] - prev[1], node[2] - prev[2])

            def score(nb):
                nd = (nb[0][1] - node[1], nb[0][2] - node[2])
                m1 = math.hypot(*cd)
                m2 = math.hypot(*nd)
                if m1 == 0 or m2 == 0:
                    return 0
                return (cd[0] * nd[0] + cd[1] * nd[1]) / (m1 * m2)

            nbrs = sorted(nbrs, key=score, reverse=True)
        for nb, w in nbrs:
            if nb in visited:
                continue
            if nb != end and not g.get(nb, []):
                continue
            pen = 0
            if len(path) >= 2:
                p = path[-2]
                if not (p[1] == node[1] == nb[1] or p[2] == node[2] == nb[2]):
                    pen = 0.1
            heapq.heappush(heap, (cost + w + pen, nb, path))
    return None, float("inf")


def find(levels, pid):
    for ld in levels:
        for key, arr in (("entrance_id", "entrances"), ("exit_id", "exits"), ("ramp_id", "ramps")):
            for p in ld.get(arr, []):
                if p.get(key) == pid:
                    return ld["level"], p["x"], p["y"]
    return None


def best_slot(g, levels, src, level):
    best = (None, float("inf"), None)
    for ld in levels:
        if ld["level"] != level:
            continue
        for s in ld.get("slots", []):
            if s.get("status") not in ("available", "free"):
                continue
            path, d = dijkstra(g, src, (level, s["x"], s["y"]))
            if path and d < best[1]:
                best = (s, d, path)
    return best


def nearest_slot(g, levels, pid):
    src = find(levels, pid)
    slot, d, path = best_slot(g, levels, src, src[0])
    if slot:
        return slot, d
    # Fallback: nearest same-level ramp by path, then its to_level.
    rbest = (None, float("inf"))
    for ld in levels:
        if ld["level"] != src[0]:
            continue
        for r in ld.get("ramps", []):
            p, rd = dijkstra(g, src, (r["level"], r["x"], r["y"]))
            if p and rd < rbest[1]:
                rbest = (r, rd)
    r, rd = rbest
    if not r:
        return None, float("inf")
    slot, d, _ = best_slot(g, levels, (r["to_level"], r["to_x"], r["to_y"]), r["to_level"])
    return slot, rd + 2.0 + d


def main():
    repeat = int(sys.argv[1])
    for fn in sys.argv[2:]:
        doc = json.load(open(fn))
        levels, start = doc["levels"], doc["start"]
        g = build_graph(levels)
        slot, d = nearest_slot(g, levels, start)
        n = 1
        while True:  # auto-range like timeit: at least 0.2 s per sample
            t = timeit.timeit(lambda: nearest_slot(g, levels, start), number=n)
            if t >= 0.2:
                break
            n *= 2
        q = min(timeit.repeat(lambda: nearest_slot(g, levels, start), number=n, repeat=repeat)) / n
        b = min(timeit.repeat(lambda: build_graph(levels), number=1, repeat=repeat))
        print("python %s %.1f %.1f slot=%s level=%s distance=%.1f" % (
            doc["name"], b * 1e6, q * 1e6, slot["slot_id"] if slot else None,
            slot["level"] if slot else None, d))


if __name__ == "__main__":
    main()
