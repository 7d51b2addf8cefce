// @ts-check
/**
 * Pointer, wheel and touch input of the canvas host. Panning (space + drag, middle button, the pan tool) and
 * two-finger pinch always win; everything else goes to the active tool as {@link ToolPointer}s. The view changes
 * locally; layers repaint on the next animation frame. The pointer entering the canvas brings the keyboard back to it
 * from a panel control (a drop-down, a button, a check box, the label filter), so tool keys and Space work at once; a
 * text field being typed in (an attribute's value) keeps the keys until the canvas is clicked.
 */
import { isTextEntry } from './hotkeys.js';

/** @typedef {import('./tools/tool.js').Tool} Tool */
/** @typedef {import('./tools/tool.js').ToolPointer} ToolPointer */
/** @typedef {import('./viewport.js').Viewport} Viewport */

/** Clicks closer than this (ms, CSS px) count as one multi-click. */
const MULTI_CLICK_MS = 400;
const MULTI_CLICK_PX = 5;

/**
 * @param {HTMLElement} host
 * @param {{viewport: Viewport, viewChanged: () => void, tool: () => Tool, panTool: () => boolean,
 *   ownsKeys: (e: KeyboardEvent) => boolean, cursorChanged: () => void}} deps
 *   ownsKeys: whether a key event is the workspace's (not a panel control's, see hotkeys.js ownsKey)
 * @returns {{dispose: () => void, cursor: () => string|null}}
 */
