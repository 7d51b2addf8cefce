// @ts-check
/** The point tool: a click places a point (kept inside the image). */

/** @typedef {import('./tool.js').ToolContext} ToolContext */
/** @typedef {import('./tool.js').Tool} Tool */

/** @param {ToolContext} tc @returns {Tool} */
export function createPointTool(tc) {
    return {
        name: 'point',
        cursor: 'crosshair',
        pointerDown(p) {
            if (p.button !== 0) return false;
            const q = tc.clampPoint(p.x, p.y);
            const id = tc.create('point', { x: q.x, y: q.y });
            if (id) tc.select([id]);
            return true;
        },
        pointerMove() {},
        pointerUp() {},
        drawPreview() {},
        cancel() {},
    };
}
