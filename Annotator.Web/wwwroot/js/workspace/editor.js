// @ts-check
/**
 * Selection and every edit command, turned into protocol operations on the submit queue: create, update (one
 * gesture = one operation, several regions = one group), delete, label change, z-order, hide, lock, copy and paste.
 */
import { newId } from './ids.js';
import { bounds, clampDelta, fitInside, hitTest, translate } from './shapes.js';
import { maskHit, translateMask } from './mask-cache.js';
import { ghostPositions } from './handles.js';

/** @typedef {import('./tools/tool.js').Region} Region */
/** @typedef {import('./tools/tool.js').Label} Label */
/** @typedef {import('./region-store.js').RegionStore} RegionStore */
/** @typedef {import('./submit-queue.js').SubmitQueue} SubmitQueue */
/** @typedef {import('./submit-queue.js').Operation} Operation */

const CLIPBOARD_KEY = 'annotator.clipboard';
const PASTE_OFFSET = 10;

export class Editor {
    /**
     * @param {{store: RegionStore, queue: SubmitQueue, labels: Map<string, Label>, image: {id?: string, width: number, height: number},
     *   scale: () => number, visibleRect: () => {x:number,y:number,w:number,h:number},
     *   notify: (message: string) => void, selectionChanged: (ids: string[]) => void}} deps
     */
    constructor(deps) {
        this.d = deps;
        /** @type {string[]} */
        this.selection = [];
        this.readOnly = false;
    }

    /** @returns {Region[]} */
    selected() {
        return /** @type {Region[]} */ (this.selection.map((id) => this.d.store.get(id)).filter(Boolean));
    }

    /** @param {string[]} ids @param {boolean} [notify] */
    select(ids, notify = true) {
        const next = [...new Set(ids)].filter((id) => this.d.store.get(id));
        if (next.length === this.selection.length && next.every((id, i) => id === this.selection[i])) return;
        this.selection = next;
        if (notify) this.d.selectionChanged(next);
    }

    /** @param {string} id */
    toggle(id) {
        this.select(this.selection.includes(id) ? this.selection.filter((s) => s !== id) : [...this.selection, id]);
    }

    /** Drops selected ids that no longer exist. */
    prune() {
        if (this.selection.some((id) => !this.d.store.get(id))) this.select(this.selection);
    }

    /** @param {Region} r */
    editable(r) {
        return !this.readOnly && !r.locked;
    }

    /**
     * The topmost visible region at an image point.
     * @param {number} x @param {number} y @param {number} tolCss tolerance in CSS px @returns {Region|null}
     */
    hitTest(x, y, tolCss = 5) {
        const tol = tolCss / this.d.scale();
        const list = this.d.store.query(x - tol, y - tol, 2 * tol, 2 * tol);
        for (let i = list.length - 1; i >= 0; i--) {
            const r = list[i].region;
            if (!r.hidden && this.hits(r, x, y, tolCss)) return r;
        }
        return null;
    }

    /**
     * The labelled keypoint nearest an image point within tolCss, of the topmost visible keypoints region that has one
     * there (selected or not).
     * @param {number} x @param {number} y @param {number} tolCss tolerance in CSS px @returns {{region: Region, i: number}|null}
     */
    keypointAt(x, y, tolCss) {
        const tol = tolCss / this.d.scale();
        const list = this.d.store.query(x - tol, y - tol, 2 * tol, 2 * tol);
        for (let k = list.length - 1; k >= 0; k--) {
            const r = list[k].region;
            if (r.kind !== 'keypoints' || r.hidden) continue;
            const p = r.geometry.points;
            let best = -1, bestD = tol * tol;
            for (let i = 0; 3 * i + 2 < p.length; i++) {
                if (!p[3 * i + 2]) continue;
                const d = (p[3 * i] - x) ** 2 + (p[3 * i + 1] - y) ** 2;
                if (d <= bestD) {
                    best = i;
                    bestD = d;
                }
            }
            if (best >= 0) return { region: r, i: best };
        }
        return null;
    }

