// @ts-check
/**
 * The drawing surface of the skeleton editor (SkeletonEditor.razor): draws the skeleton's points, edges, flip pairs
 * and names into an SVG the component renders empty, and turns pointer gestures into intents for .NET. It decides
 * nothing: .NET applies each intent to the skeleton and answers with the state to draw.
 *
 * Intents (each answered with the new state as JSON):
 * - Moved(index, x, y): a point was dragged (Move mode); sent once, on pointerup, while the drag itself is drawn here.
 * - Clicked(index): a point was clicked (without dragging).
 * - ClickedEmpty(x, y): the canvas was clicked away from every point.
 * The arrow keys move the selected point (Move mode) by 1% of the square, 5% with Shift, each press a Moved.
 * Coordinates are in the unit square (x right, y down, 0..1), like SkeletonDefinition.Layout.
 */

const SVG = 'http://www.w3.org/2000/svg';
/** Side of the viewBox; the unit square is drawn inside it, PAD from each edge (room for names). */
const SIZE = 400;
const PAD = 36;
/** A press that moves less than this (CSS px) is a click, not a drag. */
const CLICK_SLOP = 4;
/** @type {Record<string, [number, number]>} */
const ARROWS = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };

/**
 * @typedef {{ invokeMethodAsync: (name: string, ...args: any[]) => Promise<any> }} DotNetRef
 * @typedef {'move' | 'connect' | 'flip' | 'add'} Mode
 * @typedef {{ points: string[], positions: number[][], edges: number[][], flipPairs: number[][],
 *   selected: number | null, pending: number | null, mode: Mode, readOnly: boolean }} State
 * @typedef {{ pointerId: number, index: number | null, clientX: number, clientY: number, dragging: boolean }} Press
 */

/**
 * Starts drawing into svg and reporting its gestures to dotNet.
 * @param {SVGSVGElement} svg an empty svg element (the component renders no children into it)
 * @param {DotNetRef} dotNet the SkeletonEditor component
 * @param {string} stateJson the first state to draw
 */
