// @ts-check
/**
 * Shared preview helpers of the drawing tools: everything in the current label's colour, 1.5 CSS px lines and vertex
 * dots, mapped from image pixels to CSS pixels with the context's toScreen so sizes stay constant at any zoom.
 */

/** @typedef {import('./tool.js').ToolContext} ToolContext */

/** Preview line width, CSS px. */
export const LINE_WIDTH = 1.5;
/** Radius of a vertex dot, CSS px. */
export const VERTEX_RADIUS = 3;
/** Colour used when no label is chosen. */
const FALLBACK_COLOR = '#ffcc00';

/** @param {ToolContext} tc @returns {string} the current label's colour */
export function labelColor(tc) {
    return tc.label()?.color || FALLBACK_COLOR;
}

/**
 * Distance between two image points, in CSS px.
 * @param {ToolContext} tc @param {number} ax @param {number} ay @param {number} bx @param {number} by
 */
export function screenDistance(tc, ax, ay, bx, by) {
    return Math.hypot(bx - ax, by - ay) * tc.scale();
}

/**
 * Strokes a path through flat image points.
 * @param {CanvasRenderingContext2D} g
 * @param {ToolContext} tc
 * @param {ArrayLike<number>} points flat x, y pairs (image px)
 * @param {{closed?: boolean, color?: string, dashed?: boolean}} [options]
 */
export function strokePath(g, tc, points, options = {}) {
    if (points.length < 4) return;
    g.save();
    g.beginPath();
    for (let i = 0; i + 1 < points.length; i += 2) {
        const s = tc.toScreen(points[i], points[i + 1]);
        if (i === 0) g.moveTo(s.x, s.y);
        else g.lineTo(s.x, s.y);
    }
    if (options.closed) g.closePath();
    g.strokeStyle = options.color ?? labelColor(tc);
    g.lineWidth = LINE_WIDTH;
    if (options.dashed) g.setLineDash([4, 4]);
    g.stroke();
    g.restore();
}

/**
 * Draws a dot at every point.
 * @param {CanvasRenderingContext2D} g
 * @param {ToolContext} tc
 * @param {ArrayLike<number>} points flat pairs (stride 2) or triplets (stride 3)
 * @param {{color?: string, stride?: number, radius?: number}} [options]
 */
export function drawVertices(g, tc, points, options = {}) {
    const stride = options.stride ?? 2;
    g.save();
    g.fillStyle = options.color ?? labelColor(tc);
    g.strokeStyle = '#ffffff';
    g.lineWidth = 1;
    for (let i = 0; i + 1 < points.length; i += stride) {
        const s = tc.toScreen(points[i], points[i + 1]);
        g.beginPath();
        g.arc(s.x, s.y, options.radius ?? VERTEX_RADIUS, 0, 2 * Math.PI);
        g.fill();
        g.stroke();
    }
    g.restore();
}

/**
 * Strokes an axis-aligned rectangle given in image px.
 * @param {CanvasRenderingContext2D} g @param {ToolContext} tc @param {{x:number,y:number,w:number,h:number}} r
 * @param {boolean} [dashed]
 */
export function strokeRect(g, tc, r, dashed = false) {
    strokePath(g, tc, [r.x, r.y, r.x + r.w, r.y, r.x + r.w, r.y + r.h, r.x, r.y + r.h], { closed: true, dashed });
}
