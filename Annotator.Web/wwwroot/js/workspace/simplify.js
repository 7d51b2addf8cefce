// @ts-check
/**
 * Ramer–Douglas–Peucker simplification of a polyline given as a flat array [x0, y0, x1, y1, …]. Iterative (an
 * explicit stack of index ranges), so strokes of tens of thousands of points cannot overflow the call stack.
 */

/**
 * Keeps the first and last point and every point needed so that no dropped point lies farther than `tolerance` from
 * the simplified line. Distances are to segments (not infinite lines), so a closed stroke whose ends meet works too.
 * @param {ArrayLike<number>} points flat x, y pairs
 * @param {number} tolerance maximum deviation, in the points' units (image pixels)
 * @returns {number[]} flat x, y pairs, a subsequence of the input
 */
export function simplify(points, tolerance) {
    const count = points.length >> 1;
    if (count <= 2) return Array.from(points).slice(0, count * 2);
    const keep = new Uint8Array(count);
    keep[0] = keep[count - 1] = 1;
    const limit = tolerance * tolerance;
    /** @type {number[]} pairs of first and last index still to examine */
    const stack = [0, count - 1];
    while (stack.length > 0) {
        const last = /** @type {number} */ (stack.pop());
        const first = /** @type {number} */ (stack.pop());
        let farthest = -1;
        let farthestDistance = limit;
        for (let i = first + 1; i < last; i++) {
            const d = segmentDistanceSquared(points, i, first, last);
            if (d > farthestDistance) {
                farthestDistance = d;
                farthest = i;
            }
        }
        if (farthest < 0) continue;
        keep[farthest] = 1;
        stack.push(first, farthest, farthest, last);
    }
    /** @type {number[]} */
    const out = [];
    for (let i = 0; i < count; i++) if (keep[i]) out.push(points[2 * i], points[2 * i + 1]);
    return out;
}

/**
 * Squared distance from point p to the segment from point a to point b (indices into the flat array).
 * @param {ArrayLike<number>} pts
 * @param {number} p
 * @param {number} a
 * @param {number} b
 */
function segmentDistanceSquared(pts, p, a, b) {
    const ax = pts[2 * a], ay = pts[2 * a + 1];
    const dx = pts[2 * b] - ax, dy = pts[2 * b + 1] - ay;
    let px = pts[2 * p] - ax, py = pts[2 * p + 1] - ay;
    const lengthSquared = dx * dx + dy * dy;
    if (lengthSquared > 0) {
        const t = Math.max(0, Math.min(1, (px * dx + py * dy) / lengthSquared));
        px -= t * dx;
        py -= t * dy;
    }
    return px * px + py * py;
}
