// @ts-check
/**
 * A full annotation draw spread over several frames. The regions in view are drawn into a back canvas (not in the
 * document) a few milliseconds per frame, in the same order and style as in one go; the engine swaps the canvas in
 * when it is complete, and drops the draw if the view or the regions change meanwhile.
 */
import { drawPlan, planRegions } from './render.js';

/** @typedef {import('./region-store.js').RegionRecord} RegionRecord */
/** @typedef {import('./tools/tool.js').Label} Label */
/** @typedef {{canvas: HTMLCanvasElement, ctx: CanvasRenderingContext2D}} Layer */

/**
 * Chromium's navigator.scheduling.isInputPending, bound, or null where the browser has none (then slices keep to the
 * soft deadline).
 * @returns {(() => boolean)|null}
 */
function inputPending() {
    const scheduling = /** @type {{isInputPending?: () => boolean}|undefined} */ (/** @type {any} */ (navigator).scheduling);
    return typeof scheduling?.isInputPending === 'function' ? () => /** @type {() => boolean} */ (scheduling.isInputPending).call(scheduling) : null;
}

export class SlicedDraw {
    /**
     * Clears the back layer and plans the draw (nothing is drawn yet).
     * @param {Layer} layer back layer, sized like the visible one
     * @param {{scale:number, ox:number, oy:number}} view the view drawn for
     * @param {number} version the viewport version drawn for
     * @param {RegionRecord[]} records regions in view, bottom first
     * @param {{labels: Map<string, Label>, exclude: Set<string>|null, bulk: boolean, dpr: number}} style
     */
    constructor(layer, view, version, records, style) {
        this.layer = layer;
        this.view = view;
        this.version = version;
        this.style = style;
        this.bulk = style.bulk;
        this.plan = planRegions(records, style.labels, style.exclude, style.bulk);
        this.drawn = this.plan.drawn;
        /** regions in view, drawn or not */
        this.count = records.length;
        this.cursor = { batch: 0, item: 0 };
        /** ms spent drawing so far, over how many slices, the longest and the last one */
        this.ms = 0;
        this.last = 0;
        this.slices = 0;
        this.longest = 0;
        const { ctx, canvas } = layer;
        ctx.setTransform(1, 0, 0, 1, 0, 0);
        ctx.clearRect(0, 0, canvas.width, canvas.height);
        const d = style.dpr;
        ctx.setTransform(d * view.scale, 0, 0, d * view.scale, d * view.ox, d * view.oy);
    }

    /**
     * Draws on until the deadline, or past the soft one as soon as input is waiting; at least one chunk of shapes.
     * @param {number} t0 performance.now() when this slice's work began (planning included)
     * @param {number} deadline performance.now() to stop after
     * @param {number} [soft] performance.now() after which to stop as soon as input is pending
     * @returns {boolean} the draw is complete
     */
    step(t0, deadline, soft = deadline) {
        const pending = inputPending();
        const yieldNow = pending && soft < deadline ? () => performance.now() >= soft && pending() : null;
        const done = drawPlan(this.layer.ctx, this.plan, this.cursor, this.view.scale, this.style.dpr, this.style.labels,
            pending ? deadline : soft, yieldNow);
        const ms = performance.now() - t0;
        this.last = ms;
        this.ms += ms;
        this.slices++;
        this.longest = Math.max(this.longest, ms);
        return done;
    }
}
