// @ts-check
/**
 * The brush and eraser tools: masks painted in image pixels with a round brush of the chosen diameter (CSS px).
 * One stroke = one operation: the brush paints onto the one selected mask of the current label, or else starts a new
 * mask; the eraser needs one selected mask. The stroke works on an image-sized row-major bitmap allocated once per
 * stroke (the decoded mask, or zeros), stamps discs along the pointer path with no gaps, and on release encodes the
 * result as column-major RLE.
 */
import { decodeToRowMajor, encodeColumnMajor, rleArea, rleBounds } from '../rle.js';
import { labelColor } from './draw.js';
import { MaskPreview } from './mask-preview.js';

/** @typedef {import('./tool.js').ToolContext} ToolContext */
/** @typedef {import('./tool.js').Tool} Tool */
/** @typedef {import('./tool.js').ToolPointer} ToolPointer */
/** @typedef {import('./tool.js').Region} Region */

/** Bitmap values during a stroke: unset, set before the stroke, painted by it, erased by it. */
const UNSET = 0, SET = 1, PAINTED = 2, ERASED = 3;
/** Opacity of the stroke preview: the canvas's mask opacity, so the mask looks the same while it is painted. */
const PREVIEW_ALPHA = 0.4;

/**
 * @typedef {Object} Stroke
 * @property {Uint8Array} bitmap row-major, image-sized
 * @property {Region|null} target the mask painted on, or null for a new mask
 * @property {number} radius brush radius, image px
 * @property {number} from value a stamp changes …
 * @property {number} to … into this one
 * @property {number} changed pixels changed so far
 * @property {{x:number,y:number}} last previous stamp centre
 * @property {{x0:number,y0:number,x1:number,y1:number}} touched inclusive pixel bounds of the changes
 * @property {MaskPreview} preview
 */

/**
 * @param {ToolContext} tc
 * @param {boolean} erase
 * @returns {Tool}
 */
