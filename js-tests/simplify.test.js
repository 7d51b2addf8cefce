// Ramer–Douglas–Peucker on flat [x0, y0, x1, y1, …] arrays, with distances to segments.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { simplify } from '../Annotator.Web/wwwroot/js/workspace/simplify.js';
import { seeded } from './random.js';

test('points on a straight line reduce to its two ends', () => {
    assert.deepEqual(simplify([0, 0, 1, 1, 2, 2, 3, 3, 10, 10], 0.01), [0, 0, 10, 10]);
});

test('a corner farther than the tolerance is kept, nearer wobbles are dropped', () => {
    // An L: (0,0) → (10,0) → (10,10), with wobbles of 0.2 px along both legs.
    const l = [0, 0, 3, 0.2, 6, -0.2, 10, 0, 10.2, 4, 9.8, 7, 10, 10];
    assert.deepEqual(simplify(l, 0.5), [0, 0, 10, 0, 10, 10]);
    // with a tolerance below the wobbles, everything stays
    assert.deepEqual(simplify(l, 0.1), l);
});

test('a point exactly at the tolerance is dropped; just beyond it is kept', () => {
    assert.deepEqual(simplify([0, 0, 5, 1, 10, 0], 1), [0, 0, 10, 0]);
    assert.deepEqual(simplify([0, 0, 5, 1.001, 10, 0], 1), [0, 0, 5, 1.001, 10, 0]);
});

test('a closed stroke whose ends meet keeps its shape (distance to the segment, not the line)', () => {
    const square = [0, 0, 10, 0, 10, 10, 0, 10, 0, 0];
    assert.deepEqual(simplify(square, 1), square);
});

test('distance is measured to the segment: a point beyond an end counts by its distance to that end', () => {
    // A stroke that overshoots to (12, 0) and comes back to (10, 0): the overshoot lies on the line through the ends
    // but 2 px beyond the segment, so it is kept; an overshoot of 0.5 px is not.
    assert.deepEqual(simplify([0, 0, 12, 0, 10, 0], 1), [0, 0, 12, 0, 10, 0]);
    assert.deepEqual(simplify([0, 0, 10.5, 0, 10, 0], 1), [0, 0, 10, 0]);
});

test('fewer than three points come back as they are; an odd trailing number is left out', () => {
    assert.deepEqual(simplify([], 1), []);
    assert.deepEqual(simplify([1, 2], 1), [1, 2]);
    assert.deepEqual(simplify(Float32Array.from([1, 2, 3, 4]), 1), [1, 2, 3, 4]);
    assert.deepEqual(simplify([1, 2, 3, 4, 5], 1), [1, 2, 3, 4]);
});

/** Squared distance from (px, py) to the segment (ax, ay)–(bx, by). */
function dist2(px, py, ax, ay, bx, by) {
    const dx = bx - ax, dy = by - ay, l = dx * dx + dy * dy;
    const t = l ? Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / l)) : 0;
    return (ax + t * dx - px) ** 2 + (ay + t * dy - py) ** 2;
}

test('on random strokes: a subsequence with both ends, and every dropped point within tolerance of its kept span', () => {
    const random = seeded(7);
    for (let round = 0; round < 50; round++) {
        const n = 2 + Math.floor(random() * 300);
        const pts = [];
        let x = 0, y = 0;
        for (let i = 0; i < n; i++) {
            x += random() * 4 - 1;
            y += random() * 4 - 2;
            pts.push(x, y);
        }
        const tolerance = random() * 3;
        const out = simplify(pts, tolerance);
        assert.deepEqual(out.slice(0, 2), pts.slice(0, 2));
        assert.deepEqual(out.slice(-2), pts.slice(-2));
        // map the output back to input indices (a subsequence), then check each dropped point against its span
        const kept = [];
        for (let i = 0, k = 0; i < n && k < out.length; i++) {
            if (pts[2 * i] === out[k] && pts[2 * i + 1] === out[k + 1]) { kept.push(i); k += 2; }
        }
        assert.equal(kept.length * 2, out.length, `round ${round}: not a subsequence`);
        for (let s = 0; s + 1 < kept.length; s++) {
            const a = kept[s], b = kept[s + 1];
            for (let i = a + 1; i < b; i++) {
                const d = dist2(pts[2 * i], pts[2 * i + 1], pts[2 * a], pts[2 * a + 1], pts[2 * b], pts[2 * b + 1]);
                assert.ok(d <= tolerance * tolerance + 1e-9, `round ${round}: point ${i} is ${Math.sqrt(d)} from its span`);
            }
        }
    }
});

test('a long stroke that splits one point at a time does not overflow the stack', () => {
    // A zig-zag: every point is kept, and each split peels off one point, so a recursive implementation would nest
    // 6,000 calls deep (one written that way overflowed node's stack at 4,000 here). The cost is quadratic, hence the
    // modest length.
    const pts = [];
    for (let i = 0; i < 6_000; i++) pts.push(i, i % 2 ? 5 : -5);
    assert.equal(simplify(pts, 1).length, pts.length);
});
