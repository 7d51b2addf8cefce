// @ts-check
/**
 * The select tool (the default): click / Shift+click / rubber-band selection, moving the selection, handles
 * (resize, rotate, vertices, keypoints), vertex insert (double-click an edge) and delete (Alt+click), keypoint
 * visibility (Alt+click). While a gesture runs, the edited regions are drawn on the overlay and left out of the
 * annotation layer; the finished gesture is committed as one operation (or one group).
 */
import { bounds, nearestEdge, translate } from './shapes.js';
import { dragHandle, ghostPositions, handleAt, handleCursor, handlesOf } from './handles.js';
import { drawEmphasised, drawTag } from './render.js';

/** @typedef {import('./tools/tool.js').Tool} Tool */
/** @typedef {import('./tools/tool.js').ToolContext} ToolContext */
/** @typedef {import('./tools/tool.js').ToolPointer} ToolPointer */
/** @typedef {import('./tools/tool.js').Region} Region */
/** @typedef {import('./tools/tool.js').Label} Label */
/** @typedef {import('./editor.js').Editor} Editor */
/** @typedef {import('./handles.js').Handle} Handle */
/**
 * @typedef {{type:'handle', region:Region, handle:Handle, geometry:any|null}
 *   | {type:'press'|'move', sx:number, sy:number, x:number, y:number, regions:Region[], then:string|null, dx:number, dy:number}
 *   | {type:'band', x0:number, y0:number, x1:number, y1:number, add:boolean}} Gesture
 */

/** Pointer travel (CSS px) before a press becomes a move. */
const DRAG_START = 3;
/** Handle grab radius, CSS px. */
const HANDLE_HIT = 7;
/** Selected regions that get a name tag. */
const MAX_TAGS = 20;
/** Larger selections are shown as one frame around them (keeps overlay frames cheap). */
const MAX_EMPHASISED = 300;

/**
 * @param {ToolContext} ctx
 * @param {{editor: Editor, labels: Map<string, Label>, setExclude: (ids: Set<string>|null) => void, excluded: (id: string) => boolean,
 *   imageTransform: (c: CanvasRenderingContext2D) => void, showTip: (text: string|null, sx?: number, sy?: number) => void}} deps
 *   showTip: shows a short text by the pointer (CSS px in the canvas), or hides it (null)
 * @returns {Tool & {drawSelection: (c: CanvasRenderingContext2D, withHandles: boolean) => void}}
 */