export function attach(svg, dotNet, stateJson) {
    /** @type {State} */
    let state = parse(stateJson);
    /** @type {Press | null} */
    let press = null;
    /** A point drawn away from its place: being dragged, or dropped and waiting for .NET's answer. */
    /** @type {{ index: number, x: number, y: number } | null} */
    let moving = null;
    /** Where the pointer is (unit square) while a Connect or Flip pair waits for its second point. */
    /** @type {{ x: number, y: number } | null} */
    let hover = null;
    let frame = 0;
    /** Answers still on their way from .NET; a newer state is not overwritten by an older answer. */
    let sent = 0, applied = 0;

    svg.setAttribute('viewBox', `0 0 ${SIZE} ${SIZE}`);

    const redraw = () => {
        if (frame) return;
        frame = requestAnimationFrame(() => {
            frame = 0;
            draw();
        });
    };

    /** @param {string} name @param {...any} args */
    const send = (name, ...args) => {
        const ticket = ++sent;
        let call;
        try {
            call = dotNet.invokeMethodAsync(name, ...args);
        } catch {
            // The circuit is down (the call throws at once): put the point back where .NET last had it.
            moving = null;
            redraw();
            return;
        }
        call.then((/** @type {string} */ json) => {
            if (ticket < applied) return;
            applied = ticket;
            if (ticket === sent) moving = null;
            state = parse(json);
            draw();
        }, () => {
            moving = null;
            redraw();
        });
    };

    /** @param {PointerEvent} e @returns {{ x: number, y: number }} */
    const toUnit = (e) => {
        const ctm = svg.getScreenCTM();
        if (!ctm) return { x: 0.5, y: 0.5 };
        const p = new DOMPoint(e.clientX, e.clientY).matrixTransform(ctm.inverse());
        return { x: clamp((p.x - PAD) / (SIZE - 2 * PAD)), y: clamp((p.y - PAD) / (SIZE - 2 * PAD)) };
    };

    /** @param {PointerEvent} e */
    const down = (e) => {
        if (e.button !== 0 || press) return;
        const target = /** @type {Element} */ (e.target).closest?.('[data-index]');
        const index = target ? Number(target.getAttribute('data-index')) : null;
        press = { pointerId: e.pointerId, index, clientX: e.clientX, clientY: e.clientY, dragging: false };
        svg.setPointerCapture(e.pointerId);
        svg.focus({ preventScroll: true });
        e.preventDefault();
    };

    /** @param {PointerEvent} e */
    const move = (e) => {
        if (state.pending !== null && (state.mode === 'connect' || state.mode === 'flip') && !press) {
            hover = toUnit(e);
            redraw();
        }
        if (!press || e.pointerId !== press.pointerId) return;
        if (!press.dragging && Math.hypot(e.clientX - press.clientX, e.clientY - press.clientY) < CLICK_SLOP) return;
        press.dragging = true;
        if (press.index !== null && state.mode === 'move' && !state.readOnly) {
            moving = { index: press.index, ...toUnit(e) };
            redraw();
        }
    };

    /** @param {PointerEvent} e */
    const up = (e) => {
        if (!press || e.pointerId !== press.pointerId) return;
        const { index, dragging } = press;
        press = null;
        if (svg.hasPointerCapture(e.pointerId)) svg.releasePointerCapture(e.pointerId);
        // Only Move mode drags: elsewhere a press that wandered a little is still the click it was meant to be.
        const drags = state.mode === 'move' && !state.readOnly;
        if (dragging && drags && index !== null && moving && moving.index === index) {
            const p = toUnit(e);
            moving = { index, ...p };
            draw();
            send('Moved', index, p.x, p.y);
        } else if (index !== null && (!dragging || !drags)) {
            send('Clicked', index);
        } else if (index === null && (!dragging || !drags)) {
            const p = toUnit(e);
            send('ClickedEmpty', p.x, p.y);
        }
    };

    /** @param {PointerEvent} e */
    const cancel = (e) => {
        if (!press || e.pointerId !== press.pointerId) return;
        press = null;
        moving = null;
        redraw();
    };

    /** @param {KeyboardEvent} e */
    const key = (e) => {
        const arrow = ARROWS[e.key];
        const index = state.selected;
        if (!arrow || index === null || press || state.mode !== 'move' || state.readOnly || !state.positions[index]) return;
        e.preventDefault();
        const from = moving && moving.index === index ? moving : { x: state.positions[index][0], y: state.positions[index][1] };
        const step = e.shiftKey ? 0.05 : 0.01;
        const x = round(clamp(from.x + arrow[0] * step)), y = round(clamp(from.y + arrow[1] * step));
        moving = { index, x, y };
        draw();
        send('Moved', index, x, y);
    };

    const leave = () => {
        if (!hover) return;
        hover = null;
        redraw();
    };

    svg.addEventListener('pointerdown', down);
    svg.addEventListener('pointermove', move);
    svg.addEventListener('pointerup', up);
    svg.addEventListener('pointercancel', cancel);
    svg.addEventListener('pointerleave', leave);
    svg.addEventListener('keydown', key);

    function draw() {
        const { points, edges, flipPairs, selected, pending, mode, readOnly } = state;
        const at = state.positions.map((p, i) => (moving && moving.index === i ? [moving.x, moving.y] : p));
        svg.dataset.mode = mode;
        svg.dataset.readOnly = String(readOnly);
        svg.dataset.dragging = String(moving !== null);
        /** @param {number} u */
        const sx = (u) => PAD + u * (SIZE - 2 * PAD);
        /** @param {number} i */
        const xy = (i) => ({ x: sx(at[i]?.[0] ?? 0.5), y: sx(at[i]?.[1] ?? 0.5) });

        const frameRect = el('rect', { class: 'frame', x: PAD, y: PAD, width: SIZE - 2 * PAD, height: SIZE - 2 * PAD });

        const flips = el('g', { class: 'flip-pairs' });
        for (const [a, b] of flipPairs) {
            const p = xy(a), q = xy(b);
            flips.append(el('line', { class: 'flip', x1: p.x, y1: p.y, x2: q.x, y2: q.y, 'data-pair': `${a}-${b}` }));
        }

        const lines = el('g', { class: 'edges' });
        for (const [a, b] of edges) {
            const p = xy(a), q = xy(b);
            lines.append(el('line', { class: 'edge', x1: p.x, y1: p.y, x2: q.x, y2: q.y, 'data-edge': `${a}-${b}` }));
        }

        const preview = el('g', { class: 'preview' });
        if (pending !== null && hover && (mode === 'connect' || mode === 'flip') && at[pending]) {
            const p = xy(pending);
            preview.append(el('line', { class: mode === 'flip' ? 'flip' : 'edge', x1: p.x, y1: p.y, x2: sx(hover.x), y2: sx(hover.y) }));
        }

        const places = placeNames(points.map((_, i) => xy(i)), points, selected);
        const dots = el('g', { class: 'points' });
        points.forEach((name, i) => {
            const { x, y } = xy(i);
            const classes = ['point'];
            if (i === selected) classes.push('selected');
            if (i === pending) classes.push('pending');
            if (moving && moving.index === i) classes.push('moving');
            const g = el('g', { class: classes.join(' '), 'data-index': i, 'data-name': name, transform: `translate(${x} ${y})` });
            const title = el('title', {});
            title.textContent = name;
            g.append(
                title,
                el('circle', { class: 'hit', r: 12 }),
                el('circle', { class: 'ring', r: 10 }),
                el('circle', { class: 'dot', r: 5.5 }),
            );
            const place = places[i];
            if (place) {
                const label = el('text', { class: 'name', x: place.x, y: place.y, 'text-anchor': place.anchor });
                label.textContent = name;
                g.append(label);
            }
            dots.append(g);
        });
        // The selected point is drawn last, so it is on top of any point it was dropped on.
        const top = selected !== null ? dots.children[selected] : null;
        if (top) dots.append(top);

        svg.replaceChildren(frameRect, flips, lines, preview, dots);
    }

    draw();

    return {
        /** The component's state changed (a table edit, a new Value from the page). @param {string} json */
        update(json) {
            state = parse(json);
            if (!press) moving = null;
            if (state.pending === null) hover = null;
            draw();
        },
        /** The points as drawn, in the unit square (tests, scripts). */
        positions() {
            return state.positions.map((p, i) => (moving && moving.index === i ? [moving.x, moving.y] : [...p]));
        },
        dispose() {
            if (frame) cancelAnimationFrame(frame);
            svg.removeEventListener('pointerdown', down);
            svg.removeEventListener('pointermove', move);
            svg.removeEventListener('pointerup', up);
            svg.removeEventListener('pointercancel', cancel);
            svg.removeEventListener('pointerleave', leave);
            svg.removeEventListener('keydown', key);
            svg.replaceChildren();
        },
    };
}

