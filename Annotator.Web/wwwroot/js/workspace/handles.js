// @ts-check
/**
 * Edit handles of a selected region and what dragging them does: 8 resize handles for boxes (in the rotated frame
 * for rotated boxes and ellipses, plus a rotate handle above), vertices of polygons and polylines, keypoints (with
 * faint "ghost" positions for unlabelled v = 0 points). Results are kept inside the image.
 */
import { bounds, fitInside, normalizeAngle } from './shapes.js';

/** @typedef {import('./tools/tool.js').Region} Region */
/** @typedef {import('./tools/tool.js').Label} Label */
/**
 * @typedef {{type:'resize'|'rotate'|'vertex'|'keypoint'|'ghost', i:number, x:number, y:number, ux?:number, uy?:number}} Handle
 *   i: vertex / keypoint index; ux, uy ∈ {-1, 0, 1}: which side a resize handle moves
 */

const DEG = Math.PI / 180;
/** Distance (CSS px) of the rotate handle above the top edge. */
const ROTATE_GAP = 24;
/** Below this size on screen (CSS px) shapes show no resize/vertex handles: dragging them moves them. */
const MIN_HANDLE_SHAPE = 24;
/** Vertex handles need this much outline (CSS px) per vertex on screen; denser outlines are moved, not edited. */
const MIN_VERTEX_SPACING = 10;
/** Smallest size (image px) a resize leaves. */
const MIN_SIZE = 1;
const SIDES = [[-1, -1], [0, -1], [1, -1], [1, 0], [1, 1], [0, 1], [-1, 1], [-1, 0]];

/**
 * Centre, half sizes and angle of a box-like region, or null for other kinds.
 * @param {Region} r @returns {{cx:number, cy:number, hw:number, hh:number, angle:number}|null}
 */
function frame(r) {
    const g = r.geometry;
    if (r.kind === 'box') return { cx: g.x + g.w / 2, cy: g.y + g.h / 2, hw: g.w / 2, hh: g.h / 2, angle: 0 };
    if (r.kind === 'rotatedBox') return { cx: g.cx, cy: g.cy, hw: g.w / 2, hh: g.h / 2, angle: g.angle };
    if (r.kind === 'ellipse') return { cx: g.cx, cy: g.cy, hw: g.rx, hh: g.ry, angle: g.angle };
    return null;
}

/** Local → image. @param {{cx:number, cy:number, angle:number}} f @param {number} lx @param {number} ly */
function toWorld(f, lx, ly) {
    const c = Math.cos(f.angle * DEG), s = Math.sin(f.angle * DEG);
    return { x: f.cx + lx * c - ly * s, y: f.cy + lx * s + ly * c };
}

/**
 * The handles of a region.
 * @param {Region} r @param {number} s CSS px per image px @param {number[]|null} ghosts ghost positions (keypoints)
 * @returns {Handle[]}
 */
export function handlesOf(r, s, ghosts) {
    const f = frame(r);
    /** @type {Handle[]} */
    const out = [];
    if (r.kind !== 'keypoints') {
        const b = bounds(r.kind, r.geometry);
        if (Math.max(b.w, b.h) * s < MIN_HANDLE_SHAPE) return out;
    }
    if (f) {
        SIDES.forEach(([ux, uy], i) => {
            const p = toWorld(f, ux * f.hw, uy * f.hh);
            out.push({ type: 'resize', i, x: p.x, y: p.y, ux, uy });
        });
        if (r.kind !== 'box') {
            const p = toWorld(f, 0, -f.hh - ROTATE_GAP / s);
            out.push({ type: 'rotate', i: 0, x: p.x, y: p.y });
        }
    } else if (r.kind === 'polygon' || r.kind === 'polyline') {
        const p = r.geometry.points;
        let length = 0;
        for (let i = 2; i < p.length; i += 2) length += Math.hypot(p[i] - p[i - 2], p[i + 1] - p[i - 1]);
        if ((length * s) / (p.length / 2) < MIN_VERTEX_SPACING) return out;
        for (let i = 0; i < p.length / 2; i++) out.push({ type: 'vertex', i, x: p[2 * i], y: p[2 * i + 1] });
    } else if (r.kind === 'keypoints') {
        const p = r.geometry.points;
        for (let i = 0; i < p.length / 3; i++) {
            if (p[3 * i + 2]) out.push({ type: 'keypoint', i, x: p[3 * i], y: p[3 * i + 1] });
            else if (ghosts) out.push({ type: 'ghost', i, x: ghosts[2 * i], y: ghosts[2 * i + 1] });
        }
    }
    return out;
}

/**
 * The topmost handle within tol (image px) of a point.
 * @param {Handle[]} handles @param {number} x @param {number} y @param {number} tol @returns {Handle|null}
 */
export function handleAt(handles, x, y, tol) {
    let best = null, bestD = tol * tol;
    for (const h of handles) {
        const d = (h.x - x) ** 2 + (h.y - y) ** 2;
        if (d <= bestD) { best = h; bestD = d; }
    }
    return best;
}

