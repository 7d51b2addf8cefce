// Pure shape geometry in image px: bounds, hit tests, moves and keeping shapes inside the image.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
    bounds, clampDelta, ellipseExtent, fitInside, hitTest, nearestEdge, nearestPoint, normalizeAngle, rotatedCorners, translate,
} from '../Annotator.Web/wwwroot/js/workspace/shapes.js';
import { encodeColumnMajor } from '../Annotator.Web/wwwroot/js/workspace/rle.js';

/** Compares numbers (or arrays / objects of numbers) to 1e-9. */
function near(actual, expected, message) {
    if (typeof expected === 'number') {
        assert.ok(Math.abs(actual - expected) < 1e-9, `${message ?? ''} ${actual} ≠ ${expected}`);
        return;
    }
    assert.deepEqual(Object.keys(actual), Object.keys(expected), message);
    for (const k of Object.keys(expected)) near(actual[k], expected[k], `${message ?? ''} [${k}]`);
}

test('rotated box corners go clockwise from its own top-left', () => {
    near(rotatedCorners({ cx: 10, cy: 20, w: 4, h: 2, angle: 0 }), [8, 19, 12, 19, 12, 21, 8, 21]);
    // turned 90° clockwise (y down): the top-left corner (-2, -1) goes to (1, -2)
    near(rotatedCorners({ cx: 10, cy: 20, w: 4, h: 2, angle: 90 }), [11, 18, 11, 22, 9, 22, 9, 18]);
});

test('bounds of every kind', () => {
    assert.deepEqual(bounds('box', { x: 1, y: 2, w: 3, h: 4 }), { x: 1, y: 2, w: 3, h: 4 });
    near(bounds('rotatedBox', { cx: 10, cy: 20, w: 4, h: 2, angle: 90 }), { x: 9, y: 18, w: 2, h: 4 });
    // a square turned 45° spans its diagonal
    near(bounds('rotatedBox', { cx: 0, cy: 0, w: 2, h: 2, angle: 45 }), { x: -Math.SQRT2, y: -Math.SQRT2, w: 2 * Math.SQRT2, h: 2 * Math.SQRT2 });
    assert.deepEqual(bounds('polygon', { points: [5, 5, 9, 1, 2, 8] }), { x: 2, y: 1, w: 7, h: 7 });
    assert.deepEqual(bounds('polyline', { points: [0, 0, 3, 4] }), { x: 0, y: 0, w: 3, h: 4 });
    assert.deepEqual(bounds('point', { x: 7, y: 8 }), { x: 7, y: 8, w: 0, h: 0 });
    near(bounds('ellipse', { cx: 50, cy: 40, rx: 10, ry: 5, angle: 0 }), { x: 40, y: 35, w: 20, h: 10 });
    near(bounds('ellipse', { cx: 50, cy: 40, rx: 10, ry: 5, angle: 90 }), { x: 45, y: 30, w: 10, h: 20 });
    // keypoints: unlabelled points (v = 0) do not count
    assert.deepEqual(bounds('keypoints', { points: [10, 10, 2, 500, 500, 0, 20, 30, 1] }), { x: 10, y: 10, w: 10, h: 20 });
    assert.deepEqual(bounds('keypoints', { points: [10, 10, 0] }), { x: 0, y: 0, w: 0, h: 0 });
    // a mask: set pixels at (1, 2) and (3, 2) of a 5 × 4 image
    const bm = new Uint8Array(20);
    bm[2 * 5 + 1] = bm[2 * 5 + 3] = 1;
    assert.deepEqual(bounds('mask', encodeColumnMajor(bm, 5, 4)), { x: 1, y: 2, w: 3, h: 1 });
    assert.deepEqual(bounds('mask', { size: [4, 5], counts: [20] }), { x: 0, y: 0, w: 0, h: 0 });
    assert.deepEqual(bounds('unknown', {}), { x: 0, y: 0, w: 0, h: 0 });
});

