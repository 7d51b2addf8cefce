// @ts-check
/**
 * Layers and the render loop. Three stacked canvases (image, annotations, overlay) sized to the host in device
 * pixels. Redraws are requested with invalidate() and happen in one requestAnimationFrame callback, never in event
 * handlers. When the view moves and a full annotation draw costs more than the frame budget, the annotation canvas
 * keeps its last full draw and is moved by a CSS transform (the compositor scales it, nothing is re-rasterised); a
 * full draw follows once the view rests, spread over frames into a back canvas (SlicedDraw) that replaces the visible
 * one when complete, so no frame is blocked for long; the transformed old draw stays on screen meanwhile.
 */
import { BULK, drawRegions } from './render.js';
import { SlicedDraw } from './sliced-draw.js';

/** @typedef {import('./viewport.js').Viewport} Viewport */
/** @typedef {import('./region-store.js').RegionStore} RegionStore */
/** @typedef {import('./tile-layer.js').TileLayer} TileLayer */
/** @typedef {import('./metrics.js').Metrics} Metrics */
/** @typedef {import('./tools/tool.js').Label} Label */

/** A full annotation draw slower than this (ms) is replaced by a blit while the view moves, and sliced once it rests. */
const BUDGET_MS = 8;
/**
 * Time (ms) one slice of a sliced full draw may take, per frame (overshoots by up to one chunk of shapes): most of a
 * 60 Hz frame, as the view is at rest meanwhile and the sooner the draw is complete the sooner the view is sharp.
 */
const SLICE_MS = 10;
/**
 * With nothing in the input queue (Chromium's isInputPending), a slice goes on up to this long (ms): the view is at rest
 * and a frame or two longer is not seen, while each frame the draw is split over adds a frame interval (more on a busy
 * machine) to the time until the view is sharp. Input that arrives stops it at the next chunk of shapes.
 */
const IDLE_SLICE_MS = 48;
/**
 * The view counts as animating this long (ms) after its last change; then the image is redrawn in full quality and the
 * annotations in full. Three frames: wheel and drag events come every frame while the view moves, and a redraw started
 * between two notches of a slow wheel is dropped (not finished) when the next one moves the view.
 */
const SETTLE_MS = 50;
/** Frame intervals are recorded (metrics().intervals) while the view changed less than this long (ms) ago. */
const MOVING_MS = 140;
/** Margin (CSS px) around the view in which regions are still drawn; also the padding of partial repaints. */
const MARGIN = 8;
/** A partial repaint larger than this share of the view becomes a full one. */
const PARTIAL_MAX = 0.4;

export class Engine {
    /**
     * @param {HTMLElement} host
     * @param {{viewport: Viewport, store: RegionStore, tiles: TileLayer, metrics: Metrics, labels: Map<string, Label>,
     *   paintOverlay: (ctx: CanvasRenderingContext2D) => void, onFirstDraw: () => void, onResize: () => void,
     *   onImageDrawn?: (complete: boolean) => void}} parts
     *   onImageDrawn: after each draw of the image layer; complete when every visible tile was there (or failed)
     */
    constructor(host, parts) {
        this.host = host;
        this.parts = parts;
        this.view = parts.viewport;
        this.image = this.#layer('image');
        this.annotations = this.#layer('annotations');
        /** the annotation layer's twin outside the document, where sliced full draws happen */
        this.back = this.#layer('annotations', false);
        this.overlay = this.#layer('overlay');
        /** @type {SlicedDraw|null} full annotation draw in progress on the back layer */
        this.job = null;
        /** the annotation canvas is CSS-transformed (showing an older view) */
        this.shifted = false;
        /** @type {{scale:number, ox:number, oy:number}} view of the last full annotation draw */
        this.drawnView = this.view.snapshot();
        this.dpr = 1;
        /** @type {Set<string>|null} regions drawn on the overlay instead (being edited) */
        this.exclude = null;
        /** @type {{x:number,y:number,w:number,h:number}[]} image areas to repaint (exclusion changes) */
        this.damage = [];
        /** overview style of the last full draw, kept by partial repaints */
        this.bulk = false;
        /** ms a full draw at the current view is expected to take (the last one's, or an estimate) */
        this.fullCost = 0;
        /** ms per region in view of the last full draw */
        this.regionCost = 0;
        this.dirty = { image: true, annotations: true, overlay: true };
        this.imageView = -1;
        this.annotationView = -1;
        this.lastViewChange = -Infinity;
        /** the view moved and has not been sharp since (image in full quality, annotations drawn at the new view) */
        this.blurred = false;
        this.lastFrame = 0;
        /** the view version the previous frame saw */
        this.frameView = -1;
        this.raf = 0;
        this.firstDone = false;
        this.imageComplete = false;
        this.imageFast = false;
        this.sized = false;
        this.resizeObserver = new ResizeObserver(() => this.#resize());
        this.resizeObserver.observe(host);
    }

    /** @param {string} name @param {boolean} [attach] add to the host (the back layer is not) */
    #layer(name, attach = true) {
        const canvas = document.createElement('canvas');
        canvas.className = `ws-layer ws-${name}`;
        // inline too, so the first measurement is right before workspace.css has loaded
        Object.assign(canvas.style, {
            position: 'absolute', left: '0', top: '0', width: '100%', height: '100%', pointerEvents: 'none', transformOrigin: '0 0',
        });
        if (attach) this.host.appendChild(canvas);
        const ctx = /** @type {CanvasRenderingContext2D} */ (canvas.getContext('2d', { alpha: true }));
        return { canvas, ctx };
    }

