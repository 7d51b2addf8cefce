// @ts-check
/**
 * Painting regions. The annotation layer is drawn with the context transformed to image px; shapes of one style
 * are batched into one path (runs in draw order; with many shapes in view, one path per colour), tiny shapes become
 * dots, and polygon vertices closer than a screen pixel are skipped.
 */
import { rotatedCorners } from './shapes.js';
import { colored, decoded } from './mask-cache.js';

/** @typedef {import('./tools/tool.js').Region} Region */
/** @typedef {import('./tools/tool.js').Label} Label */
/** @typedef {import('./region-store.js').RegionRecord} RegionRecord */

/** Above this many regions in view, the overview style applies (see drawRegions). */
export const BULK = 1500;
/** Shapes smaller than this (CSS px) are drawn as a dot. */
const TINY = 2;
const FILL_ALPHA = 0.18;
const MASK_ALPHA = 0.4;
const LINE = 1.5;
const POINT_R = 4;
const KEYPOINT_R = 3.5;
const UNKNOWN_COLOR = '#9e9e9e';
/** Colours of keypoints by their index in the skeleton. */
const KEYPOINT_COLORS = ['#e6194b', '#3cb44b', '#ffe119', '#4363d8', '#f58231', '#911eb4', '#46f0f0', '#f032e6',
    '#bcf60c', '#fabebe', '#008080', '#e6beff', '#9a6324', '#fffac8', '#800000', '#aaffc3', '#808000', '#ffd8b1'];

/** @param {Map<string, Label>} labels @param {Region} r */
const colorOf = (labels, r) => labels.get(r.labelId)?.color ?? UNKNOWN_COLOR;

/**
 * Adds a shape's outline to the current path (context in image px).
 * @param {CanvasRenderingContext2D} ctx @param {Region} r @param {number} s CSS px per image px
 */
export function trace(ctx, r, s) {
    const g = r.geometry;
    switch (r.kind) {
        case 'box':
            ctx.rect(g.x, g.y, g.w, g.h);
            break;
        case 'rotatedBox': {
            const c = rotatedCorners(g);
            ctx.moveTo(c[0], c[1]);
            ctx.lineTo(c[2], c[3]);
            ctx.lineTo(c[4], c[5]);
            ctx.lineTo(c[6], c[7]);
            ctx.closePath();
            break;
        }
        case 'ellipse': {
            const a = (g.angle * Math.PI) / 180;
            ctx.moveTo(g.cx + g.rx * Math.cos(a), g.cy + g.rx * Math.sin(a));
            ctx.ellipse(g.cx, g.cy, g.rx, g.ry, a, 0, 2 * Math.PI);
            break;
        }
        case 'polygon':
        case 'polyline': {
            const p = g.points;
            const min = 0.7 / s;
            let lx = p[0], ly = p[1];
            ctx.moveTo(lx, ly);
            const n = p.length - 2;
            for (let i = 2; i <= n; i += 2) {
                const x = p[i], y = p[i + 1];
                if (i === n || Math.abs(x - lx) + Math.abs(y - ly) >= min) {
                    ctx.lineTo(x, y);
                    lx = x;
                    ly = y;
                }
            }
            if (r.kind === 'polygon') ctx.closePath();
            break;
        }
        case 'point':
            ctx.moveTo(g.x + POINT_R / s, g.y);
            ctx.arc(g.x, g.y, POINT_R / s, 0, 2 * Math.PI);
            break;
    }
}

/**
 * @typedef {{color: string, locked: boolean, items: RegionRecord[]}} Batch shapes drawn with one style, in order
 * @typedef {{batches: Batch[], bulk: boolean, drawn: number}} DrawPlan
 * @typedef {{batch: number, item: number}} DrawCursor how far a plan has been drawn
 */

/** Shapes drawn between two looks at the clock when drawing against a deadline. */
const CHUNK = 48;

