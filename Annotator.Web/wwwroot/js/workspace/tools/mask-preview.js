// @ts-check
/**
 * Live preview of a brush or eraser stroke: the stroke's pixels, read from the stroke bitmap, drawn over the image
 * through offscreen canvases of 512 × 512 image pixels created only where the stroke has been, so huge images cost
 * no more than the area touched. Changed areas are uploaded once per frame.
 */

/** @typedef {import('./tool.js').ToolContext} ToolContext */

const TILE = 512;

/**
 * @typedef {Object} Tile
 * @property {number} x left, image px
 * @property {number} y top, image px
 * @property {OffscreenCanvas} canvas
 * @property {OffscreenCanvasRenderingContext2D} g
 * @property {ImageData} data
 * @property {Uint32Array} px the data as one 32-bit word per pixel
 */

export class MaskPreview {
    /**
     * @param {Uint8Array} bitmap row-major, image-sized; the preview reads it, never writes it
     * @param {number} width
     * @param {number} height
     * @param {Map<number, string>} colors CSS colour per bitmap value shown (other values are transparent)
     * @param {number} alpha opacity of the preview
     */
    constructor(bitmap, width, height, colors, alpha) {
        this.bitmap = bitmap;
        this.width = width;
        this.height = height;
        this.alpha = alpha;
        /** @type {Uint32Array} word per bitmap value (0 = transparent) */
        this.words = new Uint32Array(256);
        for (const [value, color] of colors) this.words[value] = rgbaWord(color);
        /** @type {Map<number, Tile>} */
        this.tiles = new Map();
        /** Pending dirty rectangle, inclusive pixel bounds; empty when x0 > x1. */
        this.dirty = { x0: Infinity, y0: Infinity, x1: -Infinity, y1: -Infinity };
    }

    /**
     * Marks a pixel rectangle (inclusive bounds, inside the image) as changed.
     * @param {number} x0 @param {number} y0 @param {number} x1 @param {number} y1
     */
    invalidate(x0, y0, x1, y1) {
        const d = this.dirty;
        d.x0 = Math.min(d.x0, x0);
        d.y0 = Math.min(d.y0, y0);
        d.x1 = Math.max(d.x1, x1);
        d.y1 = Math.max(d.y1, y1);
    }

    /**
     * Uploads what changed, then draws the touched tiles.
     * @param {CanvasRenderingContext2D} g overlay, CSS px
     * @param {ToolContext} tc
     */
    draw(g, tc) {
        this.flush();
        g.save();
        g.globalAlpha = this.alpha;
        g.imageSmoothingEnabled = false;
        for (const t of this.tiles.values()) {
            const a = tc.toScreen(t.x, t.y);
            const b = tc.toScreen(t.x + t.canvas.width, t.y + t.canvas.height);
            g.drawImage(t.canvas, a.x, a.y, b.x - a.x, b.y - a.y);
        }
        g.restore();
    }

    /** Copies the dirty rectangle from the bitmap into the tiles it covers. */
    flush() {
        const d = this.dirty;
        if (d.x0 > d.x1) return;
        const { bitmap, width, words } = this;
        for (let ty = Math.floor(d.y0 / TILE) * TILE; ty <= d.y1; ty += TILE) {
            for (let tx = Math.floor(d.x0 / TILE) * TILE; tx <= d.x1; tx += TILE) {
                const t = this.tile(tx, ty);
                const x0 = Math.max(d.x0, tx), x1 = Math.min(d.x1, tx + t.canvas.width - 1);
                const y0 = Math.max(d.y0, ty), y1 = Math.min(d.y1, ty + t.canvas.height - 1);
                const stride = t.canvas.width;
                for (let y = y0; y <= y1; y++) {
                    let src = y * width + x0;
                    let dst = (y - ty) * stride + (x0 - tx);
                    for (let x = x0; x <= x1; x++) t.px[dst++] = words[bitmap[src++]];
                }
                t.g.putImageData(t.data, 0, 0, x0 - tx, y0 - ty, x1 - x0 + 1, y1 - y0 + 1);
            }
        }
        this.dirty = { x0: Infinity, y0: Infinity, x1: -Infinity, y1: -Infinity };
    }

    /** @param {number} x @param {number} y tile origin @returns {Tile} */
    tile(x, y) {
        const key = (y / TILE) * Math.ceil(this.width / TILE) + x / TILE;
        let t = this.tiles.get(key);
        if (!t) {
            const canvas = new OffscreenCanvas(Math.min(TILE, this.width - x), Math.min(TILE, this.height - y));
            const g = /** @type {OffscreenCanvasRenderingContext2D} */ (canvas.getContext('2d'));
            const data = g.createImageData(canvas.width, canvas.height);
            t = { x, y, canvas, g, data, px: new Uint32Array(data.data.buffer) };
            this.tiles.set(key, t);
        }
        return t;
    }
}

/**
 * A CSS colour as an opaque RGBA word in the platform's (little-endian) byte order.
 * @param {string} color
 */
function rgbaWord(color) {
    const g = /** @type {OffscreenCanvasRenderingContext2D} */ (new OffscreenCanvas(1, 1).getContext('2d'));
    g.fillStyle = color;
    g.fillRect(0, 0, 1, 1);
    const [r, gr, b] = g.getImageData(0, 0, 1, 1).data;
    return new Uint32Array(new Uint8ClampedArray([r, gr, b, 255]).buffer)[0];
}