test('an ellipse turned 45° has equal half extents', () => {
    const { ex, ey } = ellipseExtent({ rx: 10, ry: 5, angle: 45 });
    near(ex, Math.sqrt((100 + 25) / 2));
    near(ey, ex);
});

test('hit tests: inside, within tolerance of the outline, and outside', () => {
    const box = { x: 10, y: 10, w: 20, h: 10 };
    assert.ok(hitTest('box', box, 15, 15, 0));
    assert.ok(hitTest('box', box, 31.5, 15, 2));
    assert.ok(!hitTest('box', box, 33, 15, 2));

    // a 20 × 2 bar turned 90°: tall and thin around (50, 50)
    const bar = { cx: 50, cy: 50, w: 20, h: 2, angle: 90 };
    assert.ok(hitTest('rotatedBox', bar, 50, 59, 0));
    assert.ok(!hitTest('rotatedBox', bar, 59, 50, 0));

    const ellipse = { cx: 0, cy: 0, rx: 10, ry: 5, angle: 0 };
    assert.ok(hitTest('ellipse', ellipse, 9.9, 0, 0));
    assert.ok(!hitTest('ellipse', ellipse, 0, 6, 0));
    assert.ok(hitTest('ellipse', ellipse, 0, 6, 1.5));
    assert.ok(hitTest('ellipse', { ...ellipse, angle: 90 }, 0, 9.9, 0));

    // a U: the notch between the arms is outside, except near its edges
    const u = { points: [0, 0, 3, 0, 3, 7, 7, 7, 7, 0, 10, 0, 10, 10, 0, 10] };
    assert.ok(hitTest('polygon', u, 1, 5, 0));
    assert.ok(!hitTest('polygon', u, 5, 3, 0.5));
    assert.ok(hitTest('polygon', u, 5, 6.8, 0.5));

    const line = { points: [0, 0, 10, 0, 10, 10] };
    assert.ok(hitTest('polyline', line, 5, 0.5, 1));
    assert.ok(!hitTest('polyline', line, 5, 5, 1), 'a polyline has no inside');
    assert.ok(!hitTest('polyline', line, 5, 5, 1) && hitTest('polygon', line, 5, 2, 1), 'but the same points as a polygon do');

    assert.ok(hitTest('point', { x: 3, y: 4 }, 3, 5.4, 1));
    assert.ok(!hitTest('point', { x: 3, y: 4 }, 3, 5.6, 1));

    const kp = { points: [0, 0, 2, 100, 100, 0] };
    assert.ok(hitTest('keypoints', kp, 1, 0, 1));
    assert.ok(!hitTest('keypoints', kp, 100, 100, 1), 'an unlabelled keypoint is not there to hit');
    assert.ok(!hitTest('mask', { size: [1, 1], counts: [0, 1] }, 0, 0, 10), 'masks are hit-tested by the caller');
});

test('nearest edge and nearest point', () => {
    const square = [0, 0, 10, 0, 10, 10, 0, 10];
    assert.equal(nearestEdge(square, true, 5, 0.5, 1), 0);
    assert.equal(nearestEdge(square, true, 0.5, 5, 1), 3, 'the closing edge of a closed outline');
    assert.equal(nearestEdge(square, false, 0.5, 5, 1), -1, 'an open one has no closing edge');
    assert.equal(nearestEdge(square, true, 5, 5, 1), -1);
    assert.equal(nearestPoint([0, 0, 5, 5, 6, 6], 2, 5.4, 5.4, 1), 1);
    assert.equal(nearestPoint([0, 0, 2, 5, 5, 0, 6, 6, 1], 3, 5.4, 5.4, 1), 2, 'v = 0 points are skipped');
    assert.equal(nearestPoint([0, 0], 2, 9, 9, 1), -1);
});

