#!/usr/bin/env python3
"""Conditioning against d: the product of the layers' 2-norm condition
numbers (log scale) for each depth, from `scripts/bench-float.py --jsonl`.

    scripts/bench-float.py --d 8 16 32 64 128 256 1024 --depths 3 4 7 --jsonl bench.jsonl
    scripts/plot-conditioning.py bench.jsonl --out docs/conditioning-vs-depth.svg

Plain SVG, no plotting library; the same input gives the same file. Each
point is the median over the lines for its (d, depth) (several seeds, or
several runs); default-ladder rows (`requestedDepth` 0) are left out.
"""
import argparse, json, math, statistics, sys

COLORS = {3: "#d95f02", 4: "#7570b3", 7: "#1b9e77"}
WIDTH, HEIGHT, LEFT, RIGHT, TOP, BOTTOM = 640, 400, 70, 500, 40, 350

def load(path):
    points = {}
    with open(path) as f:
        for number, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                r = json.loads(line)
                depth, d, condition = r.get("requestedDepth", r["depth"]), r["d"], r["conditionProduct"]
            except (ValueError, KeyError) as error:
                sys.exit(f"{path}:{number}: not a bench-float.py result ({error})")
            if depth and condition > 0 and math.isfinite(condition):
                points.setdefault((depth, d), []).append(condition)
    if not points:
        sys.exit(f"{path}: no results")
    return {key: statistics.median(values) for key, values in points.items()}

def svg(points, title):
    depths = sorted({depth for depth, _ in points})
    ds = sorted({d for _, d in points})
    xs = (math.log2(ds[0]), math.log2(ds[-1]) if len(ds) > 1 else math.log2(ds[0]) + 1)
    ys = [math.log10(c) for c in points.values()]
    low, high = math.floor(min(ys)), math.ceil(max(ys))
    high = high if high > low else low + 1
    x = lambda d: LEFT + (math.log2(d) - xs[0]) / (xs[1] - xs[0]) * (RIGHT - LEFT)
    y = lambda c: BOTTOM - (math.log10(c) - low) / (high - low) * (BOTTOM - TOP)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
           f'viewBox="0 0 {WIDTH} {HEIGHT}" font-family="sans-serif" font-size="12">',
           '<rect width="100%" height="100%" fill="white"/>',
           f'<text x="{WIDTH / 2:.1f}" y="22" text-anchor="middle" font-size="15">{title}</text>']
    step = max(1, math.ceil((high - low) / 10))
    for e in range(low, high + 1, step):
        py = y(10.0 ** e)
        out.append(f'<line x1="{LEFT}" y1="{py:.1f}" x2="{RIGHT}" y2="{py:.1f}" stroke="#ddd"/>')
        out.append(f'<text x="{LEFT - 8}" y="{py + 4:.1f}" text-anchor="end">1e{e}</text>')
    for d in ds:
        px = x(d)
        out.append(f'<line x1="{px:.1f}" y1="{BOTTOM}" x2="{px:.1f}" y2="{BOTTOM + 5}" stroke="black"/>')
        out.append(f'<text x="{px:.1f}" y="{BOTTOM + 18}" text-anchor="middle">{d}</text>')
    out.append(f'<line x1="{LEFT}" y1="{BOTTOM}" x2="{RIGHT}" y2="{BOTTOM}" stroke="black"/>')
    out.append(f'<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{BOTTOM}" stroke="black"/>')
    out.append(f'<text x="{(LEFT + RIGHT) / 2:.1f}" y="{BOTTOM + 38}" text-anchor="middle">'
               'd (T is 2d×2d, Gaussian, positive regime; log scale)</text>')
    out.append(f'<text x="16" y="{(TOP + BOTTOM) / 2:.1f}" text-anchor="middle" '
               f'transform="rotate(-90 16 {(TOP + BOTTOM) / 2:.1f})">product of layer condition numbers ∏cond₂</text>')
    for k, depth in enumerate(depths):
        color = COLORS.get(depth, "#666666")
        series = sorted((d, c) for (p, d), c in points.items() if p == depth)
        path = " ".join(f"{x(d):.1f},{y(c):.1f}" for d, c in series)
        out.append(f'<polyline points="{path}" fill="none" stroke="{color}" stroke-width="2"/>')
        out += [f'<circle cx="{x(d):.1f}" cy="{y(c):.1f}" r="3" fill="{color}"/>' for d, c in series]
        ly = TOP + 10 + 20 * k
        out.append(f'<line x1="{RIGHT + 15}" y1="{ly}" x2="{RIGHT + 35}" y2="{ly}" stroke="{color}" stroke-width="2"/>')
        out.append(f'<text x="{RIGHT + 40}" y="{ly + 4}">depth {depth}</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"

def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("jsonl", help="bench-float.py --jsonl output")
    parser.add_argument("--out", required=True, help="SVG file to write")
    parser.add_argument("--title", default="Conditioning of binary64 factorizations against d")
    args = parser.parse_args()
    with open(args.out, "w") as f:
        f.write(svg(load(args.jsonl), args.title))
    print(f"wrote {args.out}")

if __name__ == "__main__":
    main()
