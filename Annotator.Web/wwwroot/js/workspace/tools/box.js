// @ts-check
/**
 * The box and ellipse tools: drag from corner to corner (Shift = square / circle). A click without a drag does
 * nothing; shapes under 2 CSS px on a side are dropped.
 */
import { createDragRect } from './drag-rect.js';
import { labelColor, LINE_WIDTH, strokeRect } from './draw.js';

/** @typedef {import('./tool.js').ToolContext} ToolContext */
/** @typedef {import('./tool.js').Tool} Tool */
/** @typedef {{x:number,y:number,w:number,h:number}} Rect */

/**
 * @param {ToolContext} tc
 * @param {string} name tool name
 * @param {string} kind shape kind created
 * @param {(r: Rect) => object} toGeometry
 * @param {(g: CanvasRenderingContext2D, r: Rect) => void} drawShape preview of the shape for a rectangle
 * @returns {Tool}
 */
function createRectTool(tc, name, kind, toGeometry, drawShape) {
    const drag = createDragRect(tc);
    const cancel = () => {
        drag.reset();
        tc.requestRender();
    };
    return {
        name,
        cursor: 'crosshair',
        pointerDown(p) {
            if (p.button !== 0) return false;
            drag.begin(p);
            tc.requestRender();
            return true;
        },
        pointerMove(p) {
            if (!drag.active) return;
            drag.move(p);
            tc.requestRender();
        },
        pointerUp(p) {
            if (!drag.active) return;
            drag.move(p);
            const r = /** @type {Rect} */ (drag.rect());
            cancel();
            if (drag.isClick(r)) return;
            const id = tc.create(kind, toGeometry(r));
            if (id) tc.select([id]);
        },
        keyDown(e) {
            if (!drag.active || e.key !== 'Escape') return false;
            cancel();
            return true;
        },
        drawPreview(g) {
            const r = drag.rect();
            if (r) drawShape(g, r);
        },
        cancel,
    };
}

/** @param {ToolContext} tc @returns {Tool} */
export function createBoxTool(tc) {
    return createRectTool(tc, 'box', 'box', (r) => ({ ...r }), (g, r) => strokeRect(g, tc, r));
}

/** @param {ToolContext} tc @returns {Tool} */
export function createEllipseTool(tc) {
    return createRectTool(tc, 'ellipse', 'ellipse',
        (r) => ({ cx: r.x + r.w / 2, cy: r.y + r.h / 2, rx: r.w / 2, ry: r.h / 2, angle: 0 }),
        (g, r) => {
            const a = tc.toScreen(r.x, r.y), b = tc.toScreen(r.x + r.w, r.y + r.h);
            g.save();
            g.beginPath();
            const rx = Math.abs(b.x - a.x) / 2, ry = Math.abs(b.y - a.y) / 2;
            g.ellipse((a.x + b.x) / 2, (a.y + b.y) / 2, rx, ry, 0, 0, 2 * Math.PI);
            g.strokeStyle = labelColor(tc);
            g.lineWidth = LINE_WIDTH;
            g.stroke();
            g.setLineDash([4, 4]);
            g.globalAlpha = 0.5;
            g.strokeRect(Math.min(a.x, b.x), Math.min(a.y, b.y), Math.abs(b.x - a.x), Math.abs(b.y - a.y));
            g.restore();
        });
}
