// @ts-check
/**
 * Keyboard shortcuts of the workspace. Keys belong to the workspace unless a control outside the canvas host uses
 * them (see {@link ownsKey}). The active drawing tool sees a key first (Enter / Escape / Backspace while drawing).
 */

/** @typedef {import('./tools/tool.js').Label} Label */
/**
 * @typedef {Object} HotkeyActions
 * @property {(e: KeyboardEvent) => boolean} toolKey   offers the key to the active tool
 * @property {(name: string) => void} setTool
 * @property {() => Label[]} labels
 * @property {(label: Label) => void} labelKey          relabel the selection, or set the drawing label
 * @property {() => number} selectionCount
 * @property {() => void} deselect
 * @property {() => void} deleteSelection
 * @property {() => boolean} copy
 * @property {() => void} paste
 * @property {(name: 'Undo'|'Redo') => void} history
 * @property {(dir: number) => void} restack
 * @property {(field: 'hidden'|'locked') => void} toggle
 * @property {(dir: number) => void} cycle
 * @property {(factor: number) => void} zoom
 * @property {() => void} fit
 * @property {() => void} actualSize
 * @property {(delta: number) => void} brush
 * @property {() => void} help
 * @property {(where: 'next'|'previous') => void} navigate
 * @property {() => void} done                        mark the image done (and move on)
 * @property {() => void} skip                        ask why the image is skipped
 */

/** Tool letters. */
const TOOL_KEYS = /** @type {Record<string, string>} */ ({
    v: 'select', b: 'box', r: 'rotatedBox', p: 'polygon', f: 'freehand', l: 'polyline', t: 'point', e: 'ellipse',
    k: 'keypoints', m: 'brush', x: 'eraser',
});

/** Done and Skip (WorkspaceKeys in Annotator.Core keeps label hotkeys off these and the tool letters). */
const DONE_KEY = 'd';
const SKIP_KEY = 's';

/** Input types that hold no typed text (the keys of a text field are always its own). */
const NO_TEXT = new Set(['checkbox', 'radio', 'button', 'submit', 'reset', 'range', 'color', 'file', 'image']);

/**
 * Whether an element is a field the user types text into (a text-like input, a text area, editable content).
 * @param {Element|null} el
 */
export function isTextEntry(el) {
    if (!(el instanceof HTMLElement)) return false;
    if (el instanceof HTMLInputElement) return !NO_TEXT.has(el.type) && !el.readOnly;
    return el instanceof HTMLTextAreaElement || el.isContentEditable;
}

/**
 * Whether a key event is the workspace's. It is not when it comes from a control outside the canvas host that uses
 * the key itself: a text field, a drop-down (its letters pick an option), a check box or radio button (Space, Enter,
 * Tab, arrows; its other keys stay tool and label keys), or anything in a dialog, which also keeps every key while it
 * is open. Focus comes back to the canvas when the pointer enters it (see input.js).
 * @param {KeyboardEvent} e @param {HTMLElement} host
 */
export function ownsKey(e, host) {
    const t = e.target instanceof Element ? e.target : null;
    if (t && host.contains(t)) return true;
    if (document.querySelector('[role=dialog][aria-modal=true], .mud-dialog-container')) return false;
    if (!(t instanceof HTMLElement)) return true;
    if (t.closest('[role=dialog], .mud-popover')) return false;
    if (t instanceof HTMLInputElement && (t.type === 'checkbox' || t.type === 'radio')) {
        return !(e.key === ' ' || e.key === 'Enter' || e.key === 'Tab' || e.key.startsWith('Arrow'));
    }
    if (t.getAttribute('role') === 'combobox' || t.getAttribute('aria-haspopup') === 'listbox') return false;
    return !(isTextEntry(t) || t instanceof HTMLInputElement || t instanceof HTMLSelectElement);
}

/**
 * Runs the shortcut for a key; returns true if the key was used (the caller prevents the default action).
 * @param {KeyboardEvent} e @param {HotkeyActions} a
 */
export function handleKey(e, a) {
    if (a.toolKey(e)) return true;
    const key = e.key;
    const lower = key.length === 1 ? key.toLowerCase() : key;
    if (e.ctrlKey || e.metaKey) {
        if (e.altKey) return false;
        switch (lower) {
            case 'z': a.history(e.shiftKey ? 'Redo' : 'Undo'); return true;
            case 'y': a.history('Redo'); return true;
            case 'c': {
                const text = window.getSelection();
                return a.selectionCount() > 0 && (!text || text.isCollapsed) && a.copy();
            }
            case 'v': a.paste(); return true;
            case '0': a.fit(); return true;
            case '1': a.actualSize(); return true;
            case 'ArrowRight': a.navigate('next'); return true;
            case 'ArrowLeft': a.navigate('previous'); return true;
            default: return false;
        }
    }
    if (e.altKey) return false;
    switch (key) {
        case 'Escape': a.deselect(); return true;
        case 'Delete':
        case 'Backspace': a.deleteSelection(); return true;
        case 'Tab': a.cycle(e.shiftKey ? -1 : 1); return true;
        case 'PageUp': a.restack(1); return true;
        case 'PageDown': a.restack(-1); return true;
        case '+':
        case '=': a.zoom(1.25); return true;
        case '-':
        case '_': a.zoom(0.8); return true;
        case '[': a.brush(-1); return true;
        case ']': a.brush(1); return true;
        case '?': a.help(); return true;
        case 'n':
        case 'N': a.navigate(e.shiftKey ? 'previous' : 'next'); return true;
        case 'h':
        case 'H': a.toggle('hidden'); return true;
        case 'L': a.toggle('locked'); return true;
    }
    if (e.repeat) return false;
    // A label of an older taxonomy may still hold a key reserved since; it keeps it until the taxonomy is edited.
    const label = a.labels().find((l) => l.hotkey && l.hotkey.toLowerCase() === lower && !e.shiftKey);
    if (label) {
        a.labelKey(label);
        return true;
    }
    if (e.shiftKey) return false;
    if (TOOL_KEYS[lower]) {
        a.setTool(TOOL_KEYS[lower]);
        return true;
    }
    if (lower === DONE_KEY) {
        a.done();
        return true;
    }
    if (lower === SKIP_KEY) {
        a.skip();
        return true;
    }
    return false;
}
