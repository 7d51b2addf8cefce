// @ts-check
/**
 * The polygon and polyline tools: click by click, with a preview segment following the pointer; holding the button
 * down and dragging lays vertices freehand. A polygon closes on a click on its first vertex, a double-click or Enter
 * (3 vertices or more); a polyline finishes on a double-click or Enter (2 or more). Backspace removes the last vertex,
 * Escape drops the shape.
 */
import { drawVertices, screenDistance, strokePath, VERTEX_RADIUS } from './draw.js';

/** @typedef {import('./tool.js').ToolContext} ToolContext */
/** @typedef {import('./tool.js').Tool} Tool */

/** Most vertices a polygon or polyline may have (protocol). */
export const MAX_VERTICES = 10000;
/** A click this close (CSS px) to the first vertex closes the polygon. */
const CLOSE_PX = 8;
/** A click this close (CSS px) to the last vertex adds nothing (the second click of a double-click). */
const DUPLICATE_PX = 2;
/** Spacing (CSS px) of vertices laid while dragging. */
const DRAG_SPACING_PX = 5;

/**
 * @param {ToolContext} tc
 * @param {boolean} closed true for polygon, false for polyline
 * @returns {Tool}
 */
function createPathTool(tc, closed) {
    const kind = closed ? 'polygon' : 'polyline';
    const minVertices = closed ? 3 : 2;
    /** @type {number[]} flat x, y of the vertices placed so far */
    let points = [];
    /** @type {{x:number,y:number}|null} pointer position, image px, clamped */
    let cursor = null;
    let pressed = false;
    let warnedFull = false;

    const drawing = () => points.length > 0;
    const vertexCount = () => points.length / 2;
    /** @param {{x:number,y:number}} q */
    const nearFirst = (q) => closed && vertexCount() >= minVertices
        && screenDistance(tc, q.x, q.y, points[0], points[1]) <= CLOSE_PX;
    /** @param {{x:number,y:number}} q @param {number} px */
    const nearLast = (q, px) => screenDistance(tc, q.x, q.y, points[points.length - 2], points[points.length - 1]) < px;

    /** @param {{x:number,y:number}} q */
    const add = (q) => {
        if (vertexCount() >= MAX_VERTICES) {
            if (!warnedFull) tc.notify(`A ${kind} has at most ${MAX_VERTICES.toLocaleString('en')} vertices.`);
            warnedFull = true;
            return;
        }
        points.push(q.x, q.y);
    };

    const cancel = () => {
        points = [];
        pressed = false;
        warnedFull = false;
        tc.requestRender();
    };

    const finish = () => {
        if (vertexCount() < minVertices) {
            tc.notify(`A ${kind} needs at least ${minVertices} vertices.`);
            return;
        }
        const geometry = { points: points.slice() };
        cancel();
        const id = tc.create(kind, geometry);
        if (id) tc.select([id]);
    };

    return {
        name: kind,
        cursor: 'crosshair',
        pointerDown(p) {
            if (p.button !== 0) return false;
            const q = tc.clampPoint(p.x, p.y);
            cursor = q;
            if (!drawing()) {
                add(q);
            } else if (p.detail >= 2 || nearFirst(q)) {
                finish();
                return true;
            } else if (!nearLast(q, DUPLICATE_PX)) {
                add(q);
            }
            pressed = true;
            tc.requestRender();
            return true;
        },
        pointerMove(p) {
            cursor = tc.clampPoint(p.x, p.y);
            if (!drawing()) return;
            if (pressed && (p.buttons & 1) && !nearLast(cursor, DRAG_SPACING_PX)) add(cursor);
            tc.requestRender();
        },
        pointerUp() {
            pressed = false;
        },
        doubleClick() {
            if (drawing()) finish();
        },
        keyDown(e) {
            if (!drawing()) return false;
            switch (e.key) {
                case 'Enter': finish(); return true;
                case 'Escape': cancel(); return true;
                case 'Backspace':
                    points.length -= 2;
                    warnedFull = false;
                    tc.requestRender();
                    return true;
                default: return false;
            }
        },
        drawPreview(g) {
            if (!drawing()) return;
            const path = cursor ? [...points, cursor.x, cursor.y] : points;
            strokePath(g, tc, path);
            if (closed && cursor && vertexCount() >= 2) {
                strokePath(g, tc, [cursor.x, cursor.y, points[0], points[1]], { dashed: true });
            }
            drawVertices(g, tc, points);
            if (cursor && nearFirst(cursor)) {
                drawVertices(g, tc, points.slice(0, 2), { radius: VERTEX_RADIUS * 2 });
            }
        },
        cancel,
    };
}

/** @param {ToolContext} tc @returns {Tool} */
export function createPolygonTool(tc) {
    return createPathTool(tc, true);
}

/** @param {ToolContext} tc @returns {Tool} */
export function createPolylineTool(tc) {
    return createPathTool(tc, false);
}