/**
 * Draws regions in draw order. Styles are set once per batch but every shape gets its own path: in Chromium's
 * software rasteriser one path with thousands of sub-paths is far slower than many small ones. With many regions in
 * view (a zoomed-out overview) shapes are outlined with 1 device-pixel lines (the rasteriser's fast hairline path)
 * and not filled.
 * @param {CanvasRenderingContext2D} ctx transformed to image px
 * @param {RegionRecord[]} records visible records, bottom first (hidden / excluded ones are skipped here)
 * @param {number} s CSS px per image px
 * @param {number} dpr device px per CSS px
 * @param {Map<string, Label>} labels
 * @param {Set<string>|null} exclude ids drawn elsewhere (being dragged)
 * @param {boolean} bulk overview style: batches per colour, hairlines, no fills
 * @returns {number} regions drawn
 */
export function drawRegions(ctx, records, s, dpr, labels, exclude, bulk) {
    const plan = planRegions(records, labels, exclude, bulk);
    drawPlan(ctx, plan, { batch: 0, item: 0 }, s, dpr, labels, Infinity);
    return plan.drawn;
}

/**
 * Groups the regions to draw into style batches (see drawRegions), to be drawn by drawPlan.
 * @param {RegionRecord[]} records @param {Map<string, Label>} labels @param {Set<string>|null} exclude
 * @param {boolean} bulk @returns {DrawPlan}
 */
export function planRegions(records, labels, exclude, bulk) {
    /** @type {Batch[]} */
    const batches = [];
    /** @type {Map<string, Batch>} */
    const byKey = new Map();
    let drawn = 0;
    let lastKey = '';
    for (const rec of records) {
        const r = rec.region;
        if (r.hidden || (exclude && exclude.has(r.id))) continue;
        drawn++;
        const color = colorOf(labels, r);
        const special = r.kind === 'mask' || r.kind === 'keypoints';
        const key = special ? '' : r.locked ? color + '|locked' : color;
        let batch = special ? undefined : bulk ? byKey.get(key) : lastKey === key ? batches[batches.length - 1] : undefined;
        if (!batch) {
            batch = { color, locked: r.locked, items: [] };
            batches.push(batch);
            if (bulk && !special) byKey.set(key, batch);
        }
        lastKey = key;
        batch.items.push(rec);
    }
    return { batches, bulk, drawn };
}

/**
 * Draws a plan from the cursor on, advancing it, until done or past the deadline (checked every CHUNK shapes, so at
 * least that many are drawn). Drawn in pieces, the pixels are the same as drawn in one go: every piece sets its
 * batch's style again, and no shape depends on state another left.
 * @param {CanvasRenderingContext2D} ctx transformed to image px @param {DrawPlan} plan @param {DrawCursor} cursor
 * @param {number} s @param {number} dpr @param {Map<string, Label>} labels
 * @param {number} deadline performance.now() after which to stop (Infinity: draw all)
 * @param {(() => boolean)|null} [yieldNow] when given, also checked every CHUNK shapes: true stops the draw there
 * @returns {boolean} the whole plan is drawn
 */
export function drawPlan(ctx, plan, cursor, s, dpr, labels, deadline, yieldNow = null) {
    const line = plan.bulk ? 1 / (s * dpr) : LINE / s;
    const { batches } = plan;
    while (cursor.batch < batches.length) {
        const b = batches[cursor.batch];
        const r = b.items[0].region;
        if (r.kind === 'mask' || r.kind === 'keypoints') {
            if (r.kind === 'mask') drawMask(ctx, r, b.color, s);
            else drawKeypoints(ctx, r, labels.get(r.labelId), b.color, s, false);
            cursor.batch++;
        } else {
            const end = Math.min(b.items.length, cursor.item + CHUNK);
            drawBatch(ctx, b.items, cursor.item, end, b.color, b.locked, s, line, !plan.bulk);
            if (end < b.items.length) cursor.item = end;
            else {
                cursor.batch++;
                cursor.item = 0;
            }
        }
        if (deadline !== Infinity && performance.now() >= deadline) break;
        if (yieldNow && yieldNow()) break;
    }
    ctx.globalAlpha = 1;
    ctx.setLineDash([]);
    return cursor.batch >= batches.length;
}

