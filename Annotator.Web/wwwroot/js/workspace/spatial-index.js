// @ts-check
/**
 * A uniform bucket grid over the image for "what is in this rectangle" queries. Items are inserted with their
 * image-px bounds; items covering very many cells go to a list that every query scans, so one huge mask does not
 * fill the grid. Insert, update and remove are incremental.
 */

/** Cells along the longer image side. */
const GRID = 64;
/** Items spanning more cells than this are kept in the "large" list. */
const MAX_CELLS = 64;

/**
 * @template T
 * @typedef {{item: T, x0: number, y0: number, x1: number, y1: number, cells: number[]|null, stamp: number}} Entry
 */

/** @template T */
export class SpatialIndex {
    /** @param {number} width @param {number} height image size */
    constructor(width, height) {
        this.cell = Math.max(16, Math.max(width, height) / GRID);
        this.cols = Math.max(1, Math.ceil(width / this.cell));
        this.rows = Math.max(1, Math.ceil(height / this.cell));
        /** @type {Set<Entry<T>>[]} */
        this.cells = Array.from({ length: this.cols * this.rows }, () => new Set());
        /** @type {Set<Entry<T>>} */
        this.large = new Set();
        /** @type {Map<T, Entry<T>>} */
        this.entries = new Map();
        this.stamp = 0;
    }

    /**
     * Adds or moves an item.
     * @param {T} item @param {{x:number,y:number,w:number,h:number}} b bounds in image px
     */
    set(item, b) {
        this.remove(item);
        /** @type {Entry<T>} */
        const e = { item, x0: b.x, y0: b.y, x1: b.x + b.w, y1: b.y + b.h, cells: null, stamp: 0 };
        const [c0, r0, c1, r1] = this.#span(e.x0, e.y0, e.x1, e.y1);
        if ((c1 - c0 + 1) * (r1 - r0 + 1) > MAX_CELLS) {
            this.large.add(e);
        } else {
            e.cells = [];
            for (let r = r0; r <= r1; r++) {
                for (let c = c0; c <= c1; c++) {
                    const i = r * this.cols + c;
                    this.cells[i].add(e);
                    e.cells.push(i);
                }
            }
        }
        this.entries.set(item, e);
    }

    /** @param {T} item */
    remove(item) {
        const e = this.entries.get(item);
        if (!e) return;
        if (e.cells) for (const i of e.cells) this.cells[i].delete(e);
        else this.large.delete(e);
        this.entries.delete(item);
    }

    clear() {
        for (const c of this.cells) c.clear();
        this.large.clear();
        this.entries.clear();
    }

    /**
     * Items whose bounds intersect the rectangle, each once, in no particular order.
     * @param {number} x @param {number} y @param {number} w @param {number} h image px
     * @returns {T[]}
     */
    query(x, y, w, h) {
        const x1 = x + w;
        const y1 = y + h;
        /** @type {T[]} */
        const out = [];
        const [c0, r0, c1, r1] = this.#span(x, y, x1, y1);
        if ((c1 - c0 + 1) * (r1 - r0 + 1) * 2 >= this.cells.length) {
            // most of the grid: a straight scan is cheaper than deduplicating cells
            for (const e of this.entries.values()) {
                if (e.x1 >= x && e.x0 <= x1 && e.y1 >= y && e.y0 <= y1) out.push(e.item);
            }
            return out;
        }
        const stamp = ++this.stamp;
        for (let r = r0; r <= r1; r++) {
            for (let c = c0; c <= c1; c++) {
                for (const e of this.cells[r * this.cols + c]) {
                    if (e.stamp === stamp) continue;
                    e.stamp = stamp;
                    if (e.x1 >= x && e.x0 <= x1 && e.y1 >= y && e.y0 <= y1) out.push(e.item);
                }
            }
        }
        for (const e of this.large) {
            if (e.x1 >= x && e.x0 <= x1 && e.y1 >= y && e.y0 <= y1) out.push(e.item);
        }
        return out;
    }

    /** @param {number} x0 @param {number} y0 @param {number} x1 @param {number} y1 @returns {number[]} */
    #span(x0, y0, x1, y1) {
        const clampC = (/** @type {number} */ v) => Math.min(this.cols - 1, Math.max(0, Math.floor(v / this.cell)));
        const clampR = (/** @type {number} */ v) => Math.min(this.rows - 1, Math.max(0, Math.floor(v / this.cell)));
        return [clampC(x0), clampR(y0), clampC(x1), clampR(y1)];
    }
}
