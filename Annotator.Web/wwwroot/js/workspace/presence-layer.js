// @ts-check
/**
 * Other people in the same annotation set: their pointers (an arrow in their colour with their name) and the regions
 * they have selected (an outline in their colour with their name), drawn on the overlay canvas. Also reports this
 * user's pointer to .NET in image px, at most 10 times a second and only when it moved; the server shares it with
 * the viewers of the same set only.
 */
import { drawTag, trace } from './render.js';
import { bounds } from './shapes.js';

/** @typedef {import('./viewport.js').Viewport} Viewport */
/** @typedef {import('./region-store.js').RegionStore} RegionStore */
/**
 * @typedef {{userId: string, displayName: string, color: string, cursor: {x: number, y: number}|null,
 *   selection: string[]}} Peer
 * @typedef {{ invokeMethodAsync: (name: string, ...args: any[]) => Promise<any> }} PresenceRef
 */

/** Shortest time between two pointer reports (ms): at most 10 a second. */
const REPORT_MS = 100;
/** Moves smaller than this (image px) are not reported. */
const MIN_MOVE = 0.5;

export class PresenceLayer {
    /**
     * @param {HTMLElement} host the canvas host (pointer events)
     * @param {{viewport: Viewport, store: RegionStore, image: {width: number, height: number},
     *   imageTransform: (ctx: CanvasRenderingContext2D) => void, invalidate: () => void}} deps
     */
    constructor(host, deps) {
        this.host = host;
        this.deps = deps;
        /** @type {Peer[]} */
        this.list = [];
        /** @type {PresenceRef|null} */
        this.sink = null;
        /** @type {{x: number, y: number}|null} last pointer position reported (null: off the image) */
        this.sent = null;
        /** @type {{x: number, y: number}|null} latest pointer position, reported when the throttle allows */
        this.latest = null;
        this.lastReport = -Infinity;
        this.timer = 0;
        /** @type {{clientX: number, clientY: number}|null} where the pointer is over the host (page coordinates) */
        this.client = null;
        this.move = (/** @type {PointerEvent} */ e) => {
            this.client = { clientX: e.clientX, clientY: e.clientY };
            this.#pointer(this.client);
        };
        this.leave = () => {
            this.client = null;
            this.#queue(null);
        };
        // Zooming with the wheel moves the image under a still pointer: report where it points now (after the view
        // has changed, hence the frame).
        this.wheel = () => requestAnimationFrame(() => {
            if (this.client) this.#pointer(this.client);
        });
        host.addEventListener('pointermove', this.move, { passive: true });
        host.addEventListener('pointerleave', this.leave, { passive: true });
        host.addEventListener('wheel', this.wheel, { passive: true });
    }

    /** Starts reporting this user's pointer to .NET. @param {PresenceRef|null} sink */
    attach(sink) {
        this.sink = sink;
        this.sent = null;
    }

    /** Replaces the peers (sent by .NET, already limited to this set). @param {Peer[]} peers */
    setPeers(peers) {
        this.list = Array.isArray(peers) ? peers : [];
        this.deps.invalidate();
    }

    /** A copy of the peers as last received (read-only use: tests, scripts). @returns {Peer[]} */
    peers() {
        return this.list.map((p) => ({ ...p, cursor: p.cursor ? { ...p.cursor } : null, selection: [...(p.selection ?? [])] }));
    }

    /** @param {{clientX: number, clientY: number}} e */
    #pointer(e) {
        const box = this.host.getBoundingClientRect();
        const p = this.deps.viewport.toImage(e.clientX - box.left, e.clientY - box.top);
        const { width, height } = this.deps.image;
        this.#queue(p.x >= 0 && p.y >= 0 && p.x <= width && p.y <= height ? { x: p.x, y: p.y } : null);
    }

    /** Reports now if the throttle allows, else once it does (the last position wins). @param {{x: number, y: number}|null} p */
    #queue(p) {
        this.latest = p;
        if (this.timer) return;
        const wait = this.lastReport + REPORT_MS - performance.now();
        if (wait <= 0) this.#report();
        else this.timer = window.setTimeout(() => {
            this.timer = 0;
            this.#report();
        }, wait);
    }

    #report() {
        const p = this.latest, s = this.sent;
        const moved = p === null ? s !== null : s === null || Math.abs(p.x - s.x) + Math.abs(p.y - s.y) >= MIN_MOVE;
        if (!this.sink || !moved) return;
        this.sent = p;
        this.lastReport = performance.now();
        try {
            const call = p ? this.sink.invokeMethodAsync('Cursor', p.x, p.y) : this.sink.invokeMethodAsync('CursorLeft');
            call.catch(() => {});
        } catch {
            // the connection is down (the call throws at once): a pointer is not worth queueing
        }
    }

    /**
     * Draws the peers' selections and pointers (context in CSS px, as the overlay painter gets it).
     * @param {CanvasRenderingContext2D} c
     */
    draw(c) {
        if (!this.list.length) return;
        const view = this.deps.viewport;
        const s = view.scale;
        for (const peer of this.list) {
            for (const id of peer.selection ?? []) {
                const r = this.deps.store.get(id);
                if (!r) continue;
                const b = bounds(r.kind, r.geometry);
                c.save();
                this.deps.imageTransform(c);
                c.beginPath();
                if (r.kind === 'mask' || r.kind === 'keypoints') c.rect(b.x, b.y, b.w, b.h);
                else trace(c, r, s);
                c.setLineDash([7 / s, 4 / s]);
                c.lineWidth = 5 / s;
                c.strokeStyle = 'rgba(255,255,255,0.85)';
                c.stroke();
                c.lineWidth = 2.5 / s;
                c.strokeStyle = peer.color;
                c.stroke();
                c.restore();
                // Under the region, so it does not cover the label tag of one's own selection (drawn above it).
                const q = view.toScreen(b.x, b.y + b.h);
                drawTag(c, peer.displayName, peer.color, q.x, q.y + 20);
            }
        }
        for (const peer of this.list) {
            if (peer.cursor) drawPointer(c, view.toScreen(peer.cursor.x, peer.cursor.y), peer.color, peer.displayName);
        }
    }

    dispose() {
        this.host.removeEventListener('pointermove', this.move);
        this.host.removeEventListener('pointerleave', this.leave);
        this.host.removeEventListener('wheel', this.wheel);
        if (this.timer) window.clearTimeout(this.timer);
        this.timer = 0;
        this.sink = null;
        this.list = [];
    }
}

/**
 * An arrow pointer with its tip at p and the name beside it (CSS px).
 * @param {CanvasRenderingContext2D} c @param {{x: number, y: number}} p @param {string} color @param {string} name
 */
function drawPointer(c, p, color, name) {
    c.save();
    c.translate(Math.round(p.x), Math.round(p.y));
    c.scale(1.25, 1.25);
    // A soft shadow keeps the arrow visible on any image.
    c.shadowColor = 'rgba(0,0,0,0.55)';
    c.shadowBlur = 3;
    c.shadowOffsetY = 1;
    c.beginPath();
    c.moveTo(0, 0);
    c.lineTo(0, 16);
    c.lineTo(4.5, 12);
    c.lineTo(7.5, 18.5);
    c.lineTo(10, 17.3);
    c.lineTo(7.2, 11);
    c.lineTo(12.5, 11);
    c.closePath();
    c.fillStyle = color;
    c.fill();
    c.shadowColor = 'transparent';
    c.lineWidth = 1.25;
    c.strokeStyle = '#fff';
    c.stroke();
    c.restore();
    drawTag(c, name, color, p.x + 14, p.y + 38);
}
