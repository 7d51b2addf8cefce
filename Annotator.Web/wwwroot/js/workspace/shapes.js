// @ts-check
/**
 * Pure geometry per shape kind, in image px: bounds, hit tests, translation and keeping shapes inside the image
 * (the server's bounds rule). Geometry objects are never mutated; every edit returns a new one.
 */
import { rleBounds } from './rle.js';

/** Tolerance of the server's bounds rule, kept well inside. */
const EPS = 1e-6;
const DEG = Math.PI / 180;

/** @typedef {{x:number,y:number,w:number,h:number}} Rect */

/**
 * The four corners of a rotated box, clockwise from top-left in its own frame.
 * @param {{cx:number,cy:number,w:number,h:number,angle:number}} g @returns {number[]} x0,y0,…,x3,y3
 */
export function rotatedCorners(g) {
    const c = Math.cos(g.angle * DEG), s = Math.sin(g.angle * DEG);
    const hw = g.w / 2, hh = g.h / 2;
    const out = [];
    for (const [lx, ly] of [[-hw, -hh], [hw, -hh], [hw, hh], [-hw, hh]]) {
        out.push(g.cx + lx * c - ly * s, g.cy + lx * s + ly * c);
    }
    return out;
}

/** Half extents of a rotated ellipse's axis-aligned bounds. @param {{rx:number,ry:number,angle:number}} g */
export function ellipseExtent(g) {
    const c = Math.cos(g.angle * DEG), s = Math.sin(g.angle * DEG);
    return { ex: Math.hypot(g.rx * c, g.ry * s), ey: Math.hypot(g.rx * s, g.ry * c) };
}

/** @param {number[]} pts flat x,y list @param {number} stride 2, or 3 for keypoints (skips v = 0) @returns {Rect} */
function pointsBounds(pts, stride) {
    let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
    for (let i = 0; i + 1 < pts.length; i += stride) {
        if (stride === 3 && pts[i + 2] === 0) continue;
        const x = pts[i], y = pts[i + 1];
        if (x < x0) x0 = x;
        if (x > x1) x1 = x;
        if (y < y0) y0 = y;
        if (y > y1) y1 = y;
    }
    if (x0 === Infinity) return { x: 0, y: 0, w: 0, h: 0 };
    return { x: x0, y: y0, w: x1 - x0, h: y1 - y0 };
}

/**
 * Axis-aligned bounds of a shape in image px.
 * @param {string} kind @param {any} g @returns {Rect}
 */
export function bounds(kind, g) {
    switch (kind) {
        case 'box': return { x: g.x, y: g.y, w: g.w, h: g.h };
        case 'rotatedBox': return pointsBounds(rotatedCorners(g), 2);
        case 'polygon':
        case 'polyline': return pointsBounds(g.points, 2);
        case 'point': return { x: g.x, y: g.y, w: 0, h: 0 };
        case 'ellipse': {
            const { ex, ey } = ellipseExtent(g);
            return { x: g.cx - ex, y: g.cy - ey, w: 2 * ex, h: 2 * ey };
        }
        case 'keypoints': return pointsBounds(g.points, 3);
        case 'mask': return rleBounds(g) ?? { x: 0, y: 0, w: 0, h: 0 };
        default: return { x: 0, y: 0, w: 0, h: 0 };
    }
}

/** Squared distance from p to segment ab. */
function segDist2(/** @type {number} */ px, /** @type {number} */ py, /** @type {number} */ ax, /** @type {number} */ ay,
    /** @type {number} */ bx, /** @type {number} */ by) {
    const dx = bx - ax, dy = by - ay;
    const l = dx * dx + dy * dy;
    let t = l ? ((px - ax) * dx + (py - ay) * dy) / l : 0;
    t = t < 0 ? 0 : t > 1 ? 1 : t;
    const qx = ax + t * dx - px, qy = ay + t * dy - py;
    return qx * qx + qy * qy;
}

/** Even-odd point in polygon. @param {number[]} pts @param {number} x @param {number} y */
function insidePolygon(pts, x, y) {
    let inside = false;
    const n = pts.length;
    for (let i = 0, j = n - 2; i < n; j = i, i += 2) {
        const yi = pts[i + 1], yj = pts[j + 1];
        if ((yi > y) !== (yj > y) && x < ((pts[j] - pts[i]) * (y - yi)) / (yj - yi) + pts[i]) inside = !inside;
    }
    return inside;
}

/**
 * Index of the segment (i → i+1, closing segment when closed) nearest to (x, y) within tol, or -1.
 * @param {number[]} pts @param {boolean} closed @param {number} x @param {number} y @param {number} tol
 */
export function nearestEdge(pts, closed, x, y, tol) {
    const n = pts.length / 2;
    let best = -1, bestD = tol * tol;
    const last = closed ? n : n - 1;
    for (let i = 0; i < last; i++) {
        const j = (i + 1) % n;
        const d = segDist2(x, y, pts[2 * i], pts[2 * i + 1], pts[2 * j], pts[2 * j + 1]);
        if (d <= bestD) { bestD = d; best = i; }
    }
    return best;
}

/**
 * Whether an image point hits the shape. Areas hit inside or near the outline; polylines only near the line;
 * points and keypoints within tol of a point. Masks are tested by the caller (they need the decoded bitmap).
 * @param {string} kind @param {any} g @param {number} x @param {number} y @param {number} tol image px
 */