    #resize() {
        const w = this.host.clientWidth, h = this.host.clientHeight;
        if (!w || !h) return;
        this.dpr = window.devicePixelRatio || 1;
        for (const l of [this.image, this.annotations, this.back, this.overlay]) {
            l.canvas.width = Math.round(w * this.dpr);
            l.canvas.height = Math.round(h * this.dpr);
        }
        // the canvases are blank now: the next full draw is done in one go
        this.job = null;
        this.annotations.canvas.style.transform = '';
        this.shifted = false;
        this.view.resize(w, h);
        this.sized = true;
        this.parts.onResize();
        this.invalidate({ image: true, annotations: true, overlay: true });
    }

    /**
     * Requests a redraw of some layers on the next frame.
     * @param {{image?: boolean, annotations?: boolean, overlay?: boolean}} what
     */
    invalidate(what) {
        if (what.image) this.dirty.image = true;
        if (what.annotations) this.dirty.annotations = true;
        if (what.overlay) this.dirty.overlay = true;
        this.#schedule();
    }

    /** Call after changing the viewport. */
    viewChanged() {
        this.lastViewChange = performance.now();
        this.blurred = true;
        this.dirty.overlay = true;
        this.#schedule();
    }

    /** Regions to leave out of the annotation layer (drawn on the overlay while edited). @param {Set<string>|null} ids */
    setExclude(ids) {
        const before = this.exclude ?? new Set();
        const after = ids ?? new Set();
        for (const id of before) if (!after.has(id)) this.#damageRegion(id);
        for (const id of after) if (!before.has(id)) this.#damageRegion(id);
        this.exclude = ids;
        this.invalidate({ overlay: true });
    }

    /** @param {string} id */
    #damageRegion(id) {
        const rec = this.parts.store.records.get(id);
        if (rec) this.damage.push(rec.b);
    }

    /** Call after regions changed (the store tracks where). */
    regionsChanged() {
        this.invalidate({ overlay: true });
    }

    #schedule() {
        if (!this.raf && this.sized) this.raf = requestAnimationFrame(() => this.#frame());
    }

    /** One animation frame: repaints what is dirty, keeps running while the view animates. */
    #frame() {
        this.raf = 0;
        const now = performance.now();
        const v = this.view.version;
        // at rest: no change for SETTLE_MS and none since the last frame (a frame that stalled longer than SETTLE_MS in
        // the middle of a gesture finds the gesture's next change and still counts as moving)
        const animating = now - this.lastViewChange < SETTLE_MS || v !== this.frameView;
        this.frameView = v;
        if (this.lastFrame && now - this.lastFrame < MOVING_MS && now - this.lastViewChange < MOVING_MS) this.parts.metrics.interval(now - this.lastFrame);
        this.lastFrame = now;
        this.host.dataset.zoom = String(Math.round(this.view.scale * 1e4) / 1e4);
        if (this.dirty.image || this.imageView !== v || (this.imageFast && !animating)) this.#drawImage(animating);
        const storeDamage = this.parts.store.takeDamage();
        if (storeDamage === null) this.dirty.annotations = true;
        else this.damage.push(...storeDamage);
        // a sliced draw is dropped when the view moves (it starts again once the view rests) or everything changed
        if (this.job && (this.dirty.annotations || this.job.version !== v)) this.job = null;
        if (this.job) this.#continueSliced(performance.now());
        else if (this.dirty.annotations || this.annotationView !== v) this.#drawAnnotations(animating);
        else if (this.damage.length) this.#drawPartial();
        if (this.dirty.overlay) this.#drawOverlay();
        if (this.blurred && !animating && !this.job && !this.shifted && !this.imageFast && this.annotationView === v) {
            this.blurred = false;
            this.parts.metrics.sharpAgain(performance.now() - this.lastViewChange);
        }
        if (animating || this.annotationView !== v || this.dirty.annotations || this.job) this.#schedule();
        else if (!this.firstDone && this.imageComplete && this.parts.metrics.firstDrawMs !== null) {
            this.firstDone = true;
            this.parts.onFirstDraw();
        }
    }

    /** Sets ctx to draw in image px. @param {CanvasRenderingContext2D} ctx @param {{scale:number, ox:number, oy:number}} v */
    #toImage(ctx, v) {
        const d = this.dpr;
        ctx.setTransform(d * v.scale, 0, 0, d * v.scale, d * v.ox, d * v.oy);
    }

    /** @param {boolean} animating */
    #drawImage(animating) {
        const t0 = performance.now();
        const { ctx, canvas } = this.image;
        ctx.setTransform(1, 0, 0, 1, 0, 0);
        ctx.clearRect(0, 0, canvas.width, canvas.height);
        this.#toImage(ctx, this.view);
        this.imageComplete = this.parts.tiles.draw(ctx, this.view.visibleRect(), this.view.scale, this.dpr, animating);
        this.parts.onImageDrawn?.(this.imageComplete);
        this.imageView = this.view.version;
        this.imageFast = animating; // redrawn in full quality once the view rests
        this.dirty.image = false;
        this.parts.metrics.image(performance.now() - t0);
    }

    /**
     * A full draw, or (when that is slow) the last one moved by a CSS transform while the view animates, and a sliced
     * full draw once it rests. Regions changed while the view moves wait for that full draw.
     * @param {boolean} animating
     */
    #drawAnnotations(animating) {
        const t0 = performance.now();
        const m = this.parts.metrics;
        const slow = this.firstDone && this.fullCost > BUDGET_MS;
        if (slow && (animating || this.shifted)) {
            this.#shift();
            if (animating) m.frame(performance.now() - t0, false);
            else this.#startSliced(t0);
            return;
        }
        const list = this.#queryView();
        if (this.firstDone && animating && list.length * this.regionCost > BUDGET_MS) {
            // zooming out from a cheap view: do not find out the hard way that this one is not
            this.fullCost = list.length * this.regionCost;
            this.#shift();
            m.frame(performance.now() - t0, false);
            return;
        }
        const { ctx, canvas } = this.annotations;
        ctx.setTransform(1, 0, 0, 1, 0, 0);
        ctx.clearRect(0, 0, canvas.width, canvas.height);
        this.#toImage(ctx, this.view);
        this.bulk = list.length > BULK;
        m.drawn = drawRegions(ctx, list, this.view.scale, this.dpr, this.parts.labels, this.exclude, this.bulk);
        this.drawnView = this.view.snapshot();
        this.dirty.annotations = false;
        this.damage = [];
        if (this.shifted) {
            canvas.style.transform = '';
            this.shifted = false;
        }
        this.annotationView = this.view.version;
        const ms = performance.now() - t0;
        m.frame(ms, true);
        this.#fullDrawDone(ms, list.length);
    }

    /** Records in view (with the drawing margin), bottom first. */
    #queryView() {
        const r = this.view.visibleRect(), pad = MARGIN / this.view.scale;
        return this.parts.store.query(r.x - pad, r.y - pad, r.w + 2 * pad, r.h + 2 * pad);
    }

    /** Shows the last full draw moved to the current view (CSS transform). */
    #shift() {
        const k = this.view.scale / this.drawnView.scale;
        const tx = this.view.ox - this.drawnView.ox * k, ty = this.view.oy - this.drawnView.oy * k;
        this.annotations.canvas.style.transform = `matrix(${k}, 0, 0, ${k}, ${tx}, ${ty})`;
        this.shifted = true;
        this.annotationView = -1;
    }

    /** Starts a full draw on the back layer and draws its first slice. @param {number} t0 when this frame's work began */
    #startSliced(t0) {
        const list = this.#queryView();
        this.job = new SlicedDraw(this.back, this.view.snapshot(), this.view.version, list,
            { labels: this.parts.labels, exclude: this.exclude, bulk: list.length > BULK, dpr: this.dpr });
        // the draw sees the regions as they are now; later changes are repainted once it is swapped in
        this.damage = [];
        this.dirty.annotations = false;
        this.#continueSliced(t0);
    }

    /**
     * Draws the next slice of the full draw; when it is complete, it replaces the visible annotation canvas.
     * @param {number} t0 when this slice's work began
     */
    #continueSliced(t0) {
        const job = /** @type {SlicedDraw} */ (this.job);
        const done = job.step(t0, t0 + IDLE_SLICE_MS, t0 + SLICE_MS); // planning counts; at least one chunk is drawn
        const m = this.parts.metrics;
        m.frame(job.last, false);
        if (!done) return;
        this.job = null;
        const front = this.annotations;
        this.host.replaceChild(this.back.canvas, front.canvas);
        front.canvas.style.transform = '';
        this.annotations = this.back;
        this.back = front;
        this.shifted = false;
        this.drawnView = job.view;
        this.annotationView = job.version;
        this.bulk = job.bulk;
        m.drawn = job.drawn;
        m.fullDraw(job.ms, job.slices, job.longest);
        this.#fullDrawDone(job.ms, job.count);
        if (this.damage.length) this.#drawPartial();
    }

    /** @param {number} ms what the full draw took in all @param {number} count regions in view */
    #fullDrawDone(ms, count) {
        this.fullCost = ms;
        this.regionCost = ms / Math.max(1, count);
        const m = this.parts.metrics;
        if (m.loadStart !== null) {
            m.firstDrawMs = performance.now() - m.loadStart;
            m.loadStart = null;
        }
    }

    /** Repaints only the damaged areas (their union, clipped), when small enough; else everything. */
    #drawPartial() {
        const t0 = performance.now();
        const pad = MARGIN / this.view.scale;
        let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
        for (const b of this.damage) {
            x0 = Math.min(x0, b.x); y0 = Math.min(y0, b.y);
            x1 = Math.max(x1, b.x + b.w); y1 = Math.max(y1, b.y + b.h);
        }
        this.damage = [];
        const v = this.view.visibleRect();
        x0 = Math.max(x0 - pad, v.x); y0 = Math.max(y0 - pad, v.y);
        x1 = Math.min(x1 + pad, v.x + v.w); y1 = Math.min(y1 + pad, v.y + v.h);
        if (x1 <= x0 || y1 <= y0) return;
        if ((x1 - x0) * (y1 - y0) > PARTIAL_MAX * v.w * v.h) {
            this.dirty.annotations = true;
            this.#drawAnnotations(false);
            return;
        }
        const { ctx } = this.annotations;
        ctx.save();
        this.#toImage(ctx, this.view);
        ctx.beginPath();
        ctx.rect(x0, y0, x1 - x0, y1 - y0);
        ctx.clip();
        ctx.clearRect(x0, y0, x1 - x0, y1 - y0);
        const list = this.parts.store.query(x0 - pad, y0 - pad, x1 - x0 + 2 * pad, y1 - y0 + 2 * pad);
        drawRegions(ctx, list, this.view.scale, this.dpr, this.parts.labels, this.exclude, this.bulk);
        ctx.restore();
        this.parts.metrics.frame(performance.now() - t0, false);
    }

    #drawOverlay() {
        const { ctx, canvas } = this.overlay;
        ctx.setTransform(1, 0, 0, 1, 0, 0);
        ctx.clearRect(0, 0, canvas.width, canvas.height);
        ctx.setTransform(this.dpr, 0, 0, this.dpr, 0, 0);
        ctx.save();
        this.parts.paintOverlay(ctx);
        ctx.restore();
        this.dirty.overlay = false;
    }

    /**
     * Sets a context to draw in image px (for overlay painters); pair with ctx.save()/restore().
     * @param {CanvasRenderingContext2D} ctx
     */
    imageTransform(ctx) {
        this.#toImage(ctx, this.view);
    }

    dispose() {
        cancelAnimationFrame(this.raf);
        this.raf = 0;
        this.resizeObserver.disconnect();
        this.job = null;
        for (const l of [this.image, this.annotations, this.back, this.overlay]) l.canvas.remove();
    }
}
