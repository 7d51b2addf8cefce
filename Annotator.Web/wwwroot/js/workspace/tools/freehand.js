// @ts-check
/**
 * The freehand tool: press, draw, release. The stroke is simplified (Ramer–Douglas–Peucker at about 1.5 CSS px,
 * coarser if it would still exceed the vertex limit) and closed as a polygon.
 */
import { simplify } from '../simplify.js';
import { screenDistance, strokePath } from './draw.js';
import { MAX_VERTICES } from './polygon.js';

/** @typedef {import('./tool.js').ToolContext} ToolContext */
/** @typedef {import('./tool.js').Tool} Tool */

/** Simplification tolerance, CSS px. */
const TOLERANCE_PX = 1.5;
/** Outlines enclosing less than this many square CSS px (a straight or tiny stroke) are dropped. */
const MIN_AREA_PX = 4;
/** Pointer samples closer than this (CSS px) to the previous one are skipped. */
const SAMPLE_PX = 0.5;

/** @param {ToolContext} tc @returns {Tool} */
export function createFreehandTool(tc) {
    /** @type {number[]|null} flat x, y of the stroke so far, image px */
    let stroke = null;

    const cancel = () => {
        stroke = null;
        tc.requestRender();
    };

    /** @param {number[]} raw @returns {number[]} the closed outline, at most MAX_VERTICES vertices */
    const outline = (raw) => {
        let tolerance = TOLERANCE_PX / tc.scale();
        let points = simplify(raw, tolerance);
        while (points.length / 2 > MAX_VERTICES) {
            tolerance *= 2;
            points = simplify(raw, tolerance);
        }
        // The polygon closes implicitly: drop a last vertex that returns onto the first.
        const n = points.length;
        if (n >= 4 && Math.hypot(points[n - 2] - points[0], points[n - 1] - points[1]) <= tolerance) points.length -= 2;
        return points;
    };

    return {
        name: 'freehand',
        cursor: 'crosshair',
        pointerDown(p) {
            if (p.button !== 0) return false;
            const q = tc.clampPoint(p.x, p.y);
            stroke = [q.x, q.y];
            tc.requestRender();
            return true;
        },
        pointerMove(p) {
            if (!stroke) return;
            const q = tc.clampPoint(p.x, p.y);
            const n = stroke.length;
            if (screenDistance(tc, q.x, q.y, stroke[n - 2], stroke[n - 1]) < SAMPLE_PX) return;
            stroke.push(q.x, q.y);
            tc.requestRender();
        },
        pointerUp(p) {
            if (!stroke) return;
            const raw = stroke;
            const q = tc.clampPoint(p.x, p.y);
            raw.push(q.x, q.y);
            cancel();
            const points = outline(raw);
            if (points.length < 6 || polygonArea(points) * tc.scale() ** 2 < MIN_AREA_PX) return;
            const id = tc.create('polygon', { points });
            if (id) tc.select([id]);
        },
        keyDown(e) {
            if (!stroke || e.key !== 'Escape') return false;
            cancel();
            return true;
        },
        drawPreview(g) {
            if (stroke) strokePath(g, tc, stroke);
        },
        cancel,
    };
}

/** Unsigned area of a polygon (shoelace). @param {number[]} pts flat x, y */
function polygonArea(pts) {
    let twice = 0;
    for (let i = 0, j = pts.length - 2; i < pts.length; j = i, i += 2) {
        twice += pts[j] * pts[i + 1] - pts[i] * pts[j + 1];
    }
    return Math.abs(twice) / 2;
}