/** The width of a character of the names (11px, see skeleton-editor.css), roughly, for placing them. */
const CHAR_WIDTH = 6.1;

/**
 * Where each point's name goes, relative to the point: beside it (on the outer side first), above or below, wherever
 * it overlaps no other name, no other point and stays inside the drawing; null (the name is left out, it is still the
 * point's tooltip and in the table) where it fits nowhere, except the selected point's, which is then put beside it
 * anyway (drawn on top). Names are placed in point order, so selecting a point moves no other name.
 * @param {{x: number, y: number}[]} at points in viewBox units
 * @param {string[]} names
 * @param {number | null} selected
 * @returns {({x: number, y: number, anchor: string} | null)[]}
 */
function placeNames(at, names, selected) {
    /** @typedef {{l: number, t: number, r: number, b: number}} Box */
    /** @type {Box[]} */
    const taken = [];
    /** @param {Box} a @param {Box} b */
    const overlaps = (a, b) => a.l < b.r && b.l < a.r && a.t < b.b && b.t < a.b;
    const dots = at.map((p) => ({ l: p.x - 6, t: p.y - 6, r: p.x + 6, b: p.y + 6 }));
    /** @type {({x: number, y: number, anchor: string} | null)[]} */
    const out = names.map(() => null);
    for (let i = 0; i < names.length; i++) {
        const p = at[i];
        const w = names[i].length * CHAR_WIDTH;
        const right = { x: 10, y: 4, anchor: 'start', box: { l: p.x + 9, t: p.y - 8, r: p.x + 10 + w, b: p.y + 6 } };
        const left = { x: -10, y: 4, anchor: 'end', box: { l: p.x - 10 - w, t: p.y - 8, r: p.x - 9, b: p.y + 6 } };
        const above = { x: 0, y: -11, anchor: 'middle', box: { l: p.x - w / 2, t: p.y - 22, r: p.x + w / 2, b: p.y - 8 } };
        const below = { x: 0, y: 19, anchor: 'middle', box: { l: p.x - w / 2, t: p.y + 7, r: p.x + w / 2, b: p.y + 21 } };
        const outer = p.x < SIZE / 2 ? [left, right] : [right, left];
        const fit = [...outer, above, below].find(({ box }) =>
            box.l >= 0 && box.t >= 0 && box.r <= SIZE && box.b <= SIZE
            && !taken.some((t) => overlaps(t, box))
            && !dots.some((d, j) => j !== i && overlaps(d, box)));
        if (fit) {
            taken.push(fit.box);
            out[i] = { x: fit.x, y: fit.y, anchor: fit.anchor };
        } else if (i === selected) {
            const side = outer.find(({ box }) => box.l >= 0 && box.r <= SIZE) ?? outer[0];
            out[i] = { x: side.x, y: side.y, anchor: side.anchor };
        }
    }
    return out;
}

/** @param {string} json @returns {State} */
function parse(json) {
    const s = JSON.parse(json);
    return {
        points: s.points ?? [],
        positions: s.positions ?? [],
        edges: s.edges ?? [],
        flipPairs: s.flipPairs ?? [],
        selected: s.selected ?? null,
        pending: s.pending ?? null,
        mode: s.mode ?? 'move',
        readOnly: !!s.readOnly,
    };
}

/** @param {number} v */
function clamp(v) {
    return Number.isFinite(v) ? Math.min(1, Math.max(0, v)) : 0.5;
}

/** Rounds to 4 decimals, as .NET stores layout positions. @param {number} v */
function round(v) {
    return Math.round(v * 10000) / 10000;
}

/**
 * An SVG element with attributes.
 * @param {string} name @param {Record<string, string | number>} attributes
 * @returns {SVGElement}
 */
function el(name, attributes) {
    const node = /** @type {SVGElement} */ (document.createElementNS(SVG, name));
    for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, String(value));
    return node;
}