    /**
     * Sets the COCO visibility of one keypoint (2 visible, 1 occluded, 0 not labelled) as one operation. A point that
     * becomes unlabelled goes to (0, 0); one that becomes labelled is placed where the skeleton layout puts it
     * relative to the labelled ones. Returns null, or why nothing changed (also shown as a notice).
     * @param {string} id @param {number} i @param {number} v
     * @returns {string|null}
     */
    setKeypointVisibility(id, i, v) {
        const r = this.d.store.get(id);
        /** @param {string} why */
        const refuse = (why) => {
            this.d.notify(why);
            return why;
        };
        if (!r || r.kind !== 'keypoints') return refuse('That region is gone.');
        if (this.readOnly) return refuse('This image is read-only.');
        if (r.locked) return refuse('The region is locked (Shift+L unlocks).');
        const points = r.geometry.points.slice();
        if (!Number.isInteger(i) || i < 0 || 3 * i + 2 >= points.length || ![0, 1, 2].includes(v)) return refuse('There is no such keypoint.');
        const was = points[3 * i + 2];
        if (was === v) return null;
        if (v === 0) {
            let labelled = 0;
            for (let k = 2; k < points.length; k += 3) if (points[k]) labelled++;
            if (labelled <= 1) return refuse('At least one keypoint must stay labelled.');
            points[3 * i] = points[3 * i + 1] = 0;
        } else if (!was) {
            const ghosts = ghostPositions(points, this.d.labels.get(r.labelId), this.d.scale());
            points[3 * i] = Math.min(this.d.image.width, Math.max(0, ghosts[2 * i]));
            points[3 * i + 1] = Math.min(this.d.image.height, Math.max(0, ghosts[2 * i + 1]));
        }
        points[3 * i + 2] = v;
        this.update([{ id, set: { geometry: { points } } }]);
        return null;
    }

    /**
     * Whether an image point hits a region.
     * @param {Region} r @param {number} x @param {number} y @param {number} tolCss tolerance in CSS px
     */
    hits(r, x, y, tolCss = 5) {
        const tol = tolCss / this.d.scale();
        return r.kind === 'mask' ? maskHit(r.geometry, x, y, tol) : hitTest(r.kind, r.geometry, x, y, tol);
    }

    /** Visible regions whose bounds lie inside a rectangle. @param {{x:number,y:number,w:number,h:number}} q */
    inside(q) {
        return this.d.store.query(q.x, q.y, q.w, q.h)
            .filter((rec) => !rec.region.hidden && rec.b.x >= q.x && rec.b.y >= q.y && rec.b.x + rec.b.w <= q.x + q.w && rec.b.y + rec.b.h <= q.y + q.h)
            .map((rec) => rec.region.id);
    }

    /** Selects the next (dir 1) or previous (-1) region in view, in draw order. @param {number} dir */
    cycle(dir) {
        const v = this.d.visibleRect();
        const ids = this.d.store.query(v.x, v.y, v.w, v.h).filter((r) => !r.region.hidden).map((r) => r.region.id);
        if (!ids.length) return;
        const cur = ids.indexOf(this.selection[this.selection.length - 1]);
        const next = cur < 0 ? (dir > 0 ? 0 : ids.length - 1) : (cur + dir + ids.length) % ids.length;
        this.select([ids[next]]);
    }

