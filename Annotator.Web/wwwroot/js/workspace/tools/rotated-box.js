// @ts-check
/**
 * The rotated-box tool, as in CVAT: drag the base edge from one corner to the next (that sets the angle and the
 * width), release, move the pointer to set the height, click to finish. Clicking the two base corners instead of
 * dragging works too. The base corners are kept inside the image and the height is limited so the far corners are
 * too. Escape drops the box; Enter finishes it.
 */
import { normalizeAngle } from '../shapes.js';
import { strokePath, drawVertices, screenDistance } from './draw.js';

/** @typedef {import('./tool.js').ToolContext} ToolContext */
/** @typedef {import('./tool.js').Tool} Tool */
/** @typedef {{x:number,y:number}} Point */

/** Base edges and heights shorter than this (CSS px) do not count. */
const MIN_PX = 2;

/** @param {ToolContext} tc @returns {Tool} */
export function createRotatedBoxTool(tc) {
    /** idle → base (second corner follows the pointer) → height (far side follows the pointer) */
    let phase = /** @type {'idle'|'base'|'height'} */ ('idle');
    let p1 = { x: 0, y: 0 }, p2 = { x: 0, y: 0 };
    /** Signed height along the base's normal (the base direction turned 90° clockwise). */
    let height = 0;
    /** Whether the button went down on the first corner and has not come up yet. */
    let pressed = false;

    const baseLength = () => Math.hypot(p2.x - p1.x, p2.y - p1.y);
    const baseOnScreen = () => screenDistance(tc, p1.x, p1.y, p2.x, p2.y) >= MIN_PX;
    /** Unit base direction and normal. */
    const frame = () => {
        const l = baseLength() || 1;
        const ux = (p2.x - p1.x) / l, uy = (p2.y - p1.y) / l;
        return { ux, uy, nx: -uy, ny: ux };
    };

    /** @param {Point} c pointer (image px, unclamped) @returns {number} signed height keeping the far corners inside */
    const heightAt = (c) => {
        const { nx, ny } = frame();
        const h = (c.x - p1.x) * nx + (c.y - p1.y) * ny;
        let lo = -Infinity, hi = Infinity;
        for (const q of [p1, p2]) {
            for (const [v, n, size] of [[q.x, nx, tc.image.width], [q.y, ny, tc.image.height]]) {
                if (n > 1e-12) {
                    hi = Math.min(hi, (size - v) / n);
                    lo = Math.max(lo, -v / n);
                } else if (n < -1e-12) {
                    hi = Math.min(hi, -v / n);
                    lo = Math.max(lo, (size - v) / n);
                }
            }
        }
        return Math.min(hi, Math.max(lo, h));
    };

    /** @returns {number[]} the four corners, flat, from the first base corner */
    const corners = () => {
        const { nx, ny } = frame();
        const hx = nx * height, hy = ny * height;
        return [p1.x, p1.y, p2.x, p2.y, p2.x + hx, p2.y + hy, p1.x + hx, p1.y + hy];
    };

    const cancel = () => {
        phase = 'idle';
        pressed = false;
        height = 0;
        tc.requestRender();
    };

    const finish = () => {
        if (Math.abs(height) * tc.scale() < MIN_PX) return;
        const { ux, uy, nx, ny } = frame();
        const geometry = {
            cx: (p1.x + p2.x) / 2 + (nx * height) / 2,
            cy: (p1.y + p2.y) / 2 + (ny * height) / 2,
            w: baseLength(),
            h: Math.abs(height),
            angle: normalizeAngle((Math.atan2(uy, ux) * 180) / Math.PI),
        };
        cancel();
        const id = tc.create('rotatedBox', geometry);
        if (id) tc.select([id]);
    };

    return {
        name: 'rotatedBox',
        cursor: 'crosshair',
        pointerDown(p) {
            if (p.button !== 0) return false;
            if (phase === 'idle') {
                p1 = tc.clampPoint(p.x, p.y);
                p2 = { ...p1 };
                phase = 'base';
                pressed = true;
            } else if (phase === 'base') {
                p2 = tc.clampPoint(p.x, p.y);
                if (baseOnScreen()) {
                    phase = 'height';
                    height = 0;
                }
            } else {
                finish();
            }
            tc.requestRender();
            return true;
        },
        pointerMove(p) {
            if (phase === 'base') p2 = tc.clampPoint(p.x, p.y);
            else if (phase === 'height') height = heightAt(p);
            else return;
            tc.requestRender();
        },
        pointerUp(p) {
            if (!pressed) return;
            pressed = false;
            if (phase !== 'base') return;
            p2 = tc.clampPoint(p.x, p.y);
            if (baseOnScreen()) {
                phase = 'height';
                height = 0;
            }
            tc.requestRender();
        },
        keyDown(e) {
            if (phase === 'idle') return false;
            if (e.key === 'Escape') cancel();
            else if (e.key === 'Enter' && phase === 'height') finish();
            else return false;
            return true;
        },
        drawPreview(g) {
            if (phase === 'idle') return;
            if (phase === 'base') {
                strokePath(g, tc, [p1.x, p1.y, p2.x, p2.y]);
                drawVertices(g, tc, [p1.x, p1.y, p2.x, p2.y]);
                return;
            }
            const c = corners();
            strokePath(g, tc, c, { closed: true });
            drawVertices(g, tc, c.slice(0, 4));
        },
        cancel,
    };
}