export function attachInput(host, deps) {
    const view = deps.viewport;
    let space = false;
    /** @type {{id: number, x: number, y: number}|null} */
    let pan = null;
    /** @type {Map<number, {x: number, y: number}>} touches down */
    const touches = new Map();
    /** @type {{dist: number, mx: number, my: number}|null} */
    let pinch = null;
    /** pointer id the tool is handling */
    let toolPointer = -1;
    let clicks = 0, lastClickTime = 0, lastClickX = 0, lastClickY = 0;

    /** @param {MouseEvent} e */
    const local = (e) => {
        const r = host.getBoundingClientRect();
        return { sx: e.clientX - r.left, sy: e.clientY - r.top };
    };

    /** @param {PointerEvent|MouseEvent} e @param {number} detail @returns {ToolPointer} */
    const toTool = (e, detail) => {
        const { sx, sy } = local(e);
        const p = view.toImage(sx, sy);
        return {
            x: p.x, y: p.y, sx, sy, button: e.button, buttons: e.buttons, shiftKey: e.shiftKey, altKey: e.altKey,
            ctrlKey: e.ctrlKey, metaKey: e.metaKey, detail, pointerType: 'pointerType' in e ? e.pointerType : 'mouse',
        };
    };

    const pinchState = () => {
        const [a, b] = [...touches.values()];
        return { dist: Math.hypot(a.x - b.x, a.y - b.y) || 1, mx: (a.x + b.x) / 2, my: (a.y + b.y) / 2 };
    };

    /** Takes the keyboard from a panel control (not from a value being typed, nor from a dialog). */
    function enter() {
        const f = document.activeElement;
        if (!f || f === host || host.contains(f) || f.closest('[role=dialog]')) return;
        if (isTextEntry(f) && !(f instanceof HTMLInputElement && f.type === 'search')) return;
        host.focus({ preventScroll: true });
    }

    /** @param {PointerEvent} e */
    function down(e) {
        host.focus({ preventScroll: true });
        if (e.pointerType === 'touch') {
            const { sx, sy } = local(e);
            touches.set(e.pointerId, { x: sx, y: sy });
            if (touches.size === 2) {
                if (toolPointer >= 0) deps.tool().cancel();
                toolPointer = -1;
                pan = null;
                pinch = pinchState();
                return;
            }
        }
        try {
            host.setPointerCapture(e.pointerId);
        } catch { /* synthetic events have no active pointer */ }
        if (e.button === 1 || space || (deps.panTool() && e.button === 0)) {
            e.preventDefault();
            pan = { id: e.pointerId, x: e.clientX, y: e.clientY };
            deps.cursorChanged();
            return;
        }
        const { sx, sy } = local(e);
        const now = performance.now();
        clicks = now - lastClickTime < MULTI_CLICK_MS && Math.hypot(sx - lastClickX, sy - lastClickY) < MULTI_CLICK_PX ? clicks + 1 : 1;
        lastClickTime = now;
        lastClickX = sx;
        lastClickY = sy;
        if (deps.tool().pointerDown(toTool(e, clicks))) {
            toolPointer = e.pointerId;
            e.preventDefault();
        }
        deps.cursorChanged();
    }

    /** @param {PointerEvent} e */
    function move(e) {
        if (touches.has(e.pointerId)) {
            const { sx, sy } = local(e);
            touches.set(e.pointerId, { x: sx, y: sy });
            if (pinch && touches.size === 2) {
                const next = pinchState();
                view.zoomAt(next.dist / pinch.dist, next.mx, next.my);
                view.panBy(next.mx - pinch.mx, next.my - pinch.my);
                pinch = next;
                deps.viewChanged();
                return;
            }
        }
        if (pan && e.pointerId === pan.id) {
            view.panBy(e.clientX - pan.x, e.clientY - pan.y);
            pan.x = e.clientX;
            pan.y = e.clientY;
            deps.viewChanged();
            return;
        }
        if (toolPointer === -1 || toolPointer === e.pointerId) {
            deps.tool().pointerMove(toTool(e, clicks));
            deps.cursorChanged();
        }
    }

    /** @param {PointerEvent} e */
    function up(e) {
        touches.delete(e.pointerId);
        if (touches.size < 2) pinch = null;
        if (host.hasPointerCapture(e.pointerId)) host.releasePointerCapture(e.pointerId);
        if (pan && e.pointerId === pan.id) {
            pan = null;
            deps.cursorChanged();
            return;
        }
        if (toolPointer === e.pointerId) {
            toolPointer = -1;
            if (e.type === 'pointercancel') deps.tool().cancel();
            else deps.tool().pointerUp(toTool(e, clicks));
            deps.cursorChanged();
        }
    }

    /** @param {MouseEvent} e */
    function dblclick(e) {
        if (!pan && !space) deps.tool().doubleClick?.(toTool(e, 2));
    }

    /** @param {WheelEvent} e */
    function wheel(e) {
        e.preventDefault();
        const unit = e.deltaMode === 1 ? 16 : e.deltaMode === 2 ? 100 : 1;
        const k = e.ctrlKey ? 0.01 : 0.0015; // ctrl + wheel is a trackpad pinch: finer deltas
        const { sx, sy } = local(e);
        view.zoomAt(Math.exp(-e.deltaY * unit * k), sx, sy);
        deps.viewChanged();
    }

    /** @param {KeyboardEvent} e */
    function keydown(e) {
        if (e.code !== 'Space' || !deps.ownsKeys(e)) return;
        e.preventDefault();
        if (!space) {
            space = true;
            deps.cursorChanged();
        }
    }

    /** @param {KeyboardEvent} e */
    function keyup(e) {
        if (e.code === 'Space' && space) {
            // the keydown was ours: a focused button must not be pressed by its release
            e.preventDefault();
            space = false;
            deps.cursorChanged();
        }
    }

    const blur = () => {
        space = false;
        deps.cursorChanged();
    };
    /** @param {Event} e */
    const noMenu = (e) => e.preventDefault();

    host.addEventListener('pointerenter', enter);
    host.addEventListener('pointerdown', down);
    host.addEventListener('pointermove', move);
    host.addEventListener('pointerup', up);
    host.addEventListener('pointercancel', up);
    host.addEventListener('dblclick', dblclick);
    host.addEventListener('wheel', wheel, { passive: false });
    host.addEventListener('contextmenu', noMenu);
    document.addEventListener('keydown', keydown);
    document.addEventListener('keyup', keyup);
    window.addEventListener('blur', blur);

    return {
        /** The pan cursor while panning or space is held, else null (the tool's cursor applies). */
        cursor: () => (pan ? 'grabbing' : space || deps.panTool() ? 'grab' : null),
        dispose() {
            host.removeEventListener('pointerenter', enter);
            host.removeEventListener('pointerdown', down);
            host.removeEventListener('pointermove', move);
            host.removeEventListener('pointerup', up);
            host.removeEventListener('pointercancel', up);
            host.removeEventListener('dblclick', dblclick);
            host.removeEventListener('wheel', wheel);
            host.removeEventListener('contextmenu', noMenu);
            document.removeEventListener('keydown', keydown);
            document.removeEventListener('keyup', keyup);
            window.removeEventListener('blur', blur);
        },
    };
}
