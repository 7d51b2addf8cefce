// @ts-check
/**
 * The press-and-drag rectangle shared by the box, ellipse and keypoints tools: from the pressed corner to the pointer,
 * kept inside the image; with Shift a square whose side is limited so it stays inside too.
 */

/** @typedef {import('./tool.js').ToolContext} ToolContext */
/** @typedef {import('./tool.js').ToolPointer} ToolPointer */
/** @typedef {{x:number,y:number,w:number,h:number}} Rect */

/** Rectangles narrower or lower than this many CSS px are a click, not a drag. */
const MIN_DRAG_PX = 2;

/**
 * @param {ToolContext} tc
 */
export function createDragRect(tc) {
    /** @type {{x:number,y:number}|null} */
    let start = null;
    /** @type {{x:number,y:number}} */
    let end = { x: 0, y: 0 };

    return {
        /** Whether a drag is in progress. */
        get active() {
            return start !== null;
        },
        /** The pressed corner (image px), or null. */
        get start() {
            return start;
        },
        /** @param {ToolPointer} p */
        begin(p) {
            start = tc.clampPoint(p.x, p.y);
            end = { ...start };
        },
        /** @param {ToolPointer} p */
        move(p) {
            if (!start) return;
            if (!p.shiftKey) {
                end = tc.clampPoint(p.x, p.y);
                return;
            }
            const dx = p.x - start.x, dy = p.y - start.y;
            const roomX = dx >= 0 ? tc.image.width - start.x : start.x;
            const roomY = dy >= 0 ? tc.image.height - start.y : start.y;
            const side = Math.min(Math.max(Math.abs(dx), Math.abs(dy)), roomX, roomY);
            end = { x: start.x + (dx >= 0 ? side : -side), y: start.y + (dy >= 0 ? side : -side) };
        },
        /** @returns {Rect|null} the current rectangle (image px), or null when not dragging */
        rect() {
            if (!start) return null;
            return {
                x: Math.min(start.x, end.x), y: Math.min(start.y, end.y),
                w: Math.abs(end.x - start.x), h: Math.abs(end.y - start.y),
            };
        },
        /** @param {Rect} r @returns {boolean} whether the rectangle is too small on screen to be a drag */
        isClick(r) {
            const s = tc.scale();
            return r.w * s < MIN_DRAG_PX || r.h * s < MIN_DRAG_PX;
        },
        reset() {
            start = null;
        },
    };
}