/** CSS cursor for a handle. @param {Region} r @param {Handle} h */
export function handleCursor(r, h) {
    if (h.type === 'rotate') return 'grab';
    if (h.type !== 'resize') return 'move';
    const f = /** @type {NonNullable<ReturnType<typeof frame>>} */ (frame(r));
    const a = normalizeAngle(Math.atan2(h.uy ?? 0, h.ux ?? 0) / DEG + f.angle);
    const names = ['ew-resize', 'nwse-resize', 'ns-resize', 'nesw-resize'];
    return names[((Math.round(a / 45) % 4) + 4) % 4];
}

/**
 * Geometry after dragging a handle to (x, y).
 * @param {Region} r the region when the drag started
 * @param {Handle} h @param {number} x @param {number} y pointer, image px
 * @param {{width:number, height:number, shift:boolean}} o image size; shift snaps rotation to 15°
 * @returns {any}
 */
export function dragHandle(r, h, x, y, o) {
    const g = r.geometry;
    const cx = (/** @type {number} */ v) => Math.min(o.width, Math.max(0, v));
    const cy = (/** @type {number} */ v) => Math.min(o.height, Math.max(0, v));
    if (h.type === 'vertex') {
        const points = g.points.slice();
        points[2 * h.i] = cx(x);
        points[2 * h.i + 1] = cy(y);
        return { points };
    }
    if (h.type === 'keypoint' || h.type === 'ghost') {
        const points = g.points.slice();
        points[3 * h.i] = cx(x);
        points[3 * h.i + 1] = cy(y);
        points[3 * h.i + 2] = points[3 * h.i + 2] || 2;
        return { points };
    }
    const f = /** @type {NonNullable<ReturnType<typeof frame>>} */ (frame(r));
    if (h.type === 'rotate') {
        let a = Math.atan2(y - f.cy, x - f.cx) / DEG + 90;
        if (o.shift) a = Math.round(a / 15) * 15;
        return fitInside(r.kind, { ...g, angle: normalizeAngle(a) }, o.width, o.height);
    }
    if (r.kind === 'box') {
        x = cx(x);
        y = cy(y);
    }
    const c = Math.cos(-f.angle * DEG), s = Math.sin(-f.angle * DEG);
    const dx = x - f.cx, dy = y - f.cy;
    const lx = dx * c - dy * s, ly = dx * s + dy * c;
    let hw = f.hw, hh = f.hh, mx = 0, my = 0;
    const ux = h.ux ?? 0, uy = h.uy ?? 0;
    if (ux) {
        const anchor = -ux * f.hw;
        const edge = anchor + ux * Math.max(MIN_SIZE, (lx - anchor) * ux);
        hw = Math.abs(edge - anchor) / 2;
        mx = (edge + anchor) / 2;
    }
    if (uy) {
        const anchor = -uy * f.hh;
        const edge = anchor + uy * Math.max(MIN_SIZE, (ly - anchor) * uy);
        hh = Math.abs(edge - anchor) / 2;
        my = (edge + anchor) / 2;
    }
    const ctr = toWorld(f, mx, my);
    if (r.kind === 'box') return fitInside('box', { x: ctr.x - hw, y: ctr.y - hh, w: 2 * hw, h: 2 * hh }, o.width, o.height);
    if (r.kind === 'ellipse') return fitInside('ellipse', { ...g, cx: ctr.x, cy: ctr.y, rx: hw, ry: hh }, o.width, o.height);
    return fitInside('rotatedBox', { ...g, cx: ctr.x, cy: ctr.y, w: 2 * hw, h: 2 * hh }, o.width, o.height);
}

/**
 * Where the unlabelled (v = 0) keypoints would go: the skeleton layout (or a circle) mapped onto the labelled points.
 * @param {number[]} points x,y,v triples @param {Label|undefined} label @param {number} s CSS px per image px
 * @returns {number[]} x,y per point
 */
export function ghostPositions(points, label, s) {
    const n = points.length / 3;
    const layout = label?.skeleton?.layout && label.skeleton.layout.length === n
        ? label.skeleton.layout
        : Array.from({ length: n }, (_, i) => [0.5 + 0.5 * Math.cos((2 * Math.PI * i) / n - Math.PI / 2), 0.5 + 0.5 * Math.sin((2 * Math.PI * i) / n - Math.PI / 2)]);
    /** @type {number[]} */
    const vis = [];
    for (let i = 0; i < n; i++) if (points[3 * i + 2]) vis.push(i);
    const span = (/** @type {(i:number)=>number} */ get) => {
        let lo = Infinity, hi = -Infinity;
        for (const i of vis) { lo = Math.min(lo, get(i)); hi = Math.max(hi, get(i)); }
        return { lo, hi, d: hi - lo };
    };
    const lx = span((i) => layout[i][0]), ly = span((i) => layout[i][1]);
    const ix = span((i) => points[3 * i]), iy = span((i) => points[3 * i + 1]);
    let kx = lx.d > 1e-6 ? ix.d / lx.d : NaN, ky = ly.d > 1e-6 ? iy.d / ly.d : NaN;
    if (!(kx > 0)) kx = ky > 0 ? ky : 80 / s;
    if (!(ky > 0)) ky = kx;
    const out = [];
    for (let i = 0; i < n; i++) {
        out.push(ix.lo + (layout[i][0] - lx.lo) * kx, iy.lo + (layout[i][1] - ly.lo) * ky);
    }
    return out;
}