function createMaskTool(tc, erase) {
    /** @type {Stroke|null} */
    let stroke = null;
    /** @type {{x:number,y:number}|null} pointer position, CSS px, for the brush outline */
    let hover = null;

    /** @returns {Region|null|undefined} the mask to paint on; null: a new one; undefined (after a notice): none */
    const findTarget = () => {
        const label = tc.label();
        const masks = tc.selected().filter((r) => r.kind === 'mask' && (erase || r.labelId === label?.id));
        if (masks.length !== 1) {
            if (erase) {
                tc.notify('Select one mask to erase from.');
                return undefined;
            }
            if (!label) {
                tc.notify('Choose a label first.');
                return undefined;
            }
            if (!label.shapeKinds.includes('mask')) {
                tc.notify(`The label “${label.name}” does not allow masks.`);
                return undefined;
            }
            return null;
        }
        const mask = masks[0];
        if (mask.locked) {
            tc.notify('This mask is locked.');
            return undefined;
        }
        const [h, w] = mask.geometry.size;
        if (h !== tc.image.height || w !== tc.image.width) {
            tc.notify('This mask does not match the image size.');
            return undefined;
        }
        return mask;
    };

    /** @returns {Stroke|null} */
    const begin = () => {
        const target = findTarget();
        if (target === undefined) return null;
        const { width, height } = tc.image;
        const bitmap = target ? decodeToRowMajor(target.geometry) : new Uint8Array(width * height);
        // The preview shows the whole mask as it will be (what was there, plus painted, minus erased); the mask being
        // painted is left out of the annotation layer meanwhile, so erased pixels really disappear.
        const color = labelColor(tc);
        const colors = new Map(target ? [[SET, color], [PAINTED, color]] : [[PAINTED, color]]);
        const preview = new MaskPreview(bitmap, width, height, colors, PREVIEW_ALPHA);
        const bounds = target ? rleBounds(target.geometry) : null;
        if (bounds) preview.invalidate(bounds.x, bounds.y, bounds.x + bounds.w - 1, bounds.y + bounds.h - 1);
        if (target) tc.setExclude(new Set([target.id]));
        return {
            bitmap,
            target,
            radius: tc.brushSize() / 2 / tc.scale(),
            from: erase ? SET : UNSET,
            to: erase ? ERASED : PAINTED,
            changed: 0,
            last: { x: 0, y: 0 },
            touched: { x0: Infinity, y0: Infinity, x1: -Infinity, y1: -Infinity },
            preview,
        };
    };

    /**
     * Stamps one disc, plus the pixel under its centre so a brush under a pixel wide still paints.
     * @param {Stroke} s @param {number} cx @param {number} cy image px
     */
    const stamp = (s, cx, cy) => {
        const { width, height } = tc.image;
        const { bitmap, from, to, radius: r } = s;
        let x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
        /** @param {number} y @param {number} a @param {number} b inclusive columns */
        const span = (y, a, b) => {
            if (a > b) return;
            for (let i = y * width + a, end = y * width + b; i <= end; i++) {
                if (bitmap[i] === from) {
                    bitmap[i] = to;
                    s.changed++;
                }
            }
            if (a < x0) x0 = a;
            if (b > x1) x1 = b;
            if (y < y0) y0 = y;
            if (y > y1) y1 = y;
        };
        for (let y = Math.max(0, Math.floor(cy - r)), yEnd = Math.min(height - 1, Math.floor(cy + r)); y <= yEnd; y++) {
            const dy = y + 0.5 - cy;
            const halfSquared = r * r - dy * dy;
            if (halfSquared < 0) continue;
            const half = Math.sqrt(halfSquared);
            span(y, Math.max(0, Math.ceil(cx - half - 0.5)), Math.min(width - 1, Math.floor(cx + half - 0.5)));
        }
        const px = Math.floor(cx), py = Math.floor(cy);
        if (px >= 0 && px < width && py >= 0 && py < height) span(py, px, px);
        if (x0 > x1) return;
        s.preview.invalidate(x0, y0, x1, y1);
        const t = s.touched;
        t.x0 = Math.min(t.x0, x0);
        t.y0 = Math.min(t.y0, y0);
        t.x1 = Math.max(t.x1, x1);
        t.y1 = Math.max(t.y1, y1);
    };

    /**
     * Stamps from the previous centre to (x, y) at steps of half the radius (at most half a pixel), so fast strokes
     * leave no gaps.
     * @param {Stroke} s @param {number} x @param {number} y image px
     */
    const paintTo = (s, x, y) => {
        const { x: lx, y: ly } = s.last;
        const step = Math.max(0.5, s.radius / 2);
        const n = Math.max(1, Math.ceil(Math.hypot(x - lx, y - ly) / step));
        for (let i = 1; i <= n; i++) stamp(s, lx + ((x - lx) * i) / n, ly + ((y - ly) * i) / n);
        s.last = { x, y };
    };

    /** @param {Stroke} s */
    const commit = (s) => {
        if (s.changed === 0) return;
        const { width, height } = tc.image;
        if (erase) {
            const { x0, y0, x1, y1 } = s.touched;
            for (let y = y0; y <= y1; y++) {
                for (let i = y * width + x0, end = y * width + x1; i <= end; i++) {
                    if (s.bitmap[i] === ERASED) s.bitmap[i] = UNSET;
                }
            }
        }
        const rle = encodeColumnMajor(s.bitmap, width, height);
        if (s.target) {
            if (rleArea(rle) === 0) {
                tc.notify('The eraser cleared the whole mask; delete the region to remove it.');
                return;
            }
            tc.update(s.target.id, { geometry: rle });
            return;
        }
        const id = tc.create('mask', rle);
        if (id) tc.select([id]);
    };

    const cancel = () => {
        if (stroke?.target) tc.setExclude(null);
        stroke = null;
        tc.requestRender();
    };

    return {
        name: erase ? 'eraser' : 'brush',
        cursor: 'crosshair',
        pointerDown(p) {
            if (p.button !== 0) return false;
            hover = { x: p.sx, y: p.sy };
            stroke = begin();
            if (stroke) {
                stroke.last = { x: p.x, y: p.y };
                stamp(stroke, p.x, p.y);
            }
            tc.requestRender();
            return true;
        },
        pointerMove(p) {
            hover = { x: p.sx, y: p.sy };
            if (stroke) paintTo(stroke, p.x, p.y);
            tc.requestRender();
        },
        pointerUp(p) {
            if (!stroke) return;
            const s = stroke;
            paintTo(s, p.x, p.y);
            cancel();
            commit(s);
        },
        keyDown(e) {
            if (!stroke || e.key !== 'Escape') return false;
            cancel();
            return true;
        },
        drawPreview(g) {
            if (stroke) stroke.preview.draw(g, tc);
            if (!hover) return;
            g.save();
            g.beginPath();
            g.arc(hover.x, hover.y, Math.max(1, tc.brushSize() / 2), 0, 2 * Math.PI);
            g.lineWidth = 3;
            g.strokeStyle = 'rgba(0,0,0,0.6)';
            g.stroke();
            g.lineWidth = 1.5;
            g.strokeStyle = erase ? '#ffffff' : labelColor(tc);
            g.stroke();
            g.restore();
        },
        cancel,
    };
}

/** @param {ToolContext} tc @returns {Tool} */
export function createBrushTool(tc) {
    return createMaskTool(tc, false);
}

/** @param {ToolContext} tc @returns {Tool} */
export function createEraserTool(tc) {
    return createMaskTool(tc, true);
}