export function hitTest(kind, g, x, y, tol) {
    switch (kind) {
        case 'box':
            return x >= g.x - tol && x <= g.x + g.w + tol && y >= g.y - tol && y <= g.y + g.h + tol;
        case 'rotatedBox': {
            const c = Math.cos(-g.angle * DEG), s = Math.sin(-g.angle * DEG);
            const dx = x - g.cx, dy = y - g.cy;
            const lx = dx * c - dy * s, ly = dx * s + dy * c;
            return Math.abs(lx) <= g.w / 2 + tol && Math.abs(ly) <= g.h / 2 + tol;
        }
        case 'ellipse': {
            const c = Math.cos(-g.angle * DEG), s = Math.sin(-g.angle * DEG);
            const dx = x - g.cx, dy = y - g.cy;
            const lx = (dx * c - dy * s) / (g.rx + tol), ly = (dx * s + dy * c) / (g.ry + tol);
            return lx * lx + ly * ly <= 1;
        }
        case 'polygon':
            return insidePolygon(g.points, x, y) || nearestEdge(g.points, true, x, y, tol) >= 0;
        case 'polyline':
            return nearestEdge(g.points, false, x, y, tol) >= 0;
        case 'point':
            return Math.hypot(x - g.x, y - g.y) <= tol * 1.5;
        case 'keypoints':
            return nearestPoint(g.points, 3, x, y, tol * 1.5) >= 0;
        default:
            return false;
    }
}

/**
 * Index (point number) of the point nearest (x, y) within tol, or -1; stride 3 skips v = 0 keypoints.
 * @param {number[]} pts @param {number} stride @param {number} x @param {number} y @param {number} tol
 */
export function nearestPoint(pts, stride, x, y, tol) {
    let best = -1, bestD = tol * tol;
    for (let i = 0; i + 1 < pts.length; i += stride) {
        if (stride === 3 && pts[i + 2] === 0) continue;
        const d = (pts[i] - x) ** 2 + (pts[i + 1] - y) ** 2;
        if (d <= bestD) { bestD = d; best = i / stride; }
    }
    return best;
}

/**
 * The shape moved by (dx, dy). Masks are moved elsewhere (they need re-encoding).
 * @param {string} kind @param {any} g @param {number} dx @param {number} dy @returns {any}
 */
export function translate(kind, g, dx, dy) {
    switch (kind) {
        case 'box':
        case 'point': return { ...g, x: g.x + dx, y: g.y + dy };
        case 'rotatedBox':
        case 'ellipse': return { ...g, cx: g.cx + dx, cy: g.cy + dy };
        case 'polygon':
        case 'polyline': return { points: g.points.map((/** @type {number} */ v, /** @type {number} */ i) => v + (i % 2 ? dy : dx)) };
        case 'keypoints':
            return {
                points: g.points.map((/** @type {number} */ v, /** @type {number} */ i) =>
                    i % 3 === 2 || g.points[i - (i % 3) + 2] === 0 ? v : v + (i % 3 ? dy : dx)),
            };
        default: return g;
    }
}

/**
 * Limits a move of shapes with the given union bounds so they stay inside a width × height image.
 * @param {Rect} b @param {number} dx @param {number} dy @param {number} width @param {number} height
 */
export function clampDelta(b, dx, dy, width, height) {
    return {
        dx: Math.min(width - (b.x + b.w), Math.max(-b.x, dx)),
        dy: Math.min(height - (b.y + b.h), Math.max(-b.y, dy)),
    };
}

/** @param {number} v @param {number} max */
const clamp = (v, max) => (v < 0 ? 0 : v > max ? max : v);

/**
 * The shape kept inside a width × height image: points are clamped; a box is clipped; a rotated box or ellipse is
 * shifted back inside and, if still too big, scaled down about its centre.
 * @param {string} kind @param {any} g @param {number} width @param {number} height @returns {any}
 */
export function fitInside(kind, g, width, height) {
    switch (kind) {
        case 'box': {
            const x0 = clamp(g.x, width), y0 = clamp(g.y, height);
            const x1 = clamp(g.x + g.w, width), y1 = clamp(g.y + g.h, height);
            return { x: x0, y: y0, w: Math.max(x1 - x0, EPS), h: Math.max(y1 - y0, EPS) };
        }
        case 'point': return { x: clamp(g.x, width), y: clamp(g.y, height) };
        case 'polygon':
        case 'polyline':
            return { points: g.points.map((/** @type {number} */ v, /** @type {number} */ i) => clamp(v, i % 2 ? height : width)) };
        case 'keypoints':
            return {
                points: g.points.map((/** @type {number} */ v, /** @type {number} */ i) =>
                    i % 3 === 2 ? v : clamp(v, i % 3 ? height : width)),
            };
        case 'rotatedBox':
        case 'ellipse': {
            let b = bounds(kind, g);
            let out = g;
            const k = Math.min(1, width / Math.max(b.w, EPS), height / Math.max(b.h, EPS));
            if (k < 1) {
                const f = k * (1 - 1e-9);
                out = kind === 'ellipse' ? { ...g, rx: g.rx * f, ry: g.ry * f } : { ...g, w: g.w * f, h: g.h * f };
                b = bounds(kind, out);
            }
            const { dx, dy } = clampDelta(b, 0, 0, width, height);
            return dx || dy ? { ...out, cx: out.cx + dx, cy: out.cy + dy } : out;
        }
        default: return g;
    }
}

/** Angle normalised to (-180, 180]. @param {number} a degrees */
export function normalizeAngle(a) {
    let r = a % 360;
    if (r <= -180) r += 360;
    if (r > 180) r -= 360;
    return r;
}