/**
 * Draws items[from, to) of a batch. Leaves the style as it set it (globalAlpha aside, which every shape sets).
 * @param {CanvasRenderingContext2D} ctx @param {RegionRecord[]} items @param {number} from @param {number} to
 * @param {string} color @param {boolean} locked
 * @param {number} s @param {number} line line width, image px @param {boolean} fill fill areas
 */
function drawBatch(ctx, items, from, to, color, locked, s, line, fill) {
    const tiny = TINY / s;
    ctx.strokeStyle = color;
    ctx.fillStyle = color;
    ctx.lineWidth = line;
    ctx.setLineDash(locked ? [6 / s, 4 / s] : []);
    for (let i = from; i < to; i++) {
        const rec = items[i];
        const r = rec.region;
        const k = r.kind;
        if (k === 'point') {
            ctx.globalAlpha = 1;
            ctx.beginPath();
            trace(ctx, r, s);
            ctx.fill();
            ctx.lineWidth = 1 / s;
            ctx.strokeStyle = 'rgba(0,0,0,0.6)';
            ctx.stroke();
            ctx.lineWidth = line;
            ctx.strokeStyle = color;
        } else if (rec.b.w < tiny && rec.b.h < tiny) {
            ctx.globalAlpha = 1;
            ctx.fillRect(rec.b.x + rec.b.w / 2 - 1 / s, rec.b.y + rec.b.h / 2 - 1 / s, 2 / s, 2 / s);
        } else if (k === 'box') {
            const g = r.geometry;
            if (fill) {
                ctx.globalAlpha = FILL_ALPHA;
                ctx.fillRect(g.x, g.y, g.w, g.h);
            }
            ctx.globalAlpha = 1;
            ctx.strokeRect(g.x, g.y, g.w, g.h);
        } else {
            ctx.beginPath();
            trace(ctx, r, s);
            if (fill && k !== 'polyline') {
                ctx.globalAlpha = FILL_ALPHA;
                ctx.fill();
            }
            ctx.globalAlpha = 1;
            if (k === 'polyline' && fill) {
                ctx.lineWidth = 2 / s;
                ctx.stroke();
                ctx.lineWidth = line;
            } else ctx.stroke();
        }
    }
}

/** @param {CanvasRenderingContext2D} ctx @param {Region} r @param {string} color @param {number} s */
function drawMask(ctx, r, color, s) {
    const d = decoded(r.geometry);
    if (!d) return;
    const smooth = ctx.imageSmoothingEnabled;
    ctx.imageSmoothingEnabled = s < 1;
    ctx.globalAlpha = r.locked ? MASK_ALPHA / 2 : MASK_ALPHA;
    ctx.drawImage(colored(d, color), d.x, d.y);
    ctx.globalAlpha = 1;
    ctx.imageSmoothingEnabled = smooth;
}

/**
 * Keypoints: skeleton edges in the label colour, points coloured by index, occluded (v = 1) points hollow, v = 0
 * points skipped (or, with ghosts, drawn faintly at the given positions).
 * @param {CanvasRenderingContext2D} ctx @param {Region} r @param {Label|undefined} label @param {string} color
 * @param {number} s @param {boolean} emphasis thicker, for the selection
 * @param {number[]|null} [ghosts] x,y per point for v = 0 points
 */
