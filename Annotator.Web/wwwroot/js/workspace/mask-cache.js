// @ts-check
/**
 * Decoded masks: each mask geometry object is decoded once into a canvas cropped to its bounds (set pixels opaque)
 * and a bitmap for hit tests. Entries are keyed by the geometry object, so a new revision (a new object) decodes
 * again and old ones are garbage collected. Coloured copies are made per label colour.
 */
import { decodeToRowMajor, encodeColumnMajor, rleBounds } from './rle.js';

/**
 * @typedef {{x:number, y:number, w:number, h:number, bits:Uint8Array, canvas:HTMLCanvasElement|null,
 *   colored:Map<string, HTMLCanvasElement>}} DecodedMask   bits: w × h, row-major, cropped to (x, y)
 */

/** @type {WeakMap<object, DecodedMask|null>} */
const cache = new WeakMap();

/**
 * The decoded mask of an RLE geometry, or null if it is empty.
 * @param {{size:number[], counts:number[]}} rle @returns {DecodedMask|null}
 */
export function decoded(rle) {
    let d = cache.get(rle);
    if (d !== undefined) return d;
    const b = rleBounds(rle);
    d = null;
    if (b) {
        const full = decodeToRowMajor(rle);
        const width = rle.size[1];
        const bits = new Uint8Array(b.w * b.h);
        for (let r = 0; r < b.h; r++) {
            const start = (b.y + r) * width + b.x;
            bits.set(full.subarray(start, start + b.w), r * b.w);
        }
        d = { x: b.x, y: b.y, w: b.w, h: b.h, bits, canvas: null, colored: new Map() };
    }
    cache.set(rle, d);
    return d;
}

/**
 * The mask painted in a colour (opaque; draw it with globalAlpha).
 * @param {DecodedMask} d @param {string} color @returns {HTMLCanvasElement}
 */
export function colored(d, color) {
    let c = d.colored.get(color);
    if (c) return c;
    if (!d.canvas) {
        d.canvas = document.createElement('canvas');
        d.canvas.width = d.w;
        d.canvas.height = d.h;
        const g = /** @type {CanvasRenderingContext2D} */ (d.canvas.getContext('2d'));
        const img = g.createImageData(d.w, d.h);
        const px = new Uint32Array(img.data.buffer);
        for (let i = 0; i < d.bits.length; i++) if (d.bits[i]) px[i] = 0xffffffff;
        g.putImageData(img, 0, 0);
    }
    c = document.createElement('canvas');
    c.width = d.w;
    c.height = d.h;
    const g = /** @type {CanvasRenderingContext2D} */ (c.getContext('2d'));
    g.drawImage(d.canvas, 0, 0);
    g.globalCompositeOperation = 'source-in';
    g.fillStyle = color;
    g.fillRect(0, 0, d.w, d.h);
    d.colored.set(color, c);
    return c;
}

/**
 * Whether the mask has a set pixel at (or within tol of) the image point.
 * @param {{size:number[], counts:number[]}} rle @param {number} x @param {number} y @param {number} tol
 */
export function maskHit(rle, x, y, tol) {
    const d = decoded(rle);
    if (!d) return false;
    const t = Math.max(0, Math.round(tol));
    const cx = Math.floor(x) - d.x, cy = Math.floor(y) - d.y;
    for (let r = Math.max(0, cy - t); r <= Math.min(d.h - 1, cy + t); r++) {
        for (let c = Math.max(0, cx - t); c <= Math.min(d.w - 1, cx + t); c++) {
            if (d.bits[r * d.w + c]) return true;
        }
    }
    return false;
}

/**
 * The mask moved by whole pixels (dx, dy are rounded and limited so every set pixel stays inside).
 * @param {{size:number[], counts:number[]}} rle @param {number} dx @param {number} dy
 * @returns {{size:number[], counts:number[]}}
 */
export function translateMask(rle, dx, dy) {
    const d = decoded(rle);
    const [height, width] = rle.size;
    if (!d) return rle;
    const mx = Math.min(width - d.x - d.w, Math.max(-d.x, Math.round(dx)));
    const my = Math.min(height - d.y - d.h, Math.max(-d.y, Math.round(dy)));
    if (!mx && !my) return rle;
    const full = new Uint8Array(width * height);
    for (let r = 0; r < d.h; r++) full.set(d.bits.subarray(r * d.w, (r + 1) * d.w), (d.y + my + r) * width + d.x + mx);
    return encodeColumnMajor(full, width, height);
}
