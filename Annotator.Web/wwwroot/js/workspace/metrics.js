// @ts-check
/** Frame timing bookkeeping behind `handle.metrics()`. */

const KEEP = 120;

export class Metrics {
    constructor() {
        /** @type {number[]} annotation-layer paint durations (ms), newest last */
        this.frames = [];
        /** @type {number[]} rAF-to-rAF intervals (ms) while the view was animating */
        this.intervals = [];
        this.lastDrawMs = 0;
        /** ms the last full annotation draw took in all, over how many frames, and its longest slice (ms) */
        this.lastFullDrawMs = 0;
        this.lastFullDrawSlices = 0;
        this.lastFullDrawMaxSliceMs = 0;
        /** regions drawn in the last full annotation frame */
        this.drawn = 0;
        /** @type {number|null} ms from receiving the regions to the end of the first full draw */
        this.firstDrawMs = null;
        /** @type {number|null} performance.now() when regions were received, until the first full draw */
        this.loadStart = null;
    }

    /** Annotation-layer work of one frame. @param {number} ms @param {boolean} full a whole full draw */
    frame(ms, full) {
        push(this.frames, ms);
        this.lastDrawMs = ms;
        if (full) this.fullDraw(ms, 1, ms);
    }

    /** A full draw completed. @param {number} ms in all @param {number} slices frames it took @param {number} longest ms */
    fullDraw(ms, slices, longest) {
        this.lastFullDrawMs = ms;
        this.lastFullDrawSlices = slices;
        this.lastFullDrawMaxSliceMs = longest;
    }

    /** @param {number} ms */
    interval(ms) {
        push(this.intervals, ms);
    }
}

/** @param {number[]} list @param {number} v */
function push(list, v) {
    list.push(Math.round(v * 1000) / 1000);
    if (list.length > KEEP) list.shift();
}