    /** @param {Operation[]} ops */
    #submit(ops) {
        if (!ops.length) return;
        if (ops.length > 1) {
            const group = newId();
            for (const op of ops) op.group = group;
        }
        this.d.queue.submit(ops);
    }

    /**
     * Whether a label may hold a shape kind (with a notice if not).
     * @param {Label|null|undefined} label @param {string} kind
     */
    allows(label, kind) {
        if (!label) {
            this.d.notify('Choose a label first.');
            return false;
        }
        if (!label.shapeKinds?.includes(kind)) {
            this.d.notify(`Label “${label.name}” does not allow ${kind} shapes.`);
            return false;
        }
        return true;
    }

    /**
     * Creates regions (one operation each, grouped).
     * @param {{labelId:string, kind:string, geometry:any, attributes?:object}[]} items @returns {string[]} new ids
     */
    createMany(items) {
        if (this.readOnly) return [];
        let z = this.d.store.zRange().max;
        const ops = items.map((it) => ({
            opId: newId(),
            type: /** @type {const} */ ('create'),
            region: { id: newId(), labelId: it.labelId, kind: it.kind, geometry: it.geometry, attributes: it.attributes ?? {}, zOrder: ++z, hidden: false, locked: false, revision: 0 },
        }));
        this.#submit(ops);
        return ops.map((op) => op.region.id);
    }

    /**
     * Commits edits of existing regions as one gesture.
     * @param {{id: string, set: Object<string, any>}[]} edits
     */
    update(edits) {
        if (this.readOnly) return;
        this.#submit(edits.filter((e) => this.d.store.get(e.id)).map((e) => ({ opId: newId(), type: /** @type {const} */ ('update'), regionId: e.id, set: e.set })));
    }

    /**
     * The move (dx, dy) limited so all regions stay inside the image (whole pixels when a mask is among them).
     * @param {Region[]} regions @param {number} dx @param {number} dy @returns {{dx:number, dy:number}}
     */
    moved(regions, dx, dy) {
        let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
        for (const r of regions) {
            const b = bounds(r.kind, r.geometry);
            x0 = Math.min(x0, b.x); y0 = Math.min(y0, b.y);
            x1 = Math.max(x1, b.x + b.w); y1 = Math.max(y1, b.y + b.h);
        }
        const hasMask = regions.some((r) => r.kind === 'mask');
        let d = clampDelta({ x: x0, y: y0, w: x1 - x0, h: y1 - y0 }, dx, dy, this.d.image.width, this.d.image.height);
        if (hasMask) d = { dx: Math.trunc(d.dx), dy: Math.trunc(d.dy) };
        return d;
    }

    /** Commits a move of regions. @param {Region[]} regions @param {number} dx @param {number} dy */
    commitMove(regions, dx, dy) {
        if (!dx && !dy) return;
        this.update(regions.map((r) => ({
            id: r.id,
            set: { geometry: r.kind === 'mask' ? translateMask(r.geometry, dx, dy) : translate(r.kind, r.geometry, dx, dy) },
        })));
    }

    /** Editable selected regions, with a notice when some are locked. */
    #editableSelection() {
        const sel = this.selected();
        if (this.readOnly) return [];
        const ok = sel.filter((r) => !r.locked);
        if (ok.length < sel.length) this.d.notify('Locked regions are left unchanged (Shift+L unlocks).');
        return ok;
    }

    deleteSelected() {
        const ops = this.#editableSelection().map((r) => ({ opId: newId(), type: /** @type {const} */ ('delete'), regionId: r.id }));
        this.#submit(ops);
    }

    /** @param {Label} label */
    relabelSelected(label) {
        const edits = this.#editableSelection().filter((r) => r.labelId !== label.id && this.allows(label, r.kind));
        this.update(edits.map((r) => ({ id: r.id, set: { labelId: label.id } })));
    }

    /** Brings the selection to the front (1) or sends it to the back (-1). @param {number} dir */
    restack(dir) {
        if (this.readOnly) return;
        const sel = this.selected().sort((a, b) => a.zOrder - b.zOrder);
        const { min, max } = this.d.store.zRange();
        if (dir < 0) sel.reverse();
        let z = dir > 0 ? max : min;
        this.update(sel.map((r) => ({ id: r.id, set: { zOrder: (z += dir) } })));
    }

    /** @param {'hidden'|'locked'} field */
    toggleFlag(field) {
        if (this.readOnly) return;
        const sel = this.selected();
        const value = !sel.every((r) => r[field]);
        this.update(sel.filter((r) => r[field] !== value).map((r) => ({ id: r.id, set: { [field]: value } })));
    }

    copy() {
        const sel = this.selected();
        if (!sel.length) return false;
        const regions = sel.map((r) => ({ labelId: r.labelId, kind: r.kind, geometry: r.geometry, attributes: r.attributes }));
        try {
            localStorage.setItem(CLIPBOARD_KEY, JSON.stringify({ imageId: this.d.image.id ?? null, regions }));
        } catch {
            this.d.notify('Could not copy: browser storage is unavailable.');
            return false;
        }
        this.d.notify(`Copied ${regions.length} region${regions.length > 1 ? 's' : ''}.`);
        return true;
    }

    paste() {
        if (this.readOnly) return;
        /** @type {{imageId: string|null, regions: {labelId:string, kind:string, geometry:any, attributes:object}[]}|null} */
        let clip = null;
        try {
            clip = JSON.parse(localStorage.getItem(CLIPBOARD_KEY) ?? 'null');
        } catch { /* nothing usable */ }
        if (!clip?.regions?.length) return;
        const { width, height } = this.d.image;
        const usable = clip.regions.filter((r) => {
            const label = this.d.labels.get(r.labelId);
            if (!label || label.deprecated || !label.shapeKinds?.includes(r.kind)) return false;
            if (r.kind === 'mask') return r.geometry?.size?.[0] === height && r.geometry?.size?.[1] === width;
            return true;
        });
        const skipped = clip.regions.length - usable.length;
        if (skipped) this.d.notify(`${skipped} copied region${skipped > 1 ? 's' : ''} could not be pasted here (label, shape or mask size).`);
        if (!usable.length) return;
        const same = clip.imageId === (this.d.image.id ?? null);
        const items = usable.map((r) => ({ ...r, geometry: r.kind === 'mask' ? r.geometry : fitInside(r.kind, r.geometry, width, height) }));
        const asRegions = /** @type {Region[]} */ (items.map((r) => ({ ...r, id: '', zOrder: 0, hidden: false, locked: false, revision: 0 })));
        const off = same ? this.moved(asRegions, PASTE_OFFSET, PASTE_OFFSET) : { dx: 0, dy: 0 };
        const placed = items.map((r) => ({
            ...r,
            geometry: !off.dx && !off.dy ? r.geometry : r.kind === 'mask' ? translateMask(r.geometry, off.dx, off.dy) : translate(r.kind, r.geometry, off.dx, off.dy),
        }));
        const ids = this.createMany(placed);
        if (same) {
            try {
                localStorage.setItem(CLIPBOARD_KEY, JSON.stringify({ imageId: clip.imageId, regions: placed }));
            } catch { /* the next paste lands on the same spot */ }
        }
        this.select(ids);
    }
}