export function createSelectTool(ctx, deps) {
    const { editor, labels } = deps;
    /** @type {Gesture|null} */
    let gesture = null;

    const size = () => ({ width: ctx.image.width, height: ctx.image.height });

    /** @param {Region} r */
    const ghostsOf = (r) => (r.kind === 'keypoints' ? ghostPositions(r.geometry.points, labels.get(r.labelId), ctx.scale()) : null);

    /** The single editable selected region (as currently previewed), or null. */
    const single = () => {
        const sel = editor.selected();
        if (sel.length !== 1 || !editor.editable(sel[0])) return null;
        return gesture?.type === 'handle' && gesture.geometry ? { ...sel[0], geometry: gesture.geometry } : sel[0];
    };

    /** @param {number} x @param {number} y */
    const handleUnder = (x, y) => {
        const r = single();
        if (!r) return null;
        const h = handleAt(handlesOf(r, ctx.scale(), ghostsOf(r)), x, y, HANDLE_HIT / ctx.scale());
        return h ? { r, h } : null;
    };

    /** Alt+click on a vertex (delete it) or a keypoint (cycle its visibility). @param {Region} r @param {Handle} h */
    function altClick(r, h) {
        const pts = r.geometry.points;
        if (h.type === 'vertex') {
            const min = r.kind === 'polygon' ? 3 : 2;
            if (pts.length / 2 <= min) {
                ctx.notify(`A ${r.kind} needs at least ${min} vertices.`);
                return;
            }
            const points = pts.slice();
            points.splice(2 * h.i, 2);
            editor.update([{ id: r.id, set: { geometry: { points } } }]);
        } else if (h.type === 'keypoint') {
            editor.setKeypointVisibility(r.id, h.i, pts[3 * h.i + 2] === 1 ? 0 : 1);
        }
    }

    /**
     * A labelled keypoint of an editable skeleton under the pointer, selected or not, as a handle.
     * @param {number} x @param {number} y @returns {{r: Region, h: Handle}|null}
     */
    const keypointUnder = (x, y) => {
        const k = editor.keypointAt(x, y, HANDLE_HIT);
        if (!k || !editor.editable(k.region)) return null;
        const p = k.region.geometry.points;
        return { r: k.region, h: /** @type {Handle} */ ({ type: 'keypoint', i: k.i, x: p[3 * k.i], y: p[3 * k.i + 1] }) };
    };

    /** The name of a skeleton's point i. @param {Region} r @param {number} i */
    const pointName = (r, i) => labels.get(r.labelId)?.skeleton?.points[i] ?? `point ${i + 1}`;

    /** @param {ToolPointer} p */
    function pointerDown(p) {
        if (p.button !== 0) return false;
        deps.showTip(null);
        let under = handleUnder(p.x, p.y);
        if (!under && !p.shiftKey) {
            // a point of a skeleton that is not selected is grabbed as it is: the skeleton is selected, the point dragged
            const k = keypointUnder(p.x, p.y);
            if (k && !editor.selection.includes(k.r.id)) {
                editor.select([k.r.id]);
                under = k;
            }
        }
        if (under) {
            if (p.altKey) altClick(under.r, under.h);
            else gesture = { type: 'handle', region: under.r, handle: under.h, geometry: null };
            ctx.requestRender();
            return true;
        }
        const hit = editor.hitTest(p.x, p.y);
        if (p.shiftKey) {
            if (hit) editor.toggle(hit.id);
            else gesture = { type: 'band', x0: p.x, y0: p.y, x1: p.x, y1: p.y, add: true };
        } else if (hit) {
            let then = null;
            if (!editor.selection.includes(hit.id)) {
                // a press on a selected region lying under the hit one drags the selection; a click selects the hit
                const onSelected = editor.selected().some((r) => !r.hidden && editor.hits(r, p.x, p.y));
                if (onSelected) then = hit.id;
                else editor.select([hit.id]);
            }
            const regions = editor.selected().filter((r) => editor.editable(r));
            gesture = { type: 'press', sx: p.sx, sy: p.sy, x: p.x, y: p.y, regions, then, dx: 0, dy: 0 };
        } else {
            editor.select([]);
            gesture = { type: 'band', x0: p.x, y0: p.y, x1: p.x, y1: p.y, add: false };
        }
        ctx.requestRender();
        return true;
    }

    /** @param {ToolPointer} p */
    function pointerMove(p) {
        if (!gesture) {
            hover(p);
            return;
        }
        if (gesture.type === 'handle') {
            gesture.geometry = dragHandle(gesture.region, gesture.handle, p.x, p.y, { ...size(), shift: p.shiftKey });
            deps.setExclude(new Set([gesture.region.id]));
        } else if (gesture.type === 'band') {
            gesture.x1 = p.x;
            gesture.y1 = p.y;
        } else {
            if (gesture.type === 'press' && Math.hypot(p.sx - gesture.sx, p.sy - gesture.sy) >= DRAG_START && gesture.regions.length) {
                gesture = { ...gesture, type: 'move', then: null };
                deps.setExclude(new Set(gesture.regions.map((r) => r.id)));
            }
            if (gesture.type === 'move') {
                const d = editor.moved(gesture.regions, p.x - gesture.x, p.y - gesture.y);
                gesture.dx = d.dx;
                gesture.dy = d.dy;
            }
        }
        ctx.requestRender();
    }

    /** Cursor feedback, and the name of a keypoint under the pointer, while no button is down. @param {ToolPointer} p */
    function hover(p) {
        const under = handleUnder(p.x, p.y) ?? keypointUnder(p.x, p.y);
        if (under && (under.h.type === 'keypoint' || under.h.type === 'ghost')) {
            const name = pointName(under.r, under.h.i);
            deps.showTip(under.h.type === 'ghost' ? `${name} (not labelled)` : name, p.sx, p.sy);
        } else {
            // named also on a locked or read-only skeleton, which has no handles
            const k = under ? null : editor.keypointAt(p.x, p.y, HANDLE_HIT);
            if (k) deps.showTip(pointName(k.region, k.i), p.sx, p.sy);
            else deps.showTip(null);
        }
        let cursor = 'default';
        if (under) cursor = handleCursor(under.r, under.h);
        else {
            const hit = editor.hitTest(p.x, p.y);
            if (hit && editor.editable(hit)) cursor = 'move';
            else if (hit) cursor = 'pointer';
        }
        tool.cursor = cursor;
    }

    /** @param {ToolPointer} p */
    function pointerUp(p) {
        const g = gesture;
        gesture = null;
        if (!g) return;
        if (g.type === 'handle' && g.geometry) {
            editor.update([{ id: g.region.id, set: { geometry: g.geometry } }]);
        } else if (g.type === 'move') {
            editor.commitMove(g.regions, g.dx, g.dy);
        } else if (g.type === 'press' && g.then) {
            editor.select([g.then]);
        } else if (g.type === 'band') {
            const rect = { x: Math.min(g.x0, g.x1), y: Math.min(g.y0, g.y1), w: Math.abs(g.x1 - g.x0), h: Math.abs(g.y1 - g.y0) };
            if (rect.w * ctx.scale() > 2 || rect.h * ctx.scale() > 2) {
                const ids = editor.inside(rect);
                editor.select(g.add ? [...editor.selection, ...ids] : ids);
            }
        }
        deps.setExclude(null);
        hover(p);
        ctx.requestRender();
    }

    /** Double-click on an edge of the selected polygon / polyline inserts a vertex. @param {ToolPointer} p */
    function doubleClick(p) {
        const r = single();
        if (!r || (r.kind !== 'polygon' && r.kind !== 'polyline')) return;
        const s = ctx.scale();
        if (handleUnder(p.x, p.y)?.h.type === 'vertex') return;
        const i = nearestEdge(r.geometry.points, r.kind === 'polygon', p.x, p.y, 6 / s);
        if (i < 0) return;
        const q = ctx.clampPoint(p.x, p.y);
        const points = r.geometry.points.slice();
        points.splice(2 * i + 2, 0, q.x, q.y);
        editor.update([{ id: r.id, set: { geometry: { points } } }]);
    }

    /**
     * Selected regions emphasised (as previewed by a running gesture), with handles and name tags.
     * @param {CanvasRenderingContext2D} c CSS px @param {boolean} withHandles
     */
    function drawSelection(c, withHandles) {
        const s = ctx.scale();
        const sel = editor.selected();
        const moving = gesture?.type === 'move' ? new Set(gesture.regions.map((r) => r.id)) : null;
        if (sel.length > MAX_EMPHASISED) {
            const d = gesture?.type === 'move' ? gesture : { dx: 0, dy: 0 };
            drawGroupFrame(c, sel, d.dx, d.dy);
            drawBand(c);
            return;
        }
        for (const r0 of sel) {
            // Left out of the annotation layer with no gesture of ours: another tool draws it (a mask being painted).
            if (!gesture && deps.excluded(r0.id)) continue;
            let r = r0, dx = 0, dy = 0;
            if (gesture?.type === 'handle' && gesture.geometry && r.id === gesture.region.id) r = { ...r, geometry: gesture.geometry };
            if (moving?.has(r.id) && gesture?.type === 'move') {
                if (r.kind === 'mask') { dx = gesture.dx; dy = gesture.dy; }
                else r = { ...r, geometry: translate(r.kind, r.geometry, gesture.dx, gesture.dy) };
            }
            c.save();
            deps.imageTransform(c);
            c.translate(dx, dy);
            drawEmphasised(c, r, labels.get(r.labelId), s, sel.length === 1 && editor.editable(r) ? ghostsOf(r) : null);
            c.restore();
            if (sel.length <= MAX_TAGS) {
                const b = bounds(r.kind, r.geometry);
                const q = ctx.toScreen(b.x + dx, b.y + dy);
                const label = labels.get(r.labelId);
                drawTag(c, (label?.name ?? 'Unknown label') + (r.locked ? ' (locked)' : '') + (r.hidden ? ' (hidden)' : ''), label?.color ?? '#9e9e9e', q.x, q.y);
            }
        }
        const r = withHandles && !moving ? single() : null;
        if (r) drawHandles(c, r);
        drawBand(c);
    }

    /**
     * One dashed frame around many selected regions, with their count.
     * @param {CanvasRenderingContext2D} c @param {Region[]} sel @param {number} dx @param {number} dy
     */
    function drawGroupFrame(c, sel, dx, dy) {
        let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
        for (const r of sel) {
            const b = bounds(r.kind, r.geometry);
            x0 = Math.min(x0, b.x); y0 = Math.min(y0, b.y);
            x1 = Math.max(x1, b.x + b.w); y1 = Math.max(y1, b.y + b.h);
        }
        const a = ctx.toScreen(x0 + dx, y0 + dy), b = ctx.toScreen(x1 + dx, y1 + dy);
        c.setLineDash([6, 4]);
        c.lineWidth = 1.5;
        c.strokeStyle = '#fff';
        c.strokeRect(a.x, a.y, b.x - a.x, b.y - a.y);
        c.setLineDash([]);
        drawTag(c, `${sel.length} selected`, '#5f6368', a.x, a.y);
    }

    /** The rubber band, while one is dragged. @param {CanvasRenderingContext2D} c */
    function drawBand(c) {
        if (gesture?.type === 'band') {
            const a = ctx.toScreen(gesture.x0, gesture.y0), b = ctx.toScreen(gesture.x1, gesture.y1);
            c.setLineDash([4, 3]);
            c.strokeStyle = '#fff';
            c.lineWidth = 1;
            c.fillStyle = 'rgba(120,170,255,0.12)';
            c.fillRect(Math.min(a.x, b.x), Math.min(a.y, b.y), Math.abs(b.x - a.x), Math.abs(b.y - a.y));
            c.strokeRect(Math.min(a.x, b.x) + 0.5, Math.min(a.y, b.y) + 0.5, Math.abs(b.x - a.x), Math.abs(b.y - a.y));
            c.setLineDash([]);
        }
    }

    /** @param {CanvasRenderingContext2D} c @param {Region} r */
    function drawHandles(c, r) {
        const hs = handlesOf(r, ctx.scale(), null);
        c.lineWidth = 1;
        for (const h of hs) {
            const q = ctx.toScreen(h.x, h.y);
            if (h.type === 'rotate') {
                const top = hs[1];
                const t = ctx.toScreen(top.x, top.y);
                c.strokeStyle = '#fff';
                c.beginPath();
                c.moveTo(t.x, t.y);
                c.lineTo(q.x, q.y);
                c.stroke();
                c.beginPath();
                c.arc(q.x, q.y, 5, 0, 2 * Math.PI);
                c.fillStyle = '#fff';
                c.fill();
                c.strokeStyle = '#222';
                c.stroke();
            } else if (h.type === 'resize') {
                c.fillStyle = '#fff';
                c.strokeStyle = '#222';
                c.fillRect(q.x - 4, q.y - 4, 8, 8);
                c.strokeRect(q.x - 3.5, q.y - 3.5, 7, 7);
            } else if (h.type === 'vertex') {
                c.beginPath();
                c.arc(q.x, q.y, 3.5, 0, 2 * Math.PI);
                c.fillStyle = '#fff';
                c.fill();
                c.strokeStyle = '#222';
                c.stroke();
            }
        }
    }

    /** @type {Tool & {drawSelection: typeof drawSelection}} */
    const tool = {
        name: 'select',
        cursor: 'default',
        pointerDown,
        pointerMove,
        pointerUp,
        doubleClick,
        drawPreview: (c) => drawSelection(c, true),
        drawSelection,
        cancel() {
            gesture = null;
            deps.showTip(null);
            deps.setExclude(null);
            ctx.requestRender();
        },
    };
    return tool;
}
