// The bucket grid must answer every rectangle query exactly as a scan of all items would: closed rectangles (touching
// counts), each item once, after any sequence of inserts, moves and removals.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SpatialIndex } from '../Annotator.Web/wwwroot/js/workspace/spatial-index.js';
import { seeded } from './random.js';

/** @param {{x:number,y:number,w:number,h:number}} b @param {number} x @param {number} y @param {number} w @param {number} h */
const intersects = (b, x, y, w, h) => b.x + b.w >= x && b.x <= x + w && b.y + b.h >= y && b.y <= y + h;

/** @param {Map<string, {x:number,y:number,w:number,h:number}>} items */
const bruteForce = (items, x, y, w, h) => [...items].filter(([, b]) => intersects(b, x, y, w, h)).map(([id]) => id).sort();

test('finds an item in the cells it covers and not elsewhere', () => {
    const index = new SpatialIndex(1000, 500);
    index.set('a', { x: 100, y: 100, w: 20, h: 10 });
    assert.deepEqual(index.query(110, 105, 1, 1), ['a']);
    assert.deepEqual(index.query(0, 0, 50, 50), []);
    assert.deepEqual(index.query(120, 110, 5, 5), ['a'], 'a rectangle touching the corner counts');
    assert.deepEqual(index.query(121, 111, 5, 5), []);
});

test('moving and removing an item updates what queries find', () => {
    const index = new SpatialIndex(1000, 500);
    index.set('a', { x: 10, y: 10, w: 5, h: 5 });
    index.set('a', { x: 900, y: 400, w: 5, h: 5 });
    assert.deepEqual(index.query(0, 0, 100, 100), []);
    assert.deepEqual(index.query(890, 390, 20, 20), ['a']);
    index.remove('a');
    assert.deepEqual(index.query(0, 0, 1000, 500), []);
    index.remove('a'); // removing twice is harmless
});

test('an item covering most of the image is found by small queries anywhere', () => {
    const index = new SpatialIndex(4000, 3000);
    index.set('mask', { x: 0, y: 0, w: 4000, h: 3000 });
    index.set('dot', { x: 2000, y: 1500, w: 0, h: 0 });
    assert.deepEqual(index.query(3990, 2990, 1, 1), ['mask']);
    assert.deepEqual(index.query(1999, 1499, 2, 2).sort(), ['dot', 'mask']);
});

test('clear forgets everything', () => {
    const index = new SpatialIndex(100, 100);
    for (let i = 0; i < 10; i++) index.set(i, { x: i * 10, y: i * 10, w: 5, h: 5 });
    index.clear();
    assert.deepEqual(index.query(0, 0, 100, 100), []);
});

test('agrees with a brute-force scan through random inserts, moves, removals and queries', () => {
    for (const [width, height, seed] of [[1920, 1080, 1], [300, 5000, 2], [40, 30, 3], [20000, 20000, 4]]) {
        const random = seeded(seed);
        const index = new SpatialIndex(width, height);
        /** @type {Map<string, {x:number,y:number,w:number,h:number}>} */
        const items = new Map();
        const randomRect = () => {
            const kind = random();
            // mostly small boxes, some huge ones (the "large" list), some partly or wholly outside the image, points
            const w = kind < 0.1 ? random() * width * 1.5 : kind < 0.2 ? 0 : random() * width * 0.05;
            const h = kind < 0.1 ? random() * height * 1.5 : kind < 0.2 ? 0 : random() * height * 0.05;
            return { x: random() * width * 1.2 - width * 0.1 - w / 2, y: random() * height * 1.2 - height * 0.1 - h / 2, w, h };
        };
        for (let step = 0; step < 3000; step++) {
            const action = random();
            const id = `r${Math.floor(random() * 400)}`;
            if (action < 0.5) {
                const b = randomRect();
                index.set(id, b);
                items.set(id, b);
            } else if (action < 0.6) {
                index.remove(id);
                items.delete(id);
            } else {
                const q = randomRect();
                const found = index.query(q.x, q.y, q.w, q.h);
                assert.equal(new Set(found).size, found.length, 'each item once');
                assert.deepEqual([...found].sort(), bruteForce(items, q.x, q.y, q.w, q.h),
                    `${width}×${height} step ${step}: query ${JSON.stringify(q)}`);
            }
        }
    }
});
