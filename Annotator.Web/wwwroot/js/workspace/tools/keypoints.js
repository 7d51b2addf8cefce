// @ts-check
/**
 * The keypoints tool: drag a box and the current label's skeleton template is placed in it (all points visible); a
 * click without a drag places it at a default size (about a fifth of the visible part of the image) centred on the
 * click. Labels without a skeleton cannot be drawn with it.
 */
import { templatePoints } from '../keypoint-template.js';
import { createDragRect } from './drag-rect.js';
import { drawVertices, labelColor, LINE_WIDTH, strokeRect } from './draw.js';

/** @typedef {import('./tool.js').ToolContext} ToolContext */
/** @typedef {import('./tool.js').Tool} Tool */
/** @typedef {import('./tool.js').Skeleton} Skeleton */
/** @typedef {{x:number,y:number,w:number,h:number}} Rect */

/** Side of the default template box, as a fraction of the visible image. */
const DEFAULT_FRACTION = 0.2;

/** @param {ToolContext} tc @returns {Tool} */
export function createKeypointsTool(tc) {
    const drag = createDragRect(tc);
    /** Canvas size in CSS px, learnt from the last preview, to know how much of the image is visible. */
    let view = { w: 0, h: 0 };

    /** @returns {Skeleton|null} */
    const skeleton = () => {
        const s = tc.label()?.skeleton;
        return s && s.points.length > 0 ? s : null;
    };

    /** @param {{x:number,y:number}} c @returns {Rect} the default box centred on c, inside the image */
    const defaultBox = (c) => {
        const W = tc.image.width, H = tc.image.height;
        let visW = W, visH = H;
        if (view.w > 0) {
            const a = tc.toImage(0, 0), b = tc.toImage(view.w, view.h);
            visW = Math.max(0, Math.min(W, b.x) - Math.max(0, a.x)) || W;
            visH = Math.max(0, Math.min(H, b.y) - Math.max(0, a.y)) || H;
        }
        const side = Math.min(DEFAULT_FRACTION * Math.sqrt(visW * visH), W, H);
        return {
            x: Math.min(Math.max(c.x - side / 2, 0), W - side),
            y: Math.min(Math.max(c.y - side / 2, 0), H - side),
            w: side, h: side,
        };
    };

    const cancel = () => {
        drag.reset();
        tc.requestRender();
    };

    return {
        name: 'keypoints',
        cursor: 'crosshair',
        pointerDown(p) {
            if (p.button !== 0) return false;
            if (!skeleton()) {
                tc.notify('This label has no skeleton');
                return true;
            }
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
            const s = skeleton();
            if (!drag.active || !s) return cancel();
            drag.move(p);
            let r = /** @type {Rect} */ (drag.rect());
            if (drag.isClick(r)) r = defaultBox(/** @type {{x:number,y:number}} */ (drag.start));
            cancel();
            const id = tc.create('keypoints', { points: templatePoints(s, r) });
            if (id) tc.select([id]);
        },
        keyDown(e) {
            if (!drag.active || e.key !== 'Escape') return false;
            cancel();
            return true;
        },
        drawPreview(g) {
            const t = g.getTransform();
            view = { w: g.canvas.width / (t.a || 1), h: g.canvas.height / (t.d || 1) };
            const r = drag.rect();
            const s = skeleton();
            if (!r || !s || drag.isClick(r)) return;
            strokeRect(g, tc, r, true);
            const pts = templatePoints(s, r);
            g.save();
            g.strokeStyle = labelColor(tc);
            g.lineWidth = LINE_WIDTH;
            g.beginPath();
            for (const [i, j] of s.edges) {
                if (3 * Math.max(i, j) + 1 >= pts.length) continue;
                const a = tc.toScreen(pts[3 * i], pts[3 * i + 1]), b = tc.toScreen(pts[3 * j], pts[3 * j + 1]);
                g.moveTo(a.x, a.y);
                g.lineTo(b.x, b.y);
            }
            g.stroke();
            g.restore();
            drawVertices(g, tc, pts, { stride: 3 });
        },
        cancel,
    };
}
