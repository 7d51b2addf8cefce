// @ts-check
/**
 * Frame timing bookkeeping behind `handle.metrics()`: the annotation layer's draws, the image layer's, how long the
 * view took to become sharp again after it stopped moving, and the long animation frames the browser reports (the
 * Long Animation Frames API: whole frames over 50 ms, compositing and rendering included, which the per-layer figures
 * cannot see).
 */

const KEEP = 120;

/**
 * @typedef {{start: number, duration: number, renderMs: number, scriptMs: number, blockingMs: number}} LongFrame
 * one long animation frame: when (performance.now()), how long, of which rendering (style, layout, paint, from
 * renderStart to the end) and script, and its blocking duration
 */

export class Metrics {
    constructor() {
        /** @type {number[]} annotation-layer paint durations (ms), newest last */
        this.frames = [];
        /** @type {number[]} image-layer paint durations (ms), newest last */
        this.imageFrames = [];
        /** @type {number[]} rAF-to-rAF intervals (ms) while the view was animating */
        this.intervals = [];
        this.lastDrawMs = 0;
        this.lastImageDrawMs = 0;
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
        /** how many times the view became sharp after moving, and the last time it took (ms, last view change → end of
         * the frame that has the image in full quality and every annotation drawn at the new view) */
        this.sharpCount = 0;
        this.lastSharpMs = 0;
        /** @type {number[]} the same, for the last few rests */
        this.sharp = [];
        /** @type {LongFrame[]} long animation frames, newest last */
        this.longFrames = [];
        /** @type {PerformanceObserver|null} */
        this.observer = null;
        try {
            this.observer = new PerformanceObserver((list) => {
                for (const e of list.getEntries()) this.#long(e);
            });
            this.observer.observe({ type: 'long-animation-frame', buffered: false });
        } catch {
            // not supported (Chromium has it since 123): longFrames stays empty
            this.observer = null;
        }
    }

    /** Annotation-layer work of one frame. @param {number} ms @param {boolean} full a whole full draw */
    frame(ms, full) {
        push(this.frames, ms);
        this.lastDrawMs = ms;
        if (full) this.fullDraw(ms, 1, ms);
    }

    /** Image-layer work of one frame. @param {number} ms */
    image(ms) {
        push(this.imageFrames, ms);
        this.lastImageDrawMs = ms;
    }

    /** A full draw completed. @param {number} ms in all @param {number} slices frames it took @param {number} longest ms */
    fullDraw(ms, slices, longest) {
        this.lastFullDrawMs = ms;
        this.lastFullDrawSlices = slices;
        this.lastFullDrawMaxSliceMs = longest;
    }

    /** The view is sharp again, ms after its last change. @param {number} ms */
    sharpAgain(ms) {
        this.sharpCount++;
        this.lastSharpMs = ms;
        push(this.sharp, ms);
    }

    /** @param {number} ms */
    interval(ms) {
        push(this.intervals, ms);
    }

    /** Long animation frames reported since the page opened (the newest 120). @returns {LongFrame[]} */
    takeLongFrames() {
        if (this.observer) for (const e of this.observer.takeRecords()) this.#long(e);
        return this.longFrames.slice();
    }

    /** @param {PerformanceEntry} e */
    #long(e) {
        const f = /** @type {PerformanceEntry & {renderStart?: number, blockingDuration?: number, scripts?: {duration: number}[]}} */ (e);
        const end = f.startTime + f.duration;
        this.longFrames.push({
            start: round(f.startTime),
            duration: round(f.duration),
            renderMs: round(f.renderStart ? end - f.renderStart : 0),
            scriptMs: round((f.scripts ?? []).reduce((a, s) => a + s.duration, 0)),
            blockingMs: round(f.blockingDuration ?? 0),
        });
        if (this.longFrames.length > KEEP) this.longFrames.shift();
    }

    dispose() {
        this.observer?.disconnect();
        this.observer = null;
    }
}

/** @param {number} v */
const round = (v) => Math.round(v * 1000) / 1000;

/** @param {number[]} list @param {number} v */
function push(list, v) {
    list.push(round(v));
    if (list.length > KEEP) list.shift();
}