export function drawKeypoints(ctx, r, label, color, s, emphasis, ghosts = null) {
    const p = r.geometry.points;
    ctx.setLineDash(r.locked ? [6 / s, 4 / s] : []);
    ctx.lineWidth = (emphasis ? 3 : 2) / s;
    ctx.strokeStyle = color;
    ctx.beginPath();
    for (const [a, b] of label?.skeleton?.edges ?? []) {
        if (!p[3 * a + 2] || !p[3 * b + 2]) continue;
        ctx.moveTo(p[3 * a], p[3 * a + 1]);
        ctx.lineTo(p[3 * b], p[3 * b + 1]);
    }
    ctx.stroke();
    ctx.setLineDash([]);
    const rad = (emphasis ? KEYPOINT_R + 1 : KEYPOINT_R) / s;
    for (let i = 0; i < p.length / 3; i++) {
        const v = p[3 * i + 2];
        const c = KEYPOINT_COLORS[i % KEYPOINT_COLORS.length];
        if (v === 0) {
            if (!ghosts) continue;
            ctx.beginPath();
            ctx.arc(ghosts[2 * i], ghosts[2 * i + 1], rad, 0, 2 * Math.PI);
            ctx.globalAlpha = 0.35;
            ctx.fillStyle = c;
            ctx.fill();
            ctx.globalAlpha = 0.9;
            ctx.setLineDash([2 / s, 2 / s]);
            ctx.strokeStyle = '#fff';
            ctx.lineWidth = 1.5 / s;
            ctx.stroke();
            ctx.setLineDash([]);
            ctx.globalAlpha = 1;
            continue;
        }
        ctx.beginPath();
        ctx.arc(p[3 * i], p[3 * i + 1], rad, 0, 2 * Math.PI);
        if (v === 2) {
            ctx.fillStyle = c;
            ctx.fill();
            ctx.lineWidth = 1 / s;
            ctx.strokeStyle = 'rgba(0,0,0,0.7)';
        } else {
            ctx.lineWidth = 2 / s;
            ctx.strokeStyle = c;
        }
        ctx.stroke();
    }
}

/**
 * Draws one region emphasised (selection or drag preview), context in image px.
 * @param {CanvasRenderingContext2D} ctx @param {Region} r @param {Label|undefined} label @param {number} s
 * @param {number[]|null} ghosts for keypoints
 */
export function drawEmphasised(ctx, r, label, s, ghosts) {
    const color = label?.color ?? UNKNOWN_COLOR;
    if (r.kind === 'keypoints') {
        drawKeypoints(ctx, r, label, color, s, true, ghosts);
        return;
    }
    if (r.kind === 'mask') {
        drawMask(ctx, r, color, s);
        const d = decoded(r.geometry);
        if (d) {
            ctx.setLineDash([4 / s, 3 / s]);
            ctx.lineWidth = 1.5 / s;
            ctx.strokeStyle = color;
            ctx.strokeRect(d.x, d.y, d.w, d.h);
            ctx.setLineDash([]);
        }
        return;
    }
    ctx.beginPath();
    trace(ctx, r, s);
    if (r.kind !== 'polyline') {
        ctx.globalAlpha = r.hidden ? 0.1 : 0.3;
        ctx.fillStyle = color;
        ctx.fill();
        ctx.globalAlpha = 1;
    }
    ctx.setLineDash(r.locked || r.hidden ? [6 / s, 4 / s] : []);
    ctx.lineWidth = 4 / s;
    ctx.strokeStyle = 'rgba(255,255,255,0.85)';
    ctx.stroke();
    ctx.lineWidth = 2 / s;
    ctx.strokeStyle = color;
    ctx.stroke();
    ctx.setLineDash([]);
}

/**
 * A name tag above a region's bounds (context in CSS px).
 * @param {CanvasRenderingContext2D} ctx @param {string} text @param {string} color @param {number} x @param {number} y
 */
export function drawTag(ctx, text, color, x, y) {
    ctx.font = '12px system-ui, sans-serif';
    const w = ctx.measureText(text).width + 8;
    const ty = Math.max(0, y - 18);
    ctx.fillStyle = color;
    ctx.globalAlpha = 0.9;
    ctx.beginPath();
    ctx.roundRect(x, ty, w, 16, 3);
    ctx.fill();
    ctx.globalAlpha = 1;
    ctx.fillStyle = contrastText(color);
    ctx.textBaseline = 'middle';
    ctx.fillText(text, x + 4, ty + 8.5);
}

/** Black or white text for a #rrggbb background. @param {string} color */
function contrastText(color) {
    const m = /^#?([0-9a-f]{6})$/i.exec(color.trim());
    if (!m) return '#fff';
    const n = parseInt(m[1], 16);
    const lum = 0.299 * (n >> 16) + 0.587 * ((n >> 8) & 255) + 0.114 * (n & 255);
    return lum > 150 ? '#111' : '#fff';
}
