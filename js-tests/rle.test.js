// COCO uncompressed RLE (column-major runs, starting with zeros) against hand-computed examples and a plain
// pixel-by-pixel reference implementation.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeColumnMajor, decodeToRowMajor, rleBounds, rleArea } from '../Annotator.Web/wwwroot/js/workspace/rle.js';
import { seeded } from './random.js';

/** Row-major bitmap from rows of 0/1. @param {number[][]} rows */
const bitmap = (rows) => Uint8Array.from(rows.flat());

/** The obvious column-major encoder, one pixel at a time. */
function referenceEncode(bm, width, height) {
    const counts = [];
    let value = 0, run = 0;
    for (let x = 0; x < width; x++) {
        for (let y = 0; y < height; y++) {
            const v = bm[y * width + x] ? 1 : 0;
            if (v === value) run++;
            else { counts.push(run); value = v; run = 1; }
        }
    }
    counts.push(run);
    return { size: [height, width], counts };
}

test('encodes a 2 × 3 mask column by column, as pycocotools does', () => {
    // row 0: . # #      column-major order: (0,0) (1,0) | (0,1) (1,1) | (0,2) (1,2)
    // row 1: . # .                          0     0    |  1     1    |  1     0    → 2 zeros, 3 ones, 1 zero
    const rle = encodeColumnMajor(bitmap([[0, 1, 1], [0, 1, 0]]), 3, 2);
    assert.deepEqual(rle, { size: [2, 3], counts: [2, 3, 1] });
});

test('a mask whose first pixel is set starts with an empty run of zeros', () => {
    assert.deepEqual(encodeColumnMajor(bitmap([[1, 1], [1, 1]]), 2, 2), { size: [2, 2], counts: [0, 4] });
    assert.deepEqual(encodeColumnMajor(bitmap([[1, 0], [0, 0]]), 2, 2), { size: [2, 2], counts: [0, 1, 3] });
});

test('an empty mask is one run of zeros', () => {
    assert.deepEqual(encodeColumnMajor(new Uint8Array(12), 4, 3), { size: [3, 4], counts: [12] });
});

test('a run continues from the bottom of one column into the top of the next', () => {
    // row 0: . #
    // row 1: . #      column-major: column 0 is 0 0 1, column 1 is 1 1 0 → 2 zeros, 3 ones (the bottom of
    // row 2: # .      column 0 and the top two of column 1), 1 zero
    const rle = encodeColumnMajor(bitmap([[0, 1], [0, 1], [1, 0]]), 2, 3);
    assert.deepEqual(rle.counts, [2, 3, 1]);
    assert.deepEqual(rleBounds(rle), { x: 0, y: 0, w: 2, h: 3 });
});

test('any non-zero byte counts as set', () => {
    assert.deepEqual(encodeColumnMajor(Uint8Array.from([0, 255, 7, 0]), 2, 2).counts, [1, 2, 1]);
});

test('a bitmap shorter than width × height is refused', () => {
    assert.throws(() => encodeColumnMajor(new Uint8Array(5), 3, 2), RangeError);
});

test('decodes hand-computed counts into a row-major bitmap', () => {
    assert.deepEqual(decodeToRowMajor({ size: [2, 3], counts: [2, 3, 1] }), bitmap([[0, 1, 1], [0, 1, 0]]));
    assert.deepEqual(decodeToRowMajor({ size: [2, 2], counts: [0, 1, 3] }), bitmap([[1, 0], [0, 0]]));
});

test('counts that stop after a run of ones leave the rest unset', () => {
    // 2 × 2, column-major: 0 1 1 then nothing said about the last pixel
    assert.deepEqual(decodeToRowMajor({ size: [2, 2], counts: [1, 2] }), bitmap([[0, 1], [1, 0]]));
});

test('runs beyond the image are ignored', () => {
    assert.deepEqual(decodeToRowMajor({ size: [1, 2], counts: [1, 5, 3] }), bitmap([[0, 1]]));
});

test('an image with no pixels decodes to nothing', () => {
    assert.equal(decodeToRowMajor({ size: [0, 5], counts: [] }).length, 0);
});

test('round trips random masks of awkward sizes and agrees with the reference encoder', () => {
    const random = seeded(11);
    const sizes = [[1, 1], [1, 7], [7, 1], [2, 3], [3, 5], [5, 4], [9, 13], [31, 17], [64, 33], [100, 101]];
    for (const [width, height] of sizes) {
        for (const density of [0, 0.02, 0.3, 0.5, 0.97, 1]) {
            // blobs: runs of the same value along rows, so both long and short runs occur
            const bm = new Uint8Array(width * height);
            let v = 0;
            for (let i = 0; i < bm.length; i++) {
                if (random() < 0.3) v = random() < density ? 1 : 0;
                bm[i] = v;
            }
            const rle = encodeColumnMajor(bm, width, height);
            const label = `${width}×${height} at ${density}`;
            assert.deepEqual(rle, referenceEncode(bm, width, height), label);
            assert.deepEqual(decodeToRowMajor(rle), bm, label);
            assert.equal(rle.counts.reduce((a, b) => a + b, 0), width * height, label);
            assert.equal(rleArea(rle), bm.reduce((a, b) => a + b, 0), label);
        }
    }
});

test('bounds are the smallest rectangle holding every set pixel', () => {
    const random = seeded(5);
    for (let round = 0; round < 200; round++) {
        const width = 1 + Math.floor(random() * 20), height = 1 + Math.floor(random() * 20);
        const bm = new Uint8Array(width * height);
        const set = Math.floor(random() * 4);
        for (let k = 0; k < set; k++) bm[Math.floor(random() * bm.length)] = 1;
        let minX = Infinity, minY = Infinity, maxX = -1, maxY = -1;
        for (let y = 0; y < height; y++) {
            for (let x = 0; x < width; x++) {
                if (!bm[y * width + x]) continue;
                minX = Math.min(minX, x); maxX = Math.max(maxX, x);
                minY = Math.min(minY, y); maxY = Math.max(maxY, y);
            }
        }
        const expected = maxX < 0 ? null : { x: minX, y: minY, w: maxX - minX + 1, h: maxY - minY + 1 };
        assert.deepEqual(rleBounds(encodeColumnMajor(bm, width, height)), expected, `round ${round}`);
    }
});

test('area counts the runs of ones', () => {
    assert.equal(rleArea({ size: [2, 3], counts: [2, 3, 1] }), 3);
    assert.equal(rleArea({ size: [3, 4], counts: [12] }), 0);
});