test('translate returns a moved copy and leaves the original alone', () => {
    const box = Object.freeze({ x: 1, y: 2, w: 3, h: 4 });
    assert.deepEqual(translate('box', box, 10, 20), { x: 11, y: 22, w: 3, h: 4 });
    assert.deepEqual(translate('point', { x: 1, y: 2 }, -1, -2), { x: 0, y: 0 });
    assert.deepEqual(translate('ellipse', { cx: 1, cy: 2, rx: 3, ry: 4, angle: 5 }, 1, 1), { cx: 2, cy: 3, rx: 3, ry: 4, angle: 5 });
    const poly = { points: Object.freeze([0, 0, 1, 1]) };
    assert.deepEqual(translate('polygon', poly, 5, 7), { points: [5, 7, 6, 8] });
    // keypoints: visibility stays, unlabelled points stay where they are
    assert.deepEqual(translate('keypoints', { points: [1, 1, 2, 9, 9, 0] }, 10, 20), { points: [11, 21, 2, 9, 9, 0] });
    const mask = { size: [1, 1], counts: [1] };
    assert.equal(translate('mask', mask, 1, 1), mask);
});

test('clampDelta limits a move so the bounds stay inside the image', () => {
    const b = { x: 10, y: 10, w: 20, h: 20 };
    assert.deepEqual(clampDelta(b, 5, -5, 100, 100), { dx: 5, dy: -5 });
    assert.deepEqual(clampDelta(b, -50, 500, 100, 100), { dx: -10, dy: 70 });
});

test('fitInside keeps each kind inside the image', () => {
    assert.deepEqual(fitInside('box', { x: -5, y: 90, w: 20, h: 20 }, 100, 100), { x: 0, y: 90, w: 15, h: 10 });
    const outside = fitInside('box', { x: 200, y: 200, w: 5, h: 5 }, 100, 100);
    assert.ok(outside.w > 0 && outside.h > 0 && outside.x === 100, 'a box wholly outside becomes a sliver at the edge, never empty');
    assert.deepEqual(fitInside('point', { x: -1, y: 101 }, 100, 100), { x: 0, y: 100 });
    assert.deepEqual(fitInside('polygon', { points: [-1, 5, 50, 150, 120, -3] }, 100, 100), { points: [0, 5, 50, 100, 100, 0] });
    assert.deepEqual(fitInside('keypoints', { points: [-1, 5, 2, 150, 150, 0] }, 100, 100), { points: [0, 5, 2, 100, 100, 0] });

    // a rotated box hanging over the right edge is shifted back, its size and angle kept
    const shifted = fitInside('rotatedBox', { cx: 95, cy: 50, w: 20, h: 10, angle: 30 }, 100, 100);
    near(shifted.w, 20); near(shifted.angle, 30);
    const sb = bounds('rotatedBox', shifted);
    near(sb.x + sb.w, 100);

    // an ellipse bigger than the image is scaled down about its centre and then fits
    const big = fitInside('ellipse', { cx: 50, cy: 50, rx: 80, ry: 20, angle: 0 }, 100, 100);
    const eb = bounds('ellipse', big);
    assert.ok(eb.x >= 0 && eb.y >= 0 && eb.x + eb.w <= 100 && eb.y + eb.h <= 100, JSON.stringify(eb));
    near(big.rx / big.ry, 4);

    const inside = { cx: 50, cy: 50, w: 10, h: 10, angle: 10 };
    assert.equal(fitInside('rotatedBox', inside, 100, 100), inside, 'a shape already inside comes back unchanged');
});

test('angles are normalised to (-180, 180]', () => {
    assert.equal(normalizeAngle(0), 0);
    assert.equal(normalizeAngle(180), 180);
    assert.equal(normalizeAngle(-180), 180);
    assert.equal(normalizeAngle(190), -170);
    assert.equal(normalizeAngle(540), 180);
    assert.equal(normalizeAngle(-730), -10);
});
